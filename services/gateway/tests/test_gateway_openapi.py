"""One Swagger page for the platform, and the gateway's own operational endpoints."""

import uuid
from typing import Any

import httpx

PASSWORD = "gateway test pass 123"  # what conftest registers users with


def test_openapi_merges_the_services_routes(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/auth/register",
        "/auth/login",
        "/auth/token",
        "/auth/me",
        "/users/me",
        "/images",
        "/images/{image_id}",
        "/images/{image_id}/transform",
        "/images/{image_id}/transformations/{transformation_id}/content",
        "/images/uploads",
        "/admin/storage/objects",
        "/events",
        "/health",
    ):
        assert path in paths, path
    # The gateway routes /health to itself: the services' own probes stay off this page.
    assert paths["/health"]["get"]["summary"].startswith("Liveness")
    schemes = document["components"]["securitySchemes"]
    assert any(
        s.get("flows", {}).get("password", {}).get("tokenUrl") == "/auth/token"
        for s in schemes.values()
    )
    schemas = document["components"]["schemas"]
    refs = [v for v in _refs(document) if v.startswith("#/components/schemas/")]
    assert all(ref.rsplit("/", 1)[1] in schemas for ref in refs)  # no dangling $ref


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for item in node for r in _refs(item)]
    return []


def test_swagger_authorize_flow_works_through_the_gateway(
    client: httpx.Client, make_user: Any
) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
    assert client.get("/docs/oauth2-redirect").status_code == 200
    user = make_user()
    # What the Authorize button does: the OAuth2 password form to /auth/token, then Bearer.
    token = client.post("/auth/token", data={"username": user["username"], "password": PASSWORD})
    assert token.status_code == 200 and token.json()["token_type"].lower() == "bearer"
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert client.get("/images", headers=bearer).status_code == 200


def test_health_ready_and_metrics_by_route_and_status(
    client: httpx.Client, user: Any, gateway_metrics_url: str
) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200 and ready.json()["checks"] == {"auth": "ok", "images": "ok"}
    client.get("/images", headers=user["headers"])
    client.get("/images/00000000-0000-0000-0000-000000000000", headers=user["headers"])
    client.get("/images/no/such/route", headers=user["headers"])
    client.get(f"/images/unknown-{uuid.uuid4()}/anything")  # refused at the edge: no token
    assert client.get("/metrics").status_code == 404  # never on the public port
    metrics = httpx.get(gateway_metrics_url, timeout=5).text
    assert 'http_requests_total{method="GET",route="/images",status="200"}' in metrics
    # The template the upstream matched: ids never become labels.
    assert 'route="/images/{image_id}",status="404"' in metrics
    # Unknown paths count as one label; refusals at the edge as their prefix.
    assert 'route="unmatched",status="404"' in metrics
    assert 'route="/images/*",status="401"' in metrics
    assert "unknown-" not in metrics and "no/such" not in metrics
    assert (
        'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/images"}' in metrics
    )
