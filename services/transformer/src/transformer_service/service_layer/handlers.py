"""The one use case: a TransformRequested becomes a stored variant and status events
(TransformStarted, then TransformSucceeded or TransformFailed, keyed by image id), and a failure
for good also becomes a dead letter with the reason. The work waits for its account's fair share
of the libvips processes (service_layer/scheduling.py); Started says it has begun."""

import asyncio
import time
import uuid
from typing import TypedDict

from pydantic import BaseModel, ValidationError

from platform_common.events import (
    Envelope,
    TransformDeadLettered,
    TransformFailed,
    TransformRequested,
    TransformStarted,
    TransformSucceeded,
)
from platform_common.transform_spec import describe_errors
from transformer_service import metrics
from transformer_service.domain.errors import TransformError
from transformer_service.service_layer.scheduling import request_cost
from transformer_service.service_layer.variants import Dependencies, produce_or_explain


class _Ids(TypedDict):
    transformation_id: uuid.UUID
    image_id: uuid.UUID
    owner_id: uuid.UUID


async def handle_transform_requested(
    envelope: Envelope, request: TransformRequested, deps: Dependencies, on_the_fly: bool = False
) -> TransformSucceeded | TransformFailed:
    """Once per request in this process: its Kafka copy arriving while the on-the-fly handling of
    the same request runs (or after its success was published) waits for it and adds no events."""
    answered = deps.registry.answered(request.transformation_id, request.requested_at)
    if answered is not None:
        return answered
    running = deps.registry.handling(request.transformation_id, request.requested_at)
    if running is not None:
        return await asyncio.shield(running)
    with deps.registry.handled(request.transformation_id, request.requested_at) as outcome:
        async with deps.scheduler.slot(str(request.owner_id), request_cost(request)):
            result = await _handle(envelope, request, deps, on_the_fly)
        outcome.set_result(result)
        return result


async def _handle(
    envelope: Envelope, request: TransformRequested, deps: Dependencies, on_the_fly: bool
) -> TransformSucceeded | TransformFailed:
    ids: _Ids = {
        "transformation_id": request.transformation_id,
        "image_id": request.image_id,
        "owner_id": request.owner_id,
    }
    key, trace = str(request.image_id), envelope.trace
    started = time.perf_counter()
    # The work starts at once; Started's ack is awaited before the outcome is published (same
    # partition, so Started still comes first for every reader).
    started_sent = asyncio.ensure_future(
        deps.publisher.status(key, Envelope.wrap(TransformStarted(**ids), trace))
    )
    metrics.IN_FLIGHT.inc()
    try:
        variant, cached = await produce_or_explain(request, deps, on_the_fly)
    except TransformError as error:
        await started_sent
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
    await started_sent
    duration_ms = round((time.perf_counter() - started) * 1000)
    succeeded = TransformSucceeded(
        **ids,
        format=variant.format,
        width=variant.width,
        height=variant.height,
        bytes=variant.bytes,
        duration_ms=duration_ms,
    )
    await deps.publisher.status(key, Envelope.wrap(succeeded, trace))
    deps.registry.remember_answered(request.requested_at, succeeded)
    _record("cached" if cached else "succeeded", started)
    if not cached:
        operations: list[str] = [op.op for op in request.spec.operations] or ["none"]
        for operation in operations:
            metrics.RENDERS.labels(variant.format, operation).inc()
    return succeeded


class _RequestIds(BaseModel):
    transformation_id: uuid.UUID
    image_id: uuid.UUID
    owner_id: uuid.UUID


async def refuse_unreadable_request(
    envelope: Envelope, error: ValidationError, deps: Dependencies
) -> TransformFailed | None:
    """A request whose ids can be read but whose spec cannot (a newer producer's operation during
    a rolling deploy): it fails for good, so its requester is told. None when not even the ids
    can be read (the caller dead-letters the raw message)."""
    try:
        ids = _RequestIds.model_validate(envelope.data).model_dump()
    except ValidationError:
        return None
    message = f"the transform request cannot be read: {describe_errors(error)}"
    failed = TransformFailed(
        **ids, error_code="invalid_operation", message=message, retryable=False
    )
    dead = TransformDeadLettered(
        transformation_id=ids["transformation_id"],
        image_id=ids["image_id"],
        error_code=failed.error_code,
        message=message,
        retryable=False,
        attempts=1,
        request=envelope.model_dump(mode="json"),
    )
    key = str(ids["image_id"])
    await deps.publisher.dead_letter(key, Envelope.wrap(dead, envelope.trace))
    await deps.publisher.status(key, Envelope.wrap(failed, envelope.trace))
    _record("failed", time.perf_counter(), failed.error_code)
    return failed


def _record(outcome: str, started: float, error_code: str = "") -> None:
    metrics.JOBS.labels(outcome, error_code).inc()
    metrics.JOB_DURATION.labels(outcome).observe(time.perf_counter() - started)
