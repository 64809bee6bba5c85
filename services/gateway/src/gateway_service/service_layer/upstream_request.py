"""The request the upstream receives: the client's, minus hop-by-hop headers, plus who asked;
its body streamed from the client as it arrives, never gathered first."""

from collections.abc import AsyncIterator

import httpx
from starlette.types import Receive, Scope

from gateway_service.domain.headers import RawHeaders, upstream_request_headers
from platform_common.client_address import client_address
from platform_common.request_context import current_request_id, new_request_id
from platform_common.tracing import with_current_trace


class ClientDisconnected(Exception):
    """The client went away while its request body was still arriving."""


async def _request_body(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnected
        if body := message.get("body"):
            yield body
        if not message.get("more_body"):
            return


def _has_body(headers: RawHeaders) -> bool:
    for name, value in headers:
        if (name == b"content-length" and value.strip() != b"0") or name == b"transfer-encoding":
            return True
    return False


def upstream_request(scope: Scope, receive: Receive, base: httpx.URL) -> httpx.Request:
    query = scope["query_string"]
    target = scope.get("raw_path") or scope["path"].encode()  # as sent: still percent-encoded
    headers = upstream_request_headers(
        scope["headers"],
        client_host=client_address(scope),
        scheme=scope["scheme"],
        request_id=current_request_id() or new_request_id(),
    )
    return httpx.Request(
        scope["method"],
        base.copy_with(raw_path=target + b"?" + query if query else target),
        headers=with_current_trace(headers),  # the upstream's span is a child of ours
        content=_request_body(receive) if _has_body(scope["headers"]) else None,
    )
