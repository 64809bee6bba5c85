"""Running an app with a guarded `receive`: a guard that refuses the request body (too slow, too
large) raises an AppError from `receive`, and the client is answered with THAT error whatever the
app makes of the exception. Code that forwards the body elsewhere (the gateway's upstream client)
may wrap it into an error of its own, and "upstream unavailable" would send the client looking in
the wrong place."""

from collections.abc import Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from platform_common.errors import AppError, error_response

Guard = Callable[[Receive], Awaitable[Message]]


async def serve_with_receive_guard(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, guard: Guard
) -> None:
    """`guard(receive)` returns the next message or raises the AppError to answer."""
    refused: AppError | None = None
    started = replaced = False

    async def guarded_receive() -> Message:
        nonlocal refused
        try:
            return await guard(receive)
        except AppError as error:
            refused = error
            raise

    async def send_refusal_instead(message: Message) -> None:
        nonlocal started, replaced
        if replaced:
            return  # the rest of the app's own answer
        if refused is not None and not started:
            replaced = True
            response = error_response(
                refused.status_code, refused.code, refused.message, refused.headers
            )
            await response(scope, receive, send)
            return
        started = True
        await send(message)

    try:
        await app(scope, guarded_receive, send_refusal_instead)
    except Exception:
        if refused is None or started or replaced:
            raise
        await send_refusal_instead({"type": "http.response.start"})
