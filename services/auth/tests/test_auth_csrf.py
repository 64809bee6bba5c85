"""Cookie-authenticated writes must come from our own origin (SameSite=Lax aside): the Origin
check of platform_common.security.csrf, as the auth service uses it."""

import pytest


@pytest.fixture
def logged_in(client, register):
    user = register()
    body = {"username": user["user"]["username"], "password": user["password"]}
    assert client.post("/auth/login", json=body).status_code == 200
    return user


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
    ],
)
def test_cookie_write_from_another_origin_is_403(client, logged_in, headers):
    response = client.delete(f"/auth/users/{logged_in['user']['id']}", headers=headers)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cross_site_request"
    assert client.get("/auth/me").status_code == 200  # nothing was deleted


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://testserver"},
        {"Referer": "https://testserver/account"},
        {},  # no browser headers at all: not a browser, so not a CSRF
    ],
)
def test_cookie_write_from_our_origin_passes(client, logged_in, headers):
    response = client.post("/auth/logout", headers=headers)

    assert response.status_code == 200


def test_bearer_requests_are_not_subject_to_the_origin_check(client, logged_in):
    headers = {
        "Origin": "https://evil.example",
        "Authorization": f"Bearer {logged_in['access_token']}",
    }

    response = client.delete(f"/auth/users/{logged_in['user']['id']}", headers=headers)

    assert response.status_code == 204


def test_requests_without_the_cookie_are_not_checked(client, register):
    user = register()
    body = {"username": user["user"]["username"], "password": user["password"]}

    response = client.post("/auth/login", json=body, headers={"Origin": "https://evil.example"})

    assert response.status_code == 200
