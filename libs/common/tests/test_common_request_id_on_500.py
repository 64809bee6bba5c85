"""A 500 carries the request id too (in its body, its header and its log line): that is the one
answer whose id an operator needs most, and Starlette builds it outside the request-id layer."""

import json

from fastapi import APIRouter
from fastapi.testclient import TestClient

from platform_common.app import create_service_app
from platform_common.settings import BaseServiceSettings


def test_an_unexpected_error_keeps_the_request_id(capfd) -> None:
    router = APIRouter()

    @router.get("/boom")
    def boom() -> dict:
        raise RuntimeError("broken")

    app = create_service_app(
        BaseServiceSettings(), title="t", description="d", routers=[router], readiness_checks={}
    )
    client = TestClient(app, raise_server_exceptions=False)
    response = client.get("/boom", headers={"X-Request-ID": "trace-me-42"})

    assert response.status_code == 500
    assert response.json()["error"]["request_id"] == "trace-me-42"
    assert response.headers["X-Request-ID"] == "trace-me-42"
    logged = [json.loads(line) for line in capfd.readouterr().out.splitlines() if "{" in line]
    error = next(line for line in logged if line["message"].startswith("unhandled error"))
    assert error["request_id"] == "trace-me-42"
