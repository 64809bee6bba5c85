"""Producing a variant: the content-addressed result of one request, made at most once.

Idempotent by construction: the result lives at its content address, so a redelivered request
finds it there without redoing the work, and a request processed twice concurrently writes the
same bytes to the same key. In this process a variant is rendered once however it is asked for
(the registry): the on-the-fly endpoint gets the bytes as soon as they exist, the S3 write
follows.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from platform_common.events import TransformRequested
from platform_common.transform_spec import MEDIA_TYPES
from transformer_service import metrics
from transformer_service.domain.encoding import EncoderSettings
from transformer_service.domain.errors import InternalError, TransformError
from transformer_service.domain.limits import Limits
from transformer_service.domain.render_task import RenderTask, verify_source
from transformer_service.domain.variant import StoredVariant
from transformer_service.service_layer.ports import EventPublisher, Renderer, VariantStore
from transformer_service.service_layer.render_registry import InFlight, RenderRegistry
from transformer_service.service_layer.retry import RetryPolicy, retrying
from transformer_service.service_layer.scheduling import FairScheduler, unlimited

__all__ = ["Dependencies", "Encoders", "produce", "produce_or_explain", "verify_source"]
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Encoders:
    """Encoder effort for queued requests, and for a client waiting on the fly (fast)."""

    queued: EncoderSettings = field(default_factory=EncoderSettings)
    on_the_fly: EncoderSettings = field(
        default_factory=lambda: EncoderSettings(avif_effort=0, webp_effort=2)
    )


@dataclass(frozen=True)
class Dependencies:
    store: VariantStore
    renderer: Renderer
    publisher: EventPublisher
    limits: Limits
    retry: RetryPolicy
    encoders: Encoders = field(default_factory=Encoders)
    registry: RenderRegistry = field(default_factory=RenderRegistry)
    # A request made this recently has just been created: its variant is not looked for in S3
    # first (a redelivery inside the window renders again: same bytes, same key).
    fresh_request_seconds: float = 5.0
    scheduler: FairScheduler = field(default_factory=unlimited)


def just_requested(request: TransformRequested, within_seconds: float) -> bool:
    age = (datetime.now(UTC) - request.requested_at).total_seconds()
    return abs(age) < within_seconds


def render_task(request: TransformRequested, deps: Dependencies, on_the_fly: bool) -> RenderTask:
    return RenderTask(
        image_id=str(request.image_id),
        source_key=request.source_key,
        source_checksum=request.source_checksum,
        spec=request.spec,  # typed and validated once, by the producer
        format=request.output_format,
        asset_keys=dict(request.assets),
        limits=deps.limits,
        encoder=deps.encoders.on_the_fly if on_the_fly else deps.encoders.queued,
    )


async def _produce(
    request: TransformRequested, deps: Dependencies, flight: InFlight, on_the_fly: bool
) -> tuple[StoredVariant, bool]:
    task = render_task(request, deps, on_the_fly)
    if not (on_the_fly or just_requested(request, deps.fresh_request_seconds)):
        existing = await deps.store.variant(request.variant_key)
        if existing is not None:
            flight.rendered.set_result(None)
            return existing, True
    rendered = await deps.renderer.render(task)
    flight.rendered.set_result(rendered)  # a waiting client has its bytes from here on
    variant = StoredVariant(rendered.format, rendered.width, rendered.height, len(rendered.data))
    await deps.store.put_variant(
        request.variant_key, rendered.data, MEDIA_TYPES[rendered.format], variant
    )
    metrics.BYTES_OUT.inc(len(rendered.data))
    return variant, False


async def produce(
    request: TransformRequested, deps: Dependencies, on_the_fly: bool = False
) -> tuple[StoredVariant, bool]:
    """The stored variant and whether it was already there (or made by another caller here)."""
    joined = deps.registry.joined(request.variant_key)
    if joined is not None:
        return await asyncio.shield(joined.stored), True
    stored = deps.registry.recently_stored(request.variant_key)
    if stored is not None:
        return stored, True
    with deps.registry.rendering(request.variant_key) as flight:
        variant, cached = await _produce(request, deps, flight, on_the_fly)
        flight.stored.set_result(variant)
        return variant, cached


async def produce_or_explain(
    request: TransformRequested, deps: Dependencies, on_the_fly: bool = False
) -> tuple[StoredVariant, bool]:
    """produce() with transient failures retried, and anything unforeseen turned into a failure
    the user can be told about (so one bad request never stalls the stream)."""
    try:
        (variant, cached), _ = await retrying(
            lambda: produce(request, deps, on_the_fly),
            deps.retry,
            lambda *_: metrics.RETRIES.inc(),
        )
    except TransformError:
        raise
    except Exception as exc:
        logger.exception("unexpected failure transforming %s", request.transformation_id)
        raise InternalError("the transformation failed unexpectedly; it has been logged") from exc
    return variant, cached
