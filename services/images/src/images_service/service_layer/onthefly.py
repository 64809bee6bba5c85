"""On-the-fly variants (GET /images/{id}/content?w=...): the use case.

An existing variant is served from storage. A new one is requested as POST /transform would be
(the row and its TransformRequested in one transaction: the outbox's Kafka copy is what always
gets it made, at least once), and the transformer is asked for its bytes directly, in one hop:
they come back as soon as the pipeline has them, while the S3 write and the status events follow
behind. Other requests for the same pending variant wait for its terminal status (notifications)
and are served from storage; after the bounded wait the caller gets the pending transformation.
"""

import time
import uuid
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from images_service.adapters.transformer_client import (
    RenderedVariant,
    RenderRefused,
    TransformerClient,
)
from images_service.domain.transformation import Transformation
from images_service.service_layer.notifications import FinishedNotifications
from images_service.service_layer.transformations import (
    TransformationRequest,
    get_transformation,
    request_transformation,
)
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.events import Envelope, TransformRequested
from platform_common.transform_spec import MEDIA_TYPES, TransformSpec


@dataclass(frozen=True)
class OnTheFly:
    uow: ImagesUnitOfWork
    transformer: TransformerClient
    notifications: FinishedNotifications
    topic: str
    wait_seconds: float


@dataclass(frozen=True)
class FreshVariant:
    """Rendered just now for this caller: the bytes, not yet necessarily in storage."""

    transformation: Transformation
    data: bytes
    media_type: str


@dataclass(frozen=True)
class VariantRefused:
    """The transformer cannot make this variant (its Failed event records the same reason)."""

    transformation: Transformation
    code: str
    message: str


def _staged_request(uow: ImagesUnitOfWork) -> Envelope | None:
    return next((e for e in uow.staged if e.type == TransformRequested.type), None)


async def variant(
    use: OnTheFly, owner: uuid.UUID, image_id: uuid.UUID, spec: TransformSpec
) -> FreshVariant | VariantRefused | Transformation:
    """The bytes of a new variant, the reason it cannot be made, or the transformation as it
    stands after the wait (succeeded: serve it from storage; else pending or failed)."""
    deadline = time.monotonic() + use.wait_seconds
    transformation, new_work = await run_in_threadpool(
        request_transformation, use.uow, TransformationRequest(owner, image_id, spec), use.topic
    )
    if transformation.is_finished:
        return transformation
    envelope = _staged_request(use.uow) if new_work else None
    if envelope is not None:
        answer = await use.transformer.render(envelope, deadline - time.monotonic())
        if isinstance(answer, RenderedVariant):
            media_type = MEDIA_TYPES.get(answer.format, "application/octet-stream")
            return FreshVariant(transformation, answer.data, media_type)
        if isinstance(answer, RenderRefused):
            return VariantRefused(transformation, answer.code, answer.message)
    remaining = deadline - time.monotonic()
    if remaining > 0 and await use.notifications.wait(transformation.id, remaining):
        transformation = await run_in_threadpool(
            get_transformation, use.uow, owner, image_id, transformation.id
        )
    return transformation
