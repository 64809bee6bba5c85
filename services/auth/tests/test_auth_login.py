"""POST /auth/login, /auth/token and /auth/logout: body tokens, cookie attributes, last_login,
one answer for every kind of bad credentials."""

from datetime import datetime
from http.cookies import SimpleCookie

import pytest

from auth_service.adapters.password_hasher import PasswordHasher
from auth_service.config import Settings


def session_cookies(response) -> SimpleCookie:
    """The `access_token` and `refresh_token` Set-Cookie headers, parsed (never
    substring-matched)."""
    headers = [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]
    assert len(headers) == 2, headers
    cookie = SimpleCookie()
    for header in headers:
        cookie.load(header)
    assert {"access_token", "refresh_token"} <= set(cookie)
    return cookie


def login(client, user, **extra):
    body = {"username": user["user"]["username"], "password": user["password"], **extra}
    return client.post("/auth/login", json=body)


def test_login_returns_the_token_in_body_and_a_session_cookie(client, register):
    user = register()

    response = login(client, user)

    assert response.status_code == 200
    payload = response.json()
    assert payload["user"]["id"] == user["user"]["id"]
    morsel = session_cookies(response)["access_token"]
    assert morsel.value == payload["access_token"]
    assert morsel["httponly"] is True
    assert morsel["secure"] is True  # ENVIRONMENT=test: on by default
    assert morsel["samesite"].lower() == "lax"
    assert morsel["path"] == "/"
    assert morsel["max-age"] == ""  # a session cookie: gone when the browser closes
    assert morsel["expires"] == ""
    refresh = session_cookies(response)["refresh_token"]
    assert refresh["httponly"] is True and refresh["secure"] is True
    assert refresh["samesite"].lower() == "strict"
    assert refresh["path"] == "/auth/refresh"  # sent to no other endpoint
    assert refresh["max-age"] == ""
    assert payload["refresh_token"] is None  # browsers never see it in a readable body


def test_remember_me_persists_the_refresh_cookie_but_not_a_long_access_token(
    client, register, settings
):
    response = login(client, register(), remember_me=True)

    assert response.status_code == 200
    cookies = session_cookies(response)
    refresh = cookies["refresh_token"]
    assert int(refresh["max-age"]) == settings.refresh_token_expire_days * 86400
    # The access token stays short-lived: remember-me is the refresh token's job.
    access = cookies["access_token"]
    assert response.json()["expires_in"] == settings.access_token_expire_minutes * 60
    assert int(access["max-age"]) == settings.access_token_expire_minutes * 60
    assert access["httponly"] is True and refresh["httponly"] is True
    assert access["secure"] is True


def test_login_is_case_insensitive_on_username_and_updates_last_login(client, register):
    user = register()
    before = datetime.fromisoformat(user["user"]["created_at"])

    response = client.post(
        "/auth/login",
        json={"username": user["user"]["username"].upper(), "password": user["password"]},
    )

    assert response.status_code == 200
    last_login = response.json()["user"]["last_login"]
    assert last_login is not None
    assert datetime.fromisoformat(last_login) >= before
    me = client.get("/users/me")  # the cookie the login just set
    assert me.json()["last_login"] == last_login


def test_unknown_user_and_wrong_password_get_the_same_401(client, register):
    user = register()

    wrong_password = login(client, {**user, "password": "not the password"})
    unknown_user = client.post(
        "/auth/login", json={"username": "nobody-by-that-name", "password": user["password"]}
    )
    too_long = login(client, {**user, "password": "p" * 100})  # > 72 bytes: can never match

    for response in (wrong_password, unknown_user, too_long):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        error = response.json()["error"]
        assert (error["code"], error["message"]) == (
            "invalid_credentials",
            "Incorrect username or password",
        )
        assert "set-cookie" not in response.headers


class CountingHasher(PasswordHasher):
    def __init__(self, rounds: int) -> None:
        super().__init__(rounds)
        self.calls: list[str] = []

    def verify(self, password: str, password_hash: str) -> tuple[bool, str | None]:
        self.calls.append("verify")
        return super().verify(password, password_hash)

    def burn_time(self) -> None:
        self.calls.append("burn_time")
        super().burn_time()


def test_unknown_user_costs_one_bcrypt_like_a_wrong_password(client, register, settings):
    """Similar response time, shown without timing: each path runs exactly one bcrypt check
    (timings themselves belong to bench/)."""
    user = register()
    state = client.app.state.auth
    original, state.password_hasher = state.password_hasher, CountingHasher(settings.bcrypt_rounds)
    try:
        login(client, {**user, "password": "not the password"})
        wrong_password_calls = list(state.password_hasher.calls)
        state.password_hasher.calls.clear()
        client.post("/auth/login", json={"username": "no-such-user-x", "password": "whatever1"})
        unknown_user_calls = list(state.password_hasher.calls)
    finally:
        state.password_hasher = original

    assert wrong_password_calls == ["verify"]
    assert unknown_user_calls == ["burn_time"]


@pytest.mark.parametrize("body", [{}, {"username": "x"}, {"password": "y"}])
def test_login_with_missing_fields_is_422(client, body):
    response = client.post("/auth/login", json=body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_oauth2_token_form_issues_a_bearer_token(client, register):
    user = register()
    form = {"username": user["user"]["username"], "password": user["password"]}

    response = client.post("/auth/token", data=form)

    assert response.status_code == 200
    token = response.json()["access_token"]
    assert response.json()["token_type"] == "bearer"
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == user["user"]["username"]


def test_oauth2_token_form_refuses_bad_credentials(client, register):
    user = register()
    form = {"username": user["user"]["username"], "password": "nope nope nope"}

    response = client.post("/auth/token", data=form)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"
    assert client.post("/auth/token", data={}).status_code == 422


def test_logout_revokes_the_token_and_deletes_both_cookies(client, register):
    token = login(client, register()).json()["access_token"]
    assert client.get("/auth/me").status_code == 200

    response = client.post("/auth/logout")

    assert response.status_code == 200
    assert "no longer work" in response.json()["message"]
    cookies = session_cookies(response)
    assert cookies["access_token"].value == "" and cookies["access_token"]["max-age"] == "0"
    assert cookies["access_token"]["path"] == "/"
    assert cookies["refresh_token"].value == "" and cookies["refresh_token"]["max-age"] == "0"
    assert client.get("/auth/me").status_code == 401
    # The token itself is revoked, not only the cookie: a copy kept aside is refused too.
    kept = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert kept.status_code == 401
    assert kept.json()["error"]["code"] == "token_revoked"


@pytest.mark.parametrize(
    ("environment", "cookie_secure", "expected"),
    [
        ("development", None, False),
        ("test", None, True),
        ("production", None, True),
        ("development", True, True),
        ("test", False, False),
    ],
)
def test_secure_cookie_default_depends_on_environment(environment, cookie_secure, expected):
    settings = Settings(
        environment=environment,
        cookie_secure=cookie_secure,
        jwt_secret="a-real-production-signing-key-0123456789",
    )

    assert settings.secure_cookies is expected
