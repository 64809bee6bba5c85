"""Sessions: refresh tokens that rotate on every use (body for API clients, cookie for
browsers), reuse revoking the whole session, logout, logout everywhere, and a password change
ending every other session; every revoked access token is refused at once (token_revoked)."""

import redis

from auth_service.service_layer.revocation_sync import resync_revocations


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api_login(client, user) -> dict:
    form = {"username": user["user"]["username"], "password": user["password"]}
    response = client.post("/auth/token", data=form)
    assert response.status_code == 200, response.text
    return response.json()


def me_status(client, token: str) -> int:
    return client.get("/auth/me", headers=bearer(token)).status_code


def assert_revoked(client, token: str) -> None:
    response = client.get("/auth/me", headers=bearer(token))
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "token_revoked"


def test_api_clients_refresh_in_the_body_and_the_token_rotates(client, register):
    session = api_login(client, register())
    assert session["refresh_token"] and session["refresh_expires_in"] > 0

    renewed = client.post("/auth/refresh", json={"refresh_token": session["refresh_token"]})

    assert renewed.status_code == 200, renewed.text
    body = renewed.json()
    assert body["refresh_token"] != session["refresh_token"]
    assert body["access_token"] != session["access_token"]
    assert me_status(client, body["access_token"]) == 200
    assert "set-cookie" not in renewed.headers  # asked in the body, answered in the body
    again = client.post("/auth/refresh", json={"refresh_token": body["refresh_token"]})
    assert again.status_code == 200


def test_reusing_a_rotated_refresh_token_revokes_the_whole_session(client, register):
    user = register()
    stolen = api_login(client, user)
    owner = client.post("/auth/refresh", json={"refresh_token": stolen["refresh_token"]}).json()
    other_session = api_login(client, user)

    reuse = client.post("/auth/refresh", json={"refresh_token": stolen["refresh_token"]})

    assert reuse.status_code == 401
    assert reuse.json()["error"]["code"] == "refresh_token_reused"
    # Every token of that session is gone: the newest refresh token and its access tokens.
    newest = client.post("/auth/refresh", json={"refresh_token": owner["refresh_token"]})
    assert newest.status_code == 401
    assert_revoked(client, owner["access_token"])
    assert_revoked(client, stolen["access_token"])
    # Another session of the same user is untouched.
    assert me_status(client, other_session["access_token"]) == 200


def test_browsers_refresh_with_the_cookie_and_get_a_new_cookie(client, register):
    user = register()
    login = {"username": user["user"]["username"], "password": user["password"]}
    assert client.post("/auth/login", json=login).status_code == 200
    old_refresh = client.cookies.get("refresh_token")

    renewed = client.post("/auth/refresh")

    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["refresh_token"] is None
    assert client.cookies.get("refresh_token") not in (None, old_refresh)
    assert me_status(client, renewed.json()["access_token"]) == 200


def test_unknown_or_missing_refresh_tokens_are_401(client):
    assert client.post("/auth/refresh", json={"refresh_token": "nope"}).status_code == 401
    missing = client.post("/auth/refresh")
    assert missing.status_code == 401
    assert "refresh token" in missing.json()["error"]["message"]


def test_logout_with_the_access_token_ends_that_session_only(client, register):
    user = register()
    first, second = api_login(client, user), api_login(client, user)

    response = client.post("/auth/logout", headers=bearer(first["access_token"]))

    assert response.status_code == 200
    assert_revoked(client, first["access_token"])
    refreshed = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert refreshed.status_code == 401
    assert me_status(client, second["access_token"]) == 200


def test_logout_all_ends_every_session(client, register):
    user = register()
    sessions = [api_login(client, user) for _ in range(3)]

    response = client.post("/auth/logout-all", headers=bearer(sessions[0]["access_token"]))

    assert response.status_code == 200
    for session in sessions:
        assert_revoked(client, session["access_token"])
        retry = client.post("/auth/refresh", json={"refresh_token": session["refresh_token"]})
        assert retry.status_code == 401
    assert me_status(client, api_login(client, user)["access_token"]) == 200  # can log in again


def test_a_password_change_ends_every_other_session(client, register):
    user = register()
    current, other = api_login(client, user), api_login(client, user)
    change = {"current_password": user["password"], "new_password": "a brand new passphrase 9"}

    response = client.put("/auth/password", json=change, headers=bearer(current["access_token"]))

    assert response.status_code == 200, response.text
    assert me_status(client, response.json()["access_token"]) == 200  # this session goes on
    assert (
        client.post("/auth/refresh", json={"refresh_token": current["refresh_token"]}).status_code
        == 200
    )
    assert_revoked(client, current["access_token"])  # the pre-change token has the old version
    assert_revoked(client, other["access_token"])
    assert (
        client.post("/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code
        == 401
    )
    old = {"username": user["user"]["username"], "password": user["password"]}
    assert client.post("/auth/token", data=old).status_code == 401
    new = {**old, "password": change["new_password"]}
    assert client.post("/auth/token", data=new).status_code == 200


def test_a_password_change_needs_the_current_password_and_a_strong_new_one(client, register):
    user = register()
    token = api_login(client, user)["access_token"]

    wrong = client.put(
        "/auth/password",
        json={"current_password": "not it", "new_password": "a brand new passphrase 9"},
        headers=bearer(token),
    )
    weak = client.put(
        "/auth/password",
        json={"current_password": user["password"], "new_password": "password123"},
        headers=bearer(token),
    )

    assert wrong.status_code == 400
    assert wrong.json()["error"]["code"] == "wrong_current_password"
    assert weak.status_code == 422
    error = weak.json()["error"]
    assert error["code"] == "weak_password"
    assert "too easy to guess" in error["message"]
    assert error["details"]["suggestions"]
    assert me_status(client, token) == 200  # nothing changed


def test_the_database_refills_a_redis_that_lost_the_revocations(
    client, register, settings, running_client
):
    user = register()
    session = api_login(client, user)
    client.post("/auth/logout", headers=bearer(session["access_token"]))
    store = redis.Redis.from_url(settings.redis_url)
    store.delete(f"revoked:session:{session_sid(session)}")
    assert me_status(client, session["access_token"]) == 200  # Redis forgot it...

    resync_revocations(
        running_client.app.state.auth.new_uow()
    )  # ...the periodic resync restores it

    assert_revoked(client, session["access_token"])


def session_sid(session: dict) -> str:
    from jose import jwt

    return jwt.get_unverified_claims(session["access_token"])["sid"]
