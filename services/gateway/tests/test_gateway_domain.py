"""Pure routing, rate-limit, header, caching and OpenAPI rules of the gateway."""

import uuid

import pytest

from gateway_service.domain.caching import (
    etag_matches,
    image_id_of,
    is_immutable,
    is_variant_content,
)
from gateway_service.domain.headers import client_response_headers, upstream_request_headers
from gateway_service.domain.openapi import merge_openapi
from gateway_service.domain.rate_policy import (
    LimitCategory,
    RateLimitDecision,
    categorize,
    identity,
    transform_cost_units,
)
from gateway_service.domain.routes import Upstream, resolve, route_label, routed_by

ID = str(uuid.uuid4())


@pytest.mark.parametrize(
    ("method", "path", "upstream", "public"),
    [
        ("POST", "/auth/login", Upstream.AUTH, True),
        ("POST", "/auth/register", Upstream.AUTH, True),
        ("POST", "/auth/token", Upstream.AUTH, True),
        ("POST", "/auth/logout", Upstream.AUTH, True),
        ("GET", "/auth/me", Upstream.AUTH, False),
        ("GET", "/users/me", Upstream.AUTH, False),
        ("GET", "/.well-known/jwks.json", Upstream.AUTH, True),
        ("GET", "/images", Upstream.IMAGES, False),
        ("POST", "/images", Upstream.IMAGES, False),
        ("GET", f"/images/{ID}/content", Upstream.IMAGES, False),
        ("GET", "/admin/storage/objects", Upstream.IMAGES, False),
        ("OPTIONS", "/images", Upstream.IMAGES, True),
        ("GET", "/auth/login", Upstream.AUTH, False),  # only POST /auth/login is public
    ],
)
def test_routes_resolve_to_their_upstream_and_edge_rule(method, path, upstream, public):
    route = resolve(method, path)
    assert route is not None
    assert (route.upstream, route.public) == (upstream, public)


@pytest.mark.parametrize("path", ["/", "/health", "/imagesx", "/docs", "/authority/x", "relative"])
def test_other_paths_are_not_routed(path):
    assert resolve("GET", path) is None


def test_openapi_paths_are_kept_only_when_routed_to_that_service():
    assert routed_by(Upstream.AUTH, "/auth/me")
    assert not routed_by(Upstream.AUTH, "/images")
    assert not routed_by(Upstream.IMAGES, "/health")


def test_route_labels_hide_ids():
    assert route_label(f"/images/{ID}/transformations/{ID}/content") == (
        "/images/{id}/transformations/{id}/content"
    )
    assert route_label("/auth/users/42") == "/auth/users/{id}"
    assert route_label("/images/uploads") == "/images/uploads"


@pytest.mark.parametrize(
    ("method", "path", "query", "category"),
    [
        ("POST", "/auth/login", b"", LimitCategory.LOGIN),
        ("POST", "/auth/token", b"", LimitCategory.LOGIN),
        ("POST", "/auth/register", b"", LimitCategory.LOGIN),
        ("POST", "/images", b"", LimitCategory.UPLOADS),
        ("POST", "/images/uploads", b"", LimitCategory.UPLOADS),
        ("POST", f"/images/uploads/{ID}/complete", b"", LimitCategory.UPLOADS),
        ("POST", "/images/fetch", b"", LimitCategory.UPLOADS),
        ("POST", f"/images/{ID}/transform", b"", LimitCategory.TRANSFORMS),
        ("GET", f"/images/{ID}/content", b"w=100&format=webp", LimitCategory.TRANSFORMS),
        ("GET", f"/images/{ID}/content", b"", LimitCategory.READS),
        ("GET", "/images", b"page=2", LimitCategory.READS),
        ("DELETE", f"/images/{ID}", b"", LimitCategory.READS),
        ("GET", "/auth/me", b"", LimitCategory.READS),
    ],
)
def test_requests_fall_into_their_rate_limit_category(method, path, query, category):
    assert categorize(method, path, query) is category


def test_identity_is_the_user_when_known_else_the_address():
    assert identity("u1", "10.0.0.1") == "user:u1"
    assert identity(None, "10.0.0.1") == "addr:10.0.0.1"
    assert identity(None, None) == "addr:unknown"


def test_rate_limit_headers_and_retry_after_when_refused():
    allowed = dict(RateLimitDecision(True, 10, 7, 12.2).headers())
    assert allowed == {
        b"ratelimit-limit": b"10",
        b"ratelimit-remaining": b"7",
        b"ratelimit-reset": b"13",
    }
    refused = dict(RateLimitDecision(False, 10, 0, 0.01).headers())
    assert refused[b"retry-after"] == b"1"  # never "0": that would invite an immediate retry


def test_hop_by_hop_request_headers_are_dropped_and_forwarding_headers_set():
    incoming = [
        (b"host", b"gateway.example"),
        (b"connection", b"keep-alive, X-Secret-Hop"),
        (b"keep-alive", b"timeout=5"),
        (b"x-secret-hop", b"1"),
        (b"te", b"trailers"),
        (b"transfer-encoding", b"chunked"),
        (b"upgrade", b"h2c"),
        (b"proxy-authorization", b"Basic x"),
        (b"expect", b"100-continue"),
        (b"authorization", b"Bearer t"),
        (b"x-request-id", b"client-chosen"),
        (b"x-forwarded-for", b"203.0.113.9"),
    ]
    out = upstream_request_headers(
        incoming, client_host="10.0.0.2", scheme="https", request_id="rid-1"
    )
    names = [k for k, _ in out]
    for hop in (b"connection", b"keep-alive", b"x-secret-hop", b"te", b"transfer-encoding"):
        assert hop not in names
    assert b"upgrade" not in names and b"proxy-authorization" not in names and b"host" not in names
    assert b"expect" not in names  # the gateway's own server already said "go ahead"
    headers = dict(out)
    assert headers[b"authorization"] == b"Bearer t"
    # Only the resolved client: the chain the client wrote never reaches a trusting upstream.
    assert headers[b"x-forwarded-for"] == b"10.0.0.2"
    assert headers[b"x-forwarded-proto"] == b"https"
    assert headers[b"x-forwarded-host"] == b"gateway.example"
    assert headers[b"x-request-id"] == b"rid-1"
    assert names.count(b"x-request-id") == 1


def test_a_forged_forwarding_chain_is_replaced_by_the_resolved_client():
    out = upstream_request_headers(
        [(b"x-forwarded-for", b"198.51.100.7, 127.0.0.1"), (b"forwarded", b"for=198.51.100.8")],
        client_host="203.0.113.9",
        scheme="http",
        request_id="r",
    )
    assert [v for k, v in out if k == b"x-forwarded-for"] == [b"203.0.113.9"]
    assert b"forwarded" not in dict(out)


def test_response_headers_drop_hop_by_hop_and_duplicates_of_our_own():
    upstream = [
        (b"Content-Type", b"image/webp"),
        (b"Content-Length", b"10"),
        (b"ETag", b'"abc"'),
        (b"Connection", b"close"),
        (b"Transfer-Encoding", b"chunked"),
        (b"Date", b"x"),
        (b"Server", b"uvicorn"),
    ]
    assert client_response_headers(upstream) == [
        (b"content-type", b"image/webp"),
        (b"content-length", b"10"),
        (b"etag", b'"abc"'),
    ]


def test_only_plain_gets_of_variant_content_are_cacheable():
    path = f"/images/{ID}/transformations/{ID}/content"
    assert is_variant_content("GET", path, b"")
    assert not is_variant_content("GET", path, b"download=1")
    assert not is_variant_content("HEAD", path, b"")
    assert not is_variant_content("GET", f"/images/{ID}/content", b"")
    assert is_immutable(b"private, max-age=31536000, immutable")
    assert not is_immutable(b"private, max-age=60")
    assert not is_immutable(b"immutable, no-store")
    assert image_id_of(path) == ID


@pytest.mark.parametrize(
    ("if_none_match", "etag", "matches"),
    [
        (b'"a"', b'"a"', True),
        (b'"b", "a"', b'"a"', True),
        (b'W/"a"', b'"a"', True),
        (b"*", b'"a"', True),
        (b'"b"', b'"a"', False),
        (None, b'"a"', False),
        (b'"a"', None, False),
    ],
)
def test_if_none_match_uses_weak_comparison(if_none_match, etag, matches):
    assert etag_matches(if_none_match, etag) is matches


def _service_schema(path: str, error_schema: dict) -> dict:
    return {
        "paths": {
            path: {"get": {"responses": {"404": {"$ref": "#/components/schemas/Error"}}}},
            "/health": {"get": {}},
        },
        "components": {
            "schemas": {"Error": error_schema, "HTTPValidationError": {"type": "object"}},
            "securitySchemes": {"OAuth2PasswordBearer": {"type": "oauth2"}},
        },
        "tags": [{"name": path.strip("/")}],
    }


def test_merged_openapi_has_every_routed_path_and_keeps_clashing_components_apart():
    base = {"openapi": "3.1.0", "paths": {"/health": {"get": {"summary": "gateway"}}}}
    merged = merge_openapi(
        base,
        {
            Upstream.AUTH: _service_schema("/auth/me", {"title": "auth error"}),
            Upstream.IMAGES: _service_schema("/images", {"title": "images error"}),
        },
    )
    assert set(merged["paths"]) == {"/health", "/auth/me", "/images"}
    assert merged["paths"]["/health"]["get"]["summary"] == "gateway"  # services' own stay out
    schemas = merged["components"]["schemas"]
    assert schemas["Error"] == {"title": "auth error"}
    assert schemas["ImagesError"] == {"title": "images error"}
    images_ref = merged["paths"]["/images"]["get"]["responses"]["404"]["$ref"]
    assert images_ref == "#/components/schemas/ImagesError"
    assert set(schemas) == {"Error", "ImagesError", "HTTPValidationError"}
    assert list(merged["components"]["securitySchemes"]) == ["OAuth2PasswordBearer"]
    assert [t["name"] for t in merged["tags"]] == ["auth/me", "images"]
    assert "paths" in base and "/auth/me" not in base["paths"]  # the input is left alone


@pytest.mark.parametrize(
    ("header", "unit", "expected"),
    [
        (None, 25.0, 1),  # no new work: the admission's 1
        ("12.4", 25.0, 1),  # a thumbnail
        ("1887.4", 25.0, 76),  # the upscaled, rotated, blurred, sketched PNG
        ("1e9", 25.0, 120),  # at most the whole window
        ("1887.4", 0.0, 1),  # units off
        ("lots", 25.0, 1),
        ("nan", 25.0, 1),
        ("-5", 25.0, 1),
    ],
)
def test_a_transform_spends_its_estimated_cost_in_units(header, unit, expected) -> None:
    assert transform_cost_units(header, unit, ceiling=120) == expected
