"""On-the-fly variants (GET /images/{id}/content?w=...): the use case.

One short transaction finds the variant or requests it as POST /transform would (the row and its
TransformRequested together; the owner's lock and tombstone check only when creating). An
existing variant is served from storage. For a new one the transformer is asked for its bytes
directly, in one hop: they come back as soon as the pipeline has them, while the S3 write
and the status events follow behind. Other requests for the same pending variant wait for its
terminal status (notifications) and are served from storage; after the bounded wait the caller
gets the pending transformation.

Why the request is staged *deferred* (`request_grace_seconds`): published at once, its Kafka copy
cost the broker and the transformer (consuming, deduping) more CPU than the one-hop render saves,
for a request the render answers anyway. Deferred, it is still committed with the row, so it is
what gets the variant made, at least once, whatever crashes: if the render call fails it is
released at once; if images or the transformer dies after the call, the grace runs out and the
relay publishes it. When the transformation finishes, the worker that records it withdraws the
row in the same transaction, so a normal on-the-fly render publishes no request at all. The grace
exceeds the wait for the render plus the stored result's status event, so a duplicate (harmless:
content addressing, the transformer's registry) is only the rare slow case.
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
    release_request,
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
    # How long the staged request waits in the outbox for the one-hop render (see above).
    request_grace_seconds: float


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
    one_hop = use.transformer.enabled and use.wait_seconds > 0
    request = TransformationRequest(
        owner, image_id, spec, use.request_grace_seconds if one_hop else 0.0
    )
    transformation, new_work = await run_in_threadpool(
        request_transformation, use.uow, request, use.topic
    )
    if transformation.is_finished:
        return transformation
    envelope = _staged_request(use.uow) if new_work else None
    if envelope is not None and one_hop:
        answer = await use.transformer.render(envelope, deadline - time.monotonic())
        if isinstance(answer, RenderedVariant):
            media_type = MEDIA_TYPES.get(answer.format, "application/octet-stream")
            return FreshVariant(transformation, answer.data, media_type)
        if isinstance(answer, RenderRefused):
            return VariantRefused(transformation, answer.code, answer.message)
        # Not rendered now: the Kafka copy is the way it gets made, so it goes out at once.
        await run_in_threadpool(release_request, use.uow, envelope.id)
    remaining = deadline - time.monotonic()
    if remaining > 0 and await use.notifications.wait(transformation.id, remaining):
        transformation = await run_in_threadpool(
            get_transformation, use.uow, owner, image_id, transformation.id
        )
    return transformation
