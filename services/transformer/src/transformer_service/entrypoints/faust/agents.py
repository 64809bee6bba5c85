"""The agent: consumes TransformRequested envelopes and hands each to the handler."""

import logging

import faust
from pydantic import ValidationError

from platform_common.events import Envelope, TransformDeadLettered, TransformRequested
from platform_common.tracing import consumer_span
from transformer_service.entrypoints.faust import runtime
from transformer_service.entrypoints.faust.app import app, settings
from transformer_service.entrypoints.faust.topics import transform_requests
from transformer_service.service_layer.handlers import (
    handle_transform_requested,
    refuse_unreadable_request,
)
from transformer_service.service_layer.variants import Dependencies

logger = logging.getLogger(__name__)


async def _reject_malformed(raw: bytes, reason: str, deps: Dependencies) -> None:
    """A message nobody can process goes to the dead-letter topic instead of blocking the stream."""
    logger.warning("malformed transform request sent to the dead-letter topic: %s", reason)
    dead = TransformDeadLettered(
        transformation_id=None,
        image_id=None,
        error_code="malformed_request",
        message=reason,
        retryable=False,
        attempts=1,
        request={"raw": raw.decode("utf-8", errors="replace")[:10_000]},
    )
    await deps.publisher.dead_letter("malformed", Envelope.wrap(dead, {}))


async def process(raw: bytes, deps: Dependencies) -> None:
    try:
        envelope = Envelope.from_bytes(raw)
    except ValidationError as exc:
        await _reject_malformed(raw, f"not a JSON envelope: {exc.errors()[0]['msg']}", deps)
        return
    if envelope.type != TransformRequested.type:
        logger.info("ignoring %s on the requests topic", envelope.type)
        return
    try:
        request = TransformRequested.model_validate(envelope.data)
    except ValidationError as exc:
        if await refuse_unreadable_request(envelope, exc, deps) is None:
            await _reject_malformed(raw, f"invalid TransformRequested: {exc.errors()[0]}", deps)
        return
    event = faust.current_event()
    headers = event.message.headers if event is not None else None
    with consumer_span(
        f"{settings.topic_transform_requested} process",
        headers,
        envelope.trace,
        {"messaging.kafka.consumer.group": settings.faust_app_id},
    ):
        await handle_transform_requested(envelope, request, deps)


@app.agent(transform_requests, concurrency=settings.transformer_concurrency)
async def transform(stream):  # type: ignore[no-untyped-def]
    deps = await runtime.dependencies()
    async for raw in stream:
        await process(raw, deps)
