"""Every public route reaches its service through the gateway, and the edge turns away requests
without a valid token before any service sees them."""

import uuid
from typing import Any

import httpx
import pytest

from devstack.ports import free_port


def error_code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


PASSWORD = "gateway test pass 123"  # what conftest registers users with


def test_auth_routes_through_the_gateway(client: httpx.Client, register_via: Any) -> None:
    user = register_via(client)

    login = client.post("/auth/login", json={"username": user["username"], "password": PASSWORD})
    assert login.status_code == 200
    cookie = login.cookies.get("access_token") or login.headers["set-cookie"]
    assert "access_token" in login.headers["set-cookie"] and cookie

    form = {"username": user["username"], "password": PASSWORD}
    token = client.post("/auth/token", data=form)
    assert token.status_code == 200 and token.json()["access_token"]

    me = client.get("/auth/me", headers=user["headers"])
    assert me.status_code == 200 and me.json()["username"] == user["username"]
    alias = client.get("/users/me", headers=user["headers"])
    assert alias.status_code == 200 and alias.json()["id"] == user["id"]
    # The login cookie is a token too, at the edge and behind it.
    by_cookie = client.get("/auth/me", headers={"Cookie": f"access_token={user['token']}"})
    assert by_cookie.status_code == 200

    assert client.get("/.well-known/jwks.json").status_code == 200  # public
    assert client.get("/auth/users", headers=user["headers"]).status_code == 403  # auth says no
    logout = client.post("/auth/logout")
    assert logout.status_code == 200 and "access_token" in logout.headers["set-cookie"]

    deleted = client.delete(f"/auth/users/{user['id']}", headers=user["headers"])
    assert deleted.status_code == 204


def test_image_routes_through_the_gateway(
    client: httpx.Client, user: dict[str, Any], upload_image: Any, png: Any
) -> None:
    headers = user["headers"]
    image = upload_image(client, headers)
    image_id = image["id"]

    listing = client.get("/images", params={"page": 1, "limit": 5}, headers=headers)
    assert listing.status_code == 200 and listing.json()["total"] == 1
    assert client.get(f"/images/{image_id}", headers=headers).json()["id"] == image_id

    content = client.get(f"/images/{image_id}/content", headers=headers)
    assert content.status_code == 200 and content.content == png()
    etag = content.headers["etag"]
    not_modified = client.get(
        f"/images/{image_id}/content", headers={**headers, "If-None-Match": etag}
    )
    assert not_modified.status_code == 304 and not_modified.headers["etag"] == etag

    spec = {"transformations": {"resize": {"width": 32}, "format": "webp"}}
    accepted = client.post(f"/images/{image_id}/transform", json=spec, headers=headers)
    assert accepted.status_code == 202, accepted.text
    status_url = accepted.json()["links"]["self"]
    assert client.get(status_url, headers=headers).status_code == 200
    result = client.get(f"{status_url}/content", headers=headers)
    assert result.status_code in (200, 409)  # 409 until the transformer has finished

    ticket = client.post(
        "/images/uploads",
        json={"filename": "x.png", "content_type": "image/png", "size_bytes": 100},
        headers=headers,
    )
    assert ticket.status_code == 201, ticket.text
    incomplete = client.post(ticket.json()["complete_url"], headers=headers)
    assert 400 <= incomplete.status_code < 500  # images explains: nothing was uploaded yet

    assert client.get("/admin/storage/objects", headers=headers).status_code == 403
    assert client.delete(f"/images/{image_id}", headers=headers).status_code == 204
    assert client.get(f"/images/{image_id}", headers=headers).status_code == 404


def test_someone_elses_image_is_not_found(
    client: httpx.Client, user: dict[str, Any], make_user: Any, upload_image: Any
) -> None:
    image = upload_image(client, user["headers"])
    stranger = make_user()
    response = client.get(f"/images/{image['id']}", headers=stranger["headers"])
    assert response.status_code == 404


def test_request_id_is_passed_through_or_created(client: httpx.Client) -> None:
    chosen = f"test-{uuid.uuid4().hex}"
    assert (
        client.get("/.well-known/jwks.json", headers={"X-Request-ID": chosen}).headers[
            "x-request-id"
        ]
        == chosen
    )
    assert client.get("/.well-known/jwks.json").headers["x-request-id"]


PROTECTED = [
    ("GET", "/auth/me"),
    ("GET", "/users/me"),
    ("GET", "/images"),
    ("POST", "/images"),
    ("GET", f"/images/{uuid.uuid4()}"),
    ("DELETE", f"/images/{uuid.uuid4()}"),
    ("POST", f"/images/{uuid.uuid4()}/transform"),
    ("GET", "/admin/storage/objects"),
]


@pytest.fixture(scope="module")
def gateway_without_services(start_gateway: Any) -> Any:
    """Upstreams on ports nobody listens on: any answer but 503 came from the edge itself."""
    dead = f"http://127.0.0.1:{free_port()}"
    return start_gateway(AUTH_URL=dead, IMAGES_URL=dead)


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_protected_routes_are_refused_at_the_edge(
    gateway_without_services: Any, method: str, path: str
) -> None:
    with httpx.Client(base_url=gateway_without_services.url, timeout=10) as edge:
        missing = edge.request(method, path)
        assert missing.status_code == 401 and error_code(missing) == "not_authenticated"
        assert missing.headers["www-authenticate"] == "Bearer"
        forged = edge.request(method, path, headers={"Authorization": "Bearer not.a.token"})
        assert forged.status_code == 401 and error_code(forged) == "invalid_token"


def test_public_routes_pass_the_edge_without_a_token(gateway_without_services: Any) -> None:
    with httpx.Client(base_url=gateway_without_services.url, timeout=10) as edge:
        for method, path in [
            ("POST", "/auth/login"),
            ("POST", "/auth/register"),
            ("POST", "/auth/token"),
            ("POST", "/auth/logout"),
            ("GET", "/.well-known/jwks.json"),
        ]:
            response = edge.request(method, path)
            assert response.status_code == 503, (method, path)  # forwarded; nobody answered
            assert error_code(response) == "upstream_unavailable"
        for path in ("/health", "/docs", "/openapi.json"):
            assert edge.get(path).status_code == 200, path
        assert httpx.get(gateway_without_services.metrics_url, timeout=5).status_code == 200
        assert edge.get("/ready").status_code == 503  # its services are not reachable


def test_cors_is_configurable(start_gateway: Any, user: dict[str, Any]) -> None:
    origin = "https://app.example"
    gateway = start_gateway(TRUSTED_ORIGINS=origin)
    with httpx.Client(base_url=gateway.url, timeout=10) as edge:
        preflight = edge.options(
            "/images",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == origin
        assert preflight.headers["access-control-allow-credentials"] == "true"
        listed = edge.get("/images", headers={**user["headers"], "Origin": origin})
        assert listed.status_code == 200
        assert listed.headers["access-control-allow-origin"] == origin
        assert "x-request-id" in listed.headers["access-control-expose-headers"].lower()
        foreign = edge.get("/images", headers={**user["headers"], "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in foreign.headers
