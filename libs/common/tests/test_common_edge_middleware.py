"""Body limits (http_limits.py) and security headers (security/headers.py), as every service
gets them from create_service_app."""

from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from fastapi.testclient import TestClient

from platform_common.app import create_service_app
from platform_common.http_limits import upload_body_limit
from platform_common.settings import BaseServiceSettings

LIMIT = 1000


def make_client(environment: str = "test", **options: object) -> TestClient:
    router = APIRouter()

    @router.post("/echo")
    async def echo(request: Request) -> dict:
        return {"bytes": len(await request.body())}

    @router.post("/images")
    async def upload(request: Request) -> dict:
        return {"bytes": len(await request.body())}

    @router.get("/picture")
    def picture() -> Response:
        return Response(b"\x89PNG", media_type="image/png")

    @router.get("/own-policy")
    def own_policy() -> Response:
        return Response("x", headers={"Referrer-Policy": "same-origin"})

    settings = BaseServiceSettings(environment=environment, max_body_bytes=LIMIT)
    app = create_service_app(
        settings, title="t", description="d", routers=[router], readiness_checks={}, **options
    )
    return TestClient(app)


def chunks(total: int, size: int = 100) -> Iterator[bytes]:
    for _ in range(total // size):
        yield b"x" * size


def test_a_declared_length_over_the_limit_is_refused_before_reading() -> None:
    response = make_client().post("/echo", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"
    assert str(LIMIT) in response.json()["error"]["message"]
    assert response.headers["connection"] == "close"


def test_a_chunked_body_is_refused_once_it_passes_the_limit() -> None:
    response = make_client().post("/echo", content=chunks(50 * LIMIT))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_bodies_within_the_limit_pass() -> None:
    client = make_client()
    assert client.post("/echo", content=b"x" * LIMIT).json() == {"bytes": LIMIT}
    assert client.post("/echo", content=chunks(LIMIT)).json() == {"bytes": LIMIT}


def test_upload_routes_have_their_own_limit() -> None:
    client = make_client(body_limit=upload_body_limit(LIMIT, 5 * LIMIT))
    assert client.post("/images", content=b"x" * 5 * LIMIT).status_code == 200
    assert client.post("/echo", content=b"x" * 5 * LIMIT).status_code == 413


def test_every_answer_gets_nosniff_and_no_referrer_and_images_a_sandbox_csp() -> None:
    client = make_client()
    for response in (client.get("/health"), client.get("/nowhere"), client.get("/picture")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in response.headers
    assert "content-security-policy" not in client.get("/health").headers
    csp = client.get("/picture").headers["content-security-policy"]
    assert csp == "default-src 'none'; sandbox"


def test_a_route_keeps_its_own_header_value() -> None:
    response = make_client().get("/own-policy")
    assert response.headers.get_list("referrer-policy") == ["same-origin"]


def test_hsts_in_production() -> None:
    settings = {"environment": "production", "jwt_secret": "x" * 16 + "a-real-one-for-tests-9876"}
    client = TestClient(
        create_service_app(
            BaseServiceSettings(**settings), title="t", description="d", routers=[],
            readiness_checks={},
        )
    )  # fmt: skip
    assert client.get("/health").headers["strict-transport-security"].startswith("max-age=")
