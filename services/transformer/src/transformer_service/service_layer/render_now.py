"""On the fly: the bytes of a new variant for a client that is waiting, as soon as they exist.

The request is the TransformRequested images staged in its outbox. It is handled exactly as
its Kafka copy would be (Started, render, S3 write, Succeeded or Failed: the row and its events
end the same), but the caller gets the bytes when the pipeline produces them; the S3 write and
the status events follow in the background. images holds the Kafka copy back in its outbox and
withdraws it once the Succeeded (or Failed) is recorded, so normally none comes; when one does
(the render call failed, or a crash outlived the outbox's grace) it joins the render in progress
or finds its success already published.
"""

import asyncio
from dataclasses import dataclass

from platform_common.events import (
    Envelope,
    TransformFailed,
    TransformRequested,
    TransformSucceeded,
)
from transformer_service.domain.errors import TransformError
from transformer_service.domain.pipeline import Rendered
from transformer_service.service_layer.handlers import handle_transform_requested
from transformer_service.service_layer.variants import Dependencies


@dataclass(frozen=True)
class RenderFailed(Exception):
    code: str
    message: str
    retryable: bool


def _failed(outcome: object) -> RenderFailed:
    if isinstance(outcome, TransformFailed):
        return RenderFailed(outcome.error_code, outcome.message, outcome.retryable)
    return RenderFailed("internal_error", "the variant is not available", True)


async def _stored(request: TransformRequested, deps: Dependencies, fmt: str) -> Rendered:
    """A variant already at its content address (made by an earlier or concurrent request)."""
    succeeded = deps.registry.answered(request.transformation_id, request.requested_at)
    data = await deps.store.get(request.variant_key)
    width, height = (succeeded.width, succeeded.height) if succeeded else (0, 0)
    return Rendered(data, succeeded.format if succeeded else fmt, width, height)


async def render_now(
    envelope: Envelope, request: TransformRequested, deps: Dependencies
) -> Rendered:
    """The variant's bytes; raises RenderFailed with the reason the transformation failed."""
    answered = deps.registry.answered(request.transformation_id, request.requested_at)
    if answered is not None:
        return await _stored(request, deps, answered.format)
    handling: asyncio.Future[TransformSucceeded | TransformFailed] | None = None
    flight = deps.registry.joined(request.variant_key)
    if flight is None:
        handling = asyncio.ensure_future(
            handle_transform_requested(envelope, request, deps, on_the_fly=True)
        )
        deps.registry.keep(handling)  # the S3 write and the events go on without the caller
        await asyncio.sleep(0)  # the handler registers its render before it first waits
        flight = deps.registry.joined(request.variant_key)
    if flight is None:  # finished or failed before rendering (e.g. an invalid spec)
        assert handling is not None
        outcome = await asyncio.shield(handling)
        if deps.registry.answered(request.transformation_id, request.requested_at) is None:
            raise _failed(outcome)
        return await _stored(request, deps, "")
    try:
        rendered = await asyncio.shield(flight.rendered)
    except TransformError as error:
        raise RenderFailed(error.code, error.message, error.retryable) from error
    except Exception as error:  # reported (and logged) by the handler's own outcome
        message = "the transformation failed unexpectedly"
        raise RenderFailed("internal_error", message, True) from error
    if rendered is None:  # it was already stored
        stored = await asyncio.shield(flight.stored)
        data = await deps.store.get(request.variant_key)
        return Rendered(data, stored.format, stored.width, stored.height)
    return rendered
