"""Live status of the caller's transformations: WebSocket `/ws` and Server-Sent Events `/events`."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, WebSocket
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.background import BackgroundTask
from starlette.websockets import WebSocketDisconnect

from gateway_service.adapters.metrics import LIVE_CONNECTIONS
from gateway_service.bootstrap import Gateway
from gateway_service.domain.live import LiveMessage
from gateway_service.domain.rate_policy import LimitCategory
from gateway_service.domain.routes import Upstream
from gateway_service.entrypoints.api.deps import GatewayDep, rate_limit, too_many_requests
from gateway_service.service_layer.live_hub import Subscription
from gateway_service.service_layer.pending_status import catch_up
from platform_common.client_address import client_address
from platform_common.errors import AppError, error_response
from platform_common.openapi import error_responses
from platform_common.route_templates import set_user_id
from platform_common.security.dependencies import token_from_headers
from platform_common.security.tokens import TokenClaims

router = APIRouter(tags=["live status"])
PING = '{"type":"ping"}'
TRY_AGAIN_LATER = 1013  # WebSocket close code: the client fell behind and should reconnect


async def _admit(gateway: Gateway, token: str | None, client_host: str) -> TokenClaims:
    claims = await gateway.edge.require(token)
    decision = await rate_limit(gateway, LimitCategory.READS, claims, client_host)
    if decision is not None and not decision.allowed:
        raise too_many_requests(decision)
    return claims


def _catch_up(
    gateway: Gateway, claims: TokenClaims, token: str, last_event_id: str | None
) -> Coroutine[Any, Any, list[LiveMessage]]:
    upstreams = gateway.upstreams
    pending_path = gateway.settings.images_pending_transformations_path
    pending_url = str(upstreams.urls[Upstream.IMAGES].join(pending_path))
    return catch_up(
        gateway.hub, upstreams.client, pending_url, claims.subject, token, last_event_id
    )


@router.get(
    "/events",
    operation_id="streamEvents",
    summary="Server-Sent Events: your transformations' status changes as they happen",
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "An event stream"},
        **error_responses(401),
    },
)
async def live_events(
    request: Request,
    gateway: GatewayDep,
    token: Annotated[
        str | None, Query(description="Token, for clients that cannot send headers")
    ] = None,
    last_event_id: Annotated[
        str | None,
        Header(alias="Last-Event-ID", description="Resume after this event id (sent on reconnect)"),
    ] = None,
) -> EventSourceResponse:
    token = token or token_from_headers(request.scope["headers"])
    claims = await _admit(gateway, token, client_address(request))
    set_user_id(request.scope, claims.subject)
    assert token is not None  # _admit refused a missing one

    # Subscribed before the response starts: whatever happens once the client sees the stream
    # open reaches it. The background task covers a stream that never got to run.
    subscription = gateway.hub.add(claims.subject)

    async def stream() -> AsyncIterator[ServerSentEvent]:
        LIVE_CONNECTIONS.labels("sse").inc()
        try:
            for missed in await _catch_up(gateway, claims, token, last_event_id):
                yield _server_sent(missed)
            # None: this client fell behind; ending the stream makes it reconnect and catch up.
            while (message := await subscription.next()) is not None:
                yield _server_sent(message)
        finally:
            gateway.hub.remove(subscription)
            LIVE_CONNECTIONS.labels("sse").dec()

    heartbeat = gateway.settings.live_heartbeat_seconds
    return EventSourceResponse(
        stream(),
        ping=heartbeat,
        send_timeout=heartbeat,
        headers={"Cache-Control": "no-store"},
        background=BackgroundTask(gateway.hub.remove, subscription),
    )


def _server_sent(message: LiveMessage) -> ServerSentEvent:
    return ServerSentEvent(data=message.json, event=message.type, id=message.id)


@router.websocket("/ws")
async def live_websocket(websocket: WebSocket, gateway: GatewayDep) -> None:
    """Token from `?token=`, the Authorization header or the cookie; messages are JSON."""
    token = websocket.query_params.get("token") or token_from_headers(websocket.scope["headers"])
    try:
        claims = await _admit(gateway, token, client_address(websocket))
        # Subscribed before accepting: whatever happens once the client is connected reaches it.
        subscription = gateway.hub.add(claims.subject)
    except AppError as exc:
        await websocket.send_denial_response(
            error_response(exc.status_code, exc.code, exc.message, exc.headers)
        )
        return
    set_user_id(websocket.scope, claims.subject)
    assert token is not None
    LIVE_CONNECTIONS.labels("websocket").inc()
    try:
        await websocket.accept()
        for message in await _catch_up(gateway, claims, token, None):
            await websocket.send_text(message.json)
        await _pump(websocket, subscription, gateway.settings.live_heartbeat_seconds)
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass  # the client left; nothing to tell anyone
    finally:
        gateway.hub.remove(subscription)
        LIVE_CONNECTIONS.labels("websocket").dec()


async def _pump(websocket: WebSocket, subscription: Subscription, heartbeat: float) -> None:
    """Push messages (and pings when idle) until the client leaves or falls behind."""

    async def push() -> None:
        while True:
            try:
                message = await asyncio.wait_for(subscription.next(), heartbeat)
            except TimeoutError:
                await websocket.send_text(PING)
                continue
            if message is None:
                return
            await websocket.send_text(message.json)

    async def listen() -> None:
        # Clients have nothing to say; reading is how a closed connection is noticed.
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass

    tasks = [
        asyncio.create_task(push()),
        asyncio.create_task(listen()),
        asyncio.create_task(subscription.overflowed.wait()),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if subscription.overflowed.is_set():
        # Bounded: a client that stopped reading may never take the close frame either.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(websocket.close(TRY_AGAIN_LATER, "fell behind; reconnect"), 1)
