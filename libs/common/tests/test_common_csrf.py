"""The cookie Origin check (security/csrf.py) that services opt into via create_service_app."""

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from platform_common.app import create_service_app
from platform_common.settings import BaseServiceSettings

COOKIE = {"Cookie": "access_token=anything"}


def make_client(trusted: list[str] | None = None) -> TestClient:
    router = APIRouter()

    @router.post("/things")
    def create_thing() -> dict:
        return {"ok": True}

    @router.get("/things")
    def list_things() -> dict:
        return {"ok": True}

    settings = BaseServiceSettings(trusted_origins=trusted or [])
    app = create_service_app(
        settings,
        title="t",
        description="d",
        routers=[router],
        readiness_checks={},
        csrf_origin_check=True,
    )
    return TestClient(app, base_url="https://api.example")


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/form"},
        {"Origin": "https://api.example.evil.example"},
    ],
)
def test_cookie_write_from_a_foreign_origin_is_refused(headers):
    response = make_client().post("/things", headers={**COOKIE, **headers})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cross_site_request"
    assert response.json()["error"]["request_id"]  # inside the request-id middleware


@pytest.mark.parametrize(
    "headers",
    [
        {**COOKIE, "Origin": "https://api.example"},
        {**COOKIE, "Referer": "https://api.example/page"},
        {**COOKIE, "Origin": "https://app.example", "X-Forwarded-Host": "app.example"},
        {**COOKIE},  # no Origin/Referer: not a browser
        {"Origin": "https://evil.example"},  # no cookie: nothing to ride on
        {**COOKIE, "Origin": "https://evil.example", "Authorization": "Bearer t"},
    ],
)
def test_allowed_writes(headers):
    assert make_client().post("/things", headers=headers).status_code == 200


def test_reads_and_trusted_origins_pass():
    client = make_client(trusted=["https://console.example/"])

    assert client.get("/things", headers={**COOKIE, "Origin": "https://evil.example"}).is_success
    trusted = {**COOKIE, "Origin": "https://console.example"}
    assert client.post("/things", headers=trusted).status_code == 200
