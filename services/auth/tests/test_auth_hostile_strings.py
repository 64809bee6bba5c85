"""Input PostgreSQL or bcrypt cannot take (NUL characters, huge page numbers) is a clean 4xx,
never a 500 (found by the end-to-end fuzzing through the gateway)."""

import uuid

import pytest

NUL = "ab\x00cdefgh"


def test_register_refuses_a_password_with_nul(client) -> None:
    name = f"nul_{uuid.uuid4().hex[:8]}"
    body = {"username": name, "email": f"{name}@example.com", "password": NUL}
    response = client.post("/auth/register", json=body)
    assert response.status_code in (400, 422), response.text
    assert "NUL" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "ad\x00min", "password": "whatever-password"},
        {"username": "someone", "password": NUL},
    ],
)
def test_login_with_nul_is_just_wrong_credentials(client, register, credentials) -> None:
    assert client.post("/auth/login", json=credentials).status_code == 401
    assert client.post("/auth/token", data=credentials).status_code == 401


def test_a_registered_users_password_with_nul_appended_does_not_match(client, register) -> None:
    user = register()
    body = {"username": user["user"]["username"], "password": user["password"] + "\x00"}
    assert client.post("/auth/login", json=body).status_code == 401


@pytest.mark.parametrize("page", ["9223372036854775807", str(10**30)])
def test_a_huge_page_is_a_422(client, admin_token, page) -> None:
    response = client.get(
        "/auth/users", params={"page": page}, headers={"Authorization": f"Bearer {admin_token}"}
    )
    assert response.status_code == 422, response.text
