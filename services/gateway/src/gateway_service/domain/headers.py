"""Which headers cross the gateway: hop-by-hop ones (RFC 9110 7.6.1) stay on their own hop."""

from collections.abc import Iterable

RawHeaders = list[tuple[bytes, bytes]]

HOP_BY_HOP: frozenset[bytes] = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"te",
        b"trailer",
        b"trailers",
        b"transfer-encoding",
        b"upgrade",
        b"proxy-connection",
        b"proxy-authenticate",
        b"proxy-authorization",
    }
)
# Set again by the gateway itself: the upstream's Host, our own X-Forwarded-* and request id.
# The client's address is resolved once (platform_common.client_address, which believes only
# trusted proxies) and sent on as the whole X-Forwarded-For: a chain the client wrote itself
# must not reach a service that trusts the gateway.
# Expect: 100-continue was answered by the gateway's own server already; forwarded, it would only
# make the upstream hop wait for a second "go ahead".
REQUEST_REPLACED: frozenset[bytes] = frozenset(
    {
        b"host",
        b"x-request-id",
        b"x-forwarded-for",
        b"forwarded",
        b"x-forwarded-host",
        b"x-forwarded-proto",
        b"expect",
    }
)
# Uvicorn writes its own Date and Server; keeping the upstream's would send each twice.
RESPONSE_REPLACED: frozenset[bytes] = frozenset({b"date", b"server"})


def header_value(headers: RawHeaders, name: bytes) -> bytes | None:
    """The first value of a header (names lower-case, as ASGI and our filters give them)."""
    return next((v for k, v in headers if k == name), None)


def connection_tokens(headers: Iterable[tuple[bytes, bytes]]) -> set[bytes]:
    """Header names listed in Connection are hop-by-hop too."""
    tokens: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            tokens.update(t.strip().lower() for t in value.split(b",") if t.strip())
    return tokens


def _end_to_end(headers: RawHeaders, also_drop: frozenset[bytes]) -> RawHeaders:
    named = connection_tokens(headers)
    kept = []
    for name, value in headers:
        lower = name.lower()
        if lower in HOP_BY_HOP or lower in also_drop or lower.startswith(b"proxy-"):
            continue
        if named and lower in named:
            continue
        kept.append((lower, value))
    return kept


def upstream_request_headers(
    headers: RawHeaders, *, client_host: str | None, scheme: str, request_id: str
) -> RawHeaders:
    """What the upstream receives: end-to-end headers plus who really asked and how.
    `client_host` is the client's resolved address (not necessarily the TCP peer)."""
    forwarded = _end_to_end(headers, REQUEST_REPLACED)
    host = next((v for k, v in headers if k == b"host"), b"")
    if client_host:
        forwarded.append((b"x-forwarded-for", client_host.encode()))
    forwarded.append((b"x-forwarded-proto", scheme.encode()))
    if host:
        forwarded.append((b"x-forwarded-host", host))
    forwarded.append((b"x-request-id", request_id.encode()))
    return forwarded


def client_response_headers(
    headers: RawHeaders, drop: frozenset[bytes] = frozenset()
) -> RawHeaders:
    return _end_to_end(headers, RESPONSE_REPLACED | drop)
