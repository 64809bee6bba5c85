"""The app factory's behaviour every service inherits: error shape, request ids, health, metrics."""

from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from platform_common.app import create_service_app
from platform_common.errors import NotFound
from platform_common.security.dependencies import ClaimsDep
from platform_common.security.tokens import issue_token
from platform_common.settings import BaseServiceSettings

SECRET = "test-signing-key-that-is-long-enough-0123456789"


class Payload(BaseModel):
    width: int = Field(ge=1, le=100)


def make_client(ready: bool = True, **settings: str) -> TestClient:
    router = APIRouter()

    @router.get("/things/{thing_id}")
    def get_thing(thing_id: str) -> dict:
        raise NotFound(f"No thing {thing_id}", code="thing_not_found")

    @router.post("/things")
    def create_thing(payload: Payload) -> dict:
        return {"width": payload.width}

    @router.get("/boom")
    def boom() -> dict:
        raise RuntimeError("database password is hunter2")

    @router.get("/whoami")
    def whoami(claims: ClaimsDep) -> dict:
        return {"sub": claims.subject}

    def dependency() -> None:
        if not ready:
            raise ConnectionError("down")

    app = create_service_app(
        BaseServiceSettings(jwt_secret=SECRET, **settings),
        title="t",
        description="d",
        routers=[router],
        readiness_checks={"dependency": dependency},
    )
    return TestClient(app, raise_server_exceptions=False)


def test_errors_have_one_shape_with_the_request_id():
    response = make_client().get("/things/42", headers={"X-Request-ID": "req-abc"})
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "thing_not_found", "message": "No thing 42", "request_id": "req-abc"}
    }
    assert response.headers["X-Request-ID"] == "req-abc"


def test_validation_errors_name_the_field():
    response = make_client().post("/things", json={"width": 1000})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "width" in error["message"]
    assert error["details"][0]["field"] == "width"


def test_unexpected_errors_never_leak_details():
    response = make_client().get("/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "hunter2" not in response.text


def test_a_request_id_is_generated_when_the_client_sends_none():
    response = make_client().get("/health")
    assert len(response.headers["X-Request-ID"]) == 32


def test_health_never_depends_on_dependencies_but_ready_does():
    client = make_client(ready=False)
    assert client.get("/health").status_code == 200
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["dependency"].startswith("error")
    assert make_client(ready=True).get("/ready").status_code == 200


def test_metrics_count_requests_by_route_template():
    client = make_client()
    client.get("/things/1")
    client.get("/things/2")
    text = client.get("/metrics").text
    assert 'route="/things/{thing_id}"' in text
    assert "http_request_duration_seconds_bucket" in text


def test_token_is_read_from_header_or_cookie(redis_url):
    client = make_client(redis_url=redis_url)  # the shared revocation list is asked too
    token, _ = issue_token(
        subject="u-7",
        role="user",
        signing_key=SECRET,
        algorithm="HS256",
        issuer="image-platform-auth",
        audience="image-platform",
        expires_in_seconds=60,
    )
    assert client.get("/whoami").status_code == 401
    by_header = client.get("/whoami", headers={"Authorization": f"Bearer {token}"})
    assert by_header.json() == {"sub": "u-7"}
    client.cookies.set("access_token", token)
    assert client.get("/whoami").json() == {"sub": "u-7"}
