"""The one use case: a TransformRequested becomes a stored variant and status events
(TransformStarted, then TransformSucceeded or TransformFailed, keyed by image id), and a failure
for good also becomes a dead letter with the reason. The work waits for its account's fair share
of the libvips processes (service_layer/scheduling.py); Started says it has begun."""

import time
from typing import Any

from platform_common.events import (
    Envelope,
    TransformDeadLettered,
    TransformFailed,
    TransformRequested,
    TransformStarted,
    TransformSucceeded,
)
from transformer_service import metrics
from transformer_service.domain.errors import TransformError
from transformer_service.service_layer.scheduling import request_cost
from transformer_service.service_layer.variants import Dependencies, produce_or_explain


async def handle_transform_requested(
    envelope: Envelope, request: TransformRequested, deps: Dependencies
) -> TransformSucceeded | TransformFailed:
    async with deps.scheduler.slot(str(request.owner_id), request_cost(request)):
        return await _handle(envelope, request, deps)


async def _handle(
    envelope: Envelope, request: TransformRequested, deps: Dependencies
) -> TransformSucceeded | TransformFailed:
    ids = {
        "transformation_id": request.transformation_id,
        "image_id": request.image_id,
        "owner_id": request.owner_id,
    }
    key, trace = str(request.image_id), envelope.trace
    started = time.perf_counter()
    await deps.publisher.status(key, Envelope.wrap(TransformStarted(**ids), trace))
    metrics.IN_FLIGHT.inc()
    try:
        variant, cached = await produce_or_explain(request, deps)
    except TransformError as error:
        failed = TransformFailed(
            **ids, error_code=error.code, message=error.message, retryable=error.retryable
        )
        dead = TransformDeadLettered(
            transformation_id=request.transformation_id,
            image_id=request.image_id,
            error_code=error.code,
            message=error.message,
            retryable=error.retryable,
            attempts=error.attempts,
            request=envelope.model_dump(mode="json"),
        )
        await deps.publisher.dead_letter(key, Envelope.wrap(dead, trace))
        await deps.publisher.status(key, Envelope.wrap(failed, trace))
        _record("failed", started, error.code)
        return failed
    finally:
        metrics.IN_FLIGHT.dec()
    duration_ms = round((time.perf_counter() - started) * 1000)
    succeeded = TransformSucceeded(
        **ids,
        result_key=request.variant_key,
        format=variant.format,
        width=variant.width,
        height=variant.height,
        bytes=variant.bytes,
        duration_ms=duration_ms,
    )
    await deps.publisher.status(key, Envelope.wrap(succeeded, trace))
    _record("cached" if cached else "succeeded", started)
    if not cached:
        for operation in operation_names(request.spec) or ["none"]:
            metrics.RENDERS.labels(variant.format, operation).inc()
    return succeeded


def operation_names(spec: dict[str, Any]) -> list[str]:
    """The operations of a request's spec (images sends the ordered form; names are validated)."""
    operations = spec.get("operations")
    if not isinstance(operations, list):
        return []
    names = [op if isinstance(op, str) else op.get("op") for op in operations]
    return [str(name) for name in names if name]


def _record(outcome: str, started: float, error_code: str = "") -> None:
    metrics.JOBS.labels(outcome, error_code).inc()
    metrics.JOB_DURATION.labels(outcome).observe(time.perf_counter() - started)
