"""What the transform handler needs from the outside world, as protocols (fakes in unit tests,
S3/libvips processes/Kafka in the worker)."""

from typing import Protocol

from platform_common.events import Envelope
from transformer_service.domain.pipeline import Rendered
from transformer_service.domain.render_task import RenderTask
from transformer_service.domain.variant import StoredVariant


class VariantStore(Protocol):
    async def get(self, key: str) -> bytes: ...

    async def variant(self, key: str) -> StoredVariant | None: ...

    async def put_variant(
        self, key: str, data: bytes, media_type: str, variant: StoredVariant
    ) -> None: ...


class Renderer(Protocol):
    async def render(self, task: RenderTask) -> Rendered:
        """Reads the task's objects itself (in the worker process) and runs the pipeline."""


class EventPublisher(Protocol):
    async def status(self, key: str, envelope: Envelope) -> None:
        """To images.transform.events, keyed by image id."""

    async def dead_letter(self, key: str, envelope: Envelope) -> None:
        """To images.transform.dlq."""
