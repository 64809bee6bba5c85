"""Producing a variant: the content-addressed result of one request, made at most once.

Idempotent by construction: the result lives at its content address, so a redelivered request
finds it there without redoing the work, and a request processed twice concurrently writes the
same bytes to the same key.
"""

import hashlib
import hmac
import logging
from dataclasses import dataclass, field

from pydantic import ValidationError

from platform_common.events import TransformRequested
from platform_common.transform_spec import (
    MEDIA_TYPES,
    OUTPUT_FORMATS,
    TransformSpec,
    describe_errors,
)
from transformer_service import metrics
from transformer_service.domain.errors import (
    InternalError,
    InvalidOperation,
    SourceChecksumMismatch,
    SourceNotFound,
    TransformError,
)
from transformer_service.domain.limits import Limits
from transformer_service.domain.pipeline import Job
from transformer_service.domain.variant import StoredVariant
from transformer_service.service_layer.ports import EventPublisher, Renderer, VariantStore
from transformer_service.service_layer.retry import RetryPolicy, retrying
from transformer_service.service_layer.scheduling import FairScheduler, unlimited

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Dependencies:
    store: VariantStore
    renderer: Renderer
    publisher: EventPublisher
    limits: Limits
    retry: RetryPolicy
    scheduler: FairScheduler = field(default_factory=unlimited)


def parse_spec(raw: dict) -> TransformSpec:
    try:
        return TransformSpec.model_validate(raw)
    except ValidationError as exc:
        raise InvalidOperation(f"the transform spec is invalid: {describe_errors(exc)}") from exc


def format_hint(variant_key: str) -> str | None:
    """The format the variant key promises (used when the spec keeps the source's format)."""
    extension = variant_key.rsplit(".", 1)[-1]
    return extension if extension in OUTPUT_FORMATS else None


async def _assets(request: TransformRequested, spec: TransformSpec, store: VariantStore) -> dict:
    assets: dict[str, bytes] = {}
    for image_id in spec.watermark_image_ids():
        key = request.assets.get(image_id)
        if key is None:
            continue  # the operation reports it as an invalid watermark image
        try:
            assets[image_id] = await store.get(key)
        except SourceNotFound as exc:
            raise InvalidOperation(f"watermark image {image_id} no longer exists") from exc
    return assets


def verify_source(source: bytes, request: TransformRequested) -> None:
    """The variant's address is (source checksum, spec) and is shared by every owner of those
    bytes, so only bytes that hash to that checksum may be rendered into it."""
    actual = hashlib.sha256(source).hexdigest()
    if not hmac.compare_digest(actual, request.source_checksum.lower()):
        raise SourceChecksumMismatch(
            f"the stored source of image {request.image_id} is not the verified upload "
            "(its checksum differs); it was not rendered"
        )


async def produce(request: TransformRequested, deps: Dependencies) -> tuple[StoredVariant, bool]:
    """The stored variant and whether it was already there."""
    existing = await deps.store.variant(request.variant_key)
    if existing is not None:
        return existing, True
    spec = parse_spec(request.spec)
    source = await deps.store.get(request.source_key)
    verify_source(source, request)
    assets = await _assets(request, spec, deps.store)
    metrics.BYTES_IN.inc(len(source) + sum(len(data) for data in assets.values()))
    job = Job(source, spec, format_hint(request.variant_key), assets, deps.limits)
    rendered = await deps.renderer.run(job)
    variant = StoredVariant(rendered.format, rendered.width, rendered.height, len(rendered.data))
    await deps.store.put_variant(
        request.variant_key, rendered.data, MEDIA_TYPES[rendered.format], variant
    )
    metrics.BYTES_OUT.inc(len(rendered.data))
    return variant, False


async def produce_or_explain(
    request: TransformRequested, deps: Dependencies
) -> tuple[StoredVariant, bool]:
    """produce() with transient failures retried, and anything unforeseen turned into a failure
    the user can be told about (so one bad request never stalls the stream)."""
    try:
        (variant, cached), _ = await retrying(
            lambda: produce(request, deps), deps.retry, lambda *_: metrics.RETRIES.inc()
        )
    except TransformError:
        raise
    except Exception as exc:
        logger.exception("unexpected failure transforming %s", request.transformation_id)
        raise InternalError("the transformation failed unexpectedly; it has been logged") from exc
    return variant, cached
