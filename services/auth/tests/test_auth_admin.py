"""User administration: GET /auth/users (admin only, paginated) and DELETE /auth/users/{id}
(admin or the user themself), whose UserDeleted event reaches Kafka through the outbox."""

import uuid

from jose import jwt

from platform_common.security.tokens import issue_token


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def credentials(user: dict) -> dict[str, str]:
    return {"username": user["user"]["username"], "password": user["password"]}


def test_seeded_admin_lists_users_with_pagination(client, register, admin_token):
    for _ in range(3):
        register()

    first = client.get("/auth/users", params={"page": 1, "limit": 2}, headers=auth(admin_token))
    second = client.get("/auth/users", params={"page": 2, "limit": 2}, headers=auth(admin_token))

    assert first.status_code == 200
    page = first.json()
    assert (page["page"], page["limit"]) == (1, 2)
    assert page["total"] >= 4  # the admin and the three above
    assert len(page["items"]) == 2
    assert set(page["items"][0]) == {
        "id", "username", "email", "role", "created_at", "last_login", "is_active",
    }  # fmt: skip
    assert page["items"][0]["username"] == "root-admin"  # oldest first: seeded at startup
    assert page["items"][0]["role"] == "admin"
    ids = {item["id"] for item in page["items"]} | {item["id"] for item in second.json()["items"]}
    assert len(ids) == 4  # pages do not overlap


def test_listing_users_needs_admin(client, register):
    user = register()

    assert client.get("/auth/users").status_code == 401
    response = client.get("/auth/users", headers=auth(user["access_token"]))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_role_comes_from_the_database_not_the_token(client, register, settings):
    """A validly signed token claiming `admin` for a regular user does not make them admin."""
    user = register()
    token, _ = issue_token(
        subject=user["user"]["id"],
        role="admin",
        signing_key=settings.jwt_secret,
        algorithm="HS256",
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        expires_in_seconds=60,
    )

    assert client.get("/auth/users", headers=auth(token)).status_code == 403


def test_pagination_parameters_are_validated(client, admin_token):
    for params in ({"page": 0}, {"limit": 0}, {"limit": 101}, {"page": "x"}):
        response = client.get("/auth/users", params=params, headers=auth(admin_token))
        assert response.status_code == 422, params


async def test_user_deletes_themself_and_user_deleted_reaches_kafka(
    client, register, wait_for_user_event
):
    user = register()
    client.post("/auth/login", json=credentials(user))

    response = client.delete(f"/auth/users/{user['user']['id']}")  # with the login cookie

    assert response.status_code == 204
    assert client.cookies.get("access_token") is None  # deleting yourself logs you out
    assert client.get("/auth/me", headers=auth(user["access_token"])).status_code == 401
    envelope = await wait_for_user_event(
        lambda e: e.type == "UserDeleted" and e.data["user_id"] == user["user"]["id"]
    )
    assert envelope.version == 1


async def test_registration_publishes_user_registered(register, wait_for_user_event):
    user = register()

    envelope = await wait_for_user_event(
        lambda e: e.type == "UserRegistered" and e.data["user_id"] == user["user"]["id"]
    )

    assert envelope.data["username"] == user["user"]["username"]


def test_admin_deletes_another_user(client, register, admin_token):
    user = register()

    response = client.delete(f"/auth/users/{user['user']['id']}", headers=auth(admin_token))

    assert response.status_code == 204
    assert "set-cookie" not in response.headers
    login = client.post("/auth/login", json=credentials(user))
    assert login.status_code == 401
    again = client.delete(f"/auth/users/{user['user']['id']}", headers=auth(admin_token))
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "user_not_found"


def test_user_cannot_delete_someone_else_and_learns_nothing(client, register):
    me, other = register(), register()

    response = client.delete(f"/auth/users/{other['user']['id']}", headers=auth(me["access_token"]))
    unknown = client.delete(f"/auth/users/{uuid.uuid4()}", headers=auth(me["access_token"]))

    assert response.status_code == 404
    assert response.json()["error"] | {"request_id": None} == unknown.json()["error"] | {
        "request_id": None
    }
    assert client.get("/auth/me", headers=auth(other["access_token"])).status_code == 200


def test_delete_needs_authentication_and_a_uuid(client, admin_token):
    assert client.delete(f"/auth/users/{uuid.uuid4()}").status_code == 401
    assert client.delete("/auth/users/not-a-uuid", headers=auth(admin_token)).status_code == 422


def test_the_last_admin_cannot_be_deleted(client, admin_token):
    admin_id = jwt.get_unverified_claims(admin_token)["sub"]

    response = client.delete(f"/auth/users/{admin_id}", headers=auth(admin_token))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "last_admin"
