"""The agent: consumes TransformRequested envelopes and hands each to the handler.

One actor takes requests in the partitions' order and runs each as a task, up to
TRANSFORMER_CONCURRENCY at once: the worker reads ahead, so a light request behind heavy ones is
taken at once and waits for its fair slot, not for them. Acknowledgements are manual and in
offset order (ordered_acks.py): a partition is committed only up to its oldest request not yet
done. A request cut short by shutdown is not acknowledged (it is delivered again); one that
failed unexpectedly is logged and acknowledged, so it cannot stall its partition.
"""

import asyncio
import contextlib
import logging
from collections.abc import Mapping

import faust
from pydantic import ValidationError

from platform_common.events import Envelope, TransformDeadLettered, TransformRequested
from platform_common.tracing import RawHeaders, consumer_span
from transformer_service.bootstrap import Transformer
from transformer_service.entrypoints.faust.lag import TakenOffsets
from transformer_service.entrypoints.faust.ordered_acks import InOrderAcks, Taken
from transformer_service.service_layer.handlers import (
    handle_transform_requested,
    refuse_unreadable_request,
)
from transformer_service.service_layer.variants import Dependencies

logger = logging.getLogger(__name__)
AGENT_NAME = "transformer_service.entrypoints.faust.agents.transform"


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


async def process(
    raw: bytes, headers: RawHeaders | None, deps: Dependencies, span_name: str, group: str
) -> None:
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
    attributes: Mapping[str, str | int] = {"messaging.kafka.consumer.group": group}
    with consumer_span(span_name, headers, envelope.trace, attributes):
        await handle_transform_requested(envelope, request, deps)


def register_agent(app: faust.App, transformer: Transformer, taken: TakenOffsets) -> None:
    settings = transformer.settings
    requests = app.topic(settings.topic_transform_requested)
    span_name = f"{settings.topic_transform_requested} process"
    group = settings.faust_app_id

    async def transform(stream: faust.StreamT[bytes]) -> None:
        deps = await transformer.dependencies()
        acks = InOrderAcks()
        room = asyncio.Semaphore(settings.transformer_concurrency)
        running: set[asyncio.Task[None]] = set()

        async def run(event: faust.EventT[bytes], held: Taken) -> None:
            try:
                await process(event.value, event.message.headers, deps, span_name, group)
            except Exception:
                logger.exception("unexpected failure processing a transform request")
            finally:
                room.release()
            acks.finished(held)  # not reached when cancelled: the request comes again

        try:
            # Manual acks: Faust's StreamT protocol omits noack(), its Stream class has it.
            async for event in stream.noack().events():  # type: ignore[attr-defined]
                await room.acquire()
                taken.took(event.message.tp, event.message.offset)
                task = asyncio.create_task(run(event, acks.took(event)))
                running.add(task)
                task.add_done_callback(running.discard)
        finally:
            unfinished = list(running)
            for task in unfinished:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*unfinished, return_exceptions=True)

    app.agent(requests, name=AGENT_NAME)(transform)
