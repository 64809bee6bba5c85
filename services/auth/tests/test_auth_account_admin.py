"""Admin account management: PATCH /auth/users/{id} disables, enables or changes the role of an
account, each change revoking the tokens it makes wrong and written to GET /auth/audit."""

import uuid


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_of(client, user) -> str:
    form = {"username": user["user"]["username"], "password": user["password"]}
    response = client.post("/auth/token", data=form)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def patch(client, admin_token, user_id, **body):
    return client.patch(f"/auth/users/{user_id}", json=body, headers=bearer(admin_token))


def audit_actions(client, admin_token, target_id) -> list[str]:
    page = client.get("/auth/audit", params={"limit": 100}, headers=bearer(admin_token)).json()
    return [item["action"] for item in page["items"] if item["target_id"] == target_id]


def test_disabling_refuses_the_accounts_tokens_and_logins_until_enabled(
    client, register, admin_token
):
    user = register()
    user_id, token = user["user"]["id"], token_of(client, user)

    response = patch(client, admin_token, user_id, disabled=True)

    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False
    refused = client.get("/auth/me", headers=bearer(token))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "token_revoked"
    form = {"username": user["user"]["username"], "password": user["password"]}
    assert client.post("/auth/token", data=form).status_code == 401

    assert patch(client, admin_token, user_id, disabled=False).status_code == 200
    assert client.get("/auth/me", headers=bearer(token)).status_code == 401  # old stays dead
    fresh = client.post("/auth/token", data=form)
    assert fresh.status_code == 200
    assert client.get("/auth/me", headers=bearer(fresh.json()["access_token"])).status_code == 200
    assert audit_actions(client, admin_token, user_id)[:2] == ["user.enabled", "user.disabled"]


def test_a_role_change_applies_through_a_refresh_and_is_audited(client, register, admin_token):
    user = register()
    form = {"username": user["user"]["username"], "password": user["password"]}
    session = client.post("/auth/token", data=form).json()

    assert patch(client, admin_token, user["user"]["id"], role="admin").status_code == 200

    assert client.get("/auth/me", headers=bearer(session["access_token"])).status_code == 401
    renewed = client.post("/auth/refresh", json={"refresh_token": session["refresh_token"]})
    assert renewed.status_code == 200
    assert renewed.json()["user"]["role"] == "admin"
    promoted = bearer(renewed.json()["access_token"])
    assert client.get("/auth/users", headers=promoted).status_code == 200
    audit = client.get("/auth/audit", headers=bearer(admin_token)).json()["items"]
    entry = next(item for item in audit if item["target_id"] == user["user"]["id"])
    assert entry["action"] == "user.role_changed"
    assert entry["details"] == {"from": "user", "to": "admin"}
    assert entry["actor_id"] is not None and entry["at"]
    # And back: the demotion too applies at once (and the seeded admin stays the only one).
    assert patch(client, admin_token, user["user"]["id"], role="user").status_code == 200
    demoted = client.get("/auth/users", headers=bearer(renewed.json()["access_token"]))
    assert demoted.status_code == 401


def test_account_management_is_admin_only_and_validated(client, register, admin_token):
    user = register()
    token = token_of(client, user)
    assert patch(client, token, user["user"]["id"], role="admin").status_code == 403
    assert client.get("/auth/audit", headers=bearer(token)).status_code == 403
    assert patch(client, admin_token, str(uuid.uuid4()), disabled=True).status_code == 404
    assert patch(client, admin_token, user["user"]["id"], role="root").status_code == 422
    assert patch(client, admin_token, user["user"]["id"], is_active=False).status_code == 422
    admin_id = client.get("/auth/me", headers=bearer(admin_token)).json()["id"]
    own = patch(client, admin_token, admin_id, disabled=True)
    assert own.status_code == 400
    assert own.json()["error"]["code"] == "cannot_change_own_account"


def test_weak_passwords_are_refused_at_registration_with_guidance(client):
    name, mailbox = f"weak-{uuid.uuid4().hex[:8]}", f"box{uuid.uuid4().hex[:8]}"
    for password, words in [
        ("password", "too easy to guess"),
        ("12345678", "too easy to guess"),
        (f"{name}!2024", "contains your username"),
        (f"Big {mailbox.upper()} long", "contains your email"),
    ]:
        body = {"username": name, "email": f"{mailbox}@example.com", "password": password}
        response = client.post("/auth/register", json=body)
        assert response.status_code == 422, password
        assert words in response.json()["error"]["message"], response.text
