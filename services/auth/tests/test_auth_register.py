"""POST /auth/register: the account, its token, the duplicate and policy refusals, the race."""

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from jose import jwt

from auth_service.adapters.password_hasher import PasswordHasher

PASSWORD = "correct horse battery"


def new_name() -> str:
    return f"reg-{uuid.uuid4().hex[:10]}"


def test_register_returns_201_with_token_and_public_user(client, settings):
    name = new_name()
    body = {"username": name, "email": f"{name.upper()}@Example.COM", "password": PASSWORD}

    response = client.post("/auth/register", json=body)

    assert response.status_code == 201
    payload = response.json()
    assert payload["token_type"] == "bearer"
    assert payload["expires_in"] == settings.access_token_expire_minutes * 60
    user = payload["user"]
    assert set(user) == {"id", "username", "email", "role", "created_at", "last_login"}
    assert user["username"] == name
    assert user["email"] == f"{name}@example.com"  # normalised
    assert user["role"] == "user"
    assert user["last_login"] is None
    claims = jwt.get_unverified_claims(payload["access_token"])
    assert claims["sub"] == user["id"]
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {payload['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == user["id"]


@pytest.mark.parametrize("spelling", [str.upper, str.title])
def test_duplicate_username_in_any_case_is_400(client, register, spelling):
    name = register()["user"]["username"]
    body = {"username": spelling(name), "email": f"other-{name}@example.com", "password": PASSWORD}

    response = client.post("/auth/register", json=body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "username_taken"
    assert "already registered" in response.json()["error"]["message"]


def test_duplicate_email_in_any_case_is_400(client, register):
    email = register()["user"]["email"]
    body = {"username": new_name(), "email": email.upper(), "password": PASSWORD}

    response = client.post("/auth/register", json=body)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "email_taken"


@pytest.mark.parametrize(
    ("change", "field_or_code", "words"),
    [
        ({"password": "short"}, "password", "at least 8"),
        ({"password": "x" * 129}, "password", "at most 128"),
        # 30 characters, 120 bytes: within 128 characters but past bcrypt's 72 bytes.
        ({"password": "🔑" * 30}, "invalid_registration", "72 bytes"),
        ({"password": "        "}, "invalid_registration", "only spaces"),
        ({"email": "not-an-email"}, "email", "email"),
        ({"username": "ab"}, "username", "at least 3"),
        ({"username": "bad name!"}, "invalid_registration", "letters, digits"),
        ({"username": "éclair-fan"}, "invalid_registration", "letters, digits"),
        ({"role": "admin"}, "role", "Extra inputs"),
    ],
)
def test_invalid_registration_is_422_with_a_clear_message(client, change, field_or_code, words):
    name = new_name()
    body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD, **change}

    response = client.post("/auth/register", json=body)

    assert response.status_code == 422
    error = response.json()["error"]
    fields = [problem["field"] for problem in error.get("details", [])]
    assert field_or_code in (error["code"], *fields)
    assert words in error["message"]


def test_password_equal_to_username_is_refused(client):
    name = new_name()
    body = {"username": name, "email": f"{name}@example.com", "password": name}

    response = client.post("/auth/register", json=body)

    assert response.status_code == 422
    assert "same as the username" in response.json()["error"]["message"]


class RendezvousHasher(PasswordHasher):
    """Holds each registration after its duplicate pre-check until the other one got there too,
    so both inserts really race and only the database's unique index can stop the second."""

    def __init__(self, rounds: int, parties: int) -> None:
        super().__init__(rounds)
        self.barrier = threading.Barrier(parties, timeout=10)

    def hash(self, password: str) -> str:
        self.barrier.wait()
        return super().hash(password)


def test_concurrent_identical_registrations_give_one_user_and_one_400(client, settings):
    name = new_name()
    body = {"username": name, "email": f"{name}@example.com", "password": PASSWORD}
    state = client.app.state.auth
    original = state.password_hasher
    state.password_hasher = RendezvousHasher(settings.bcrypt_rounds, parties=2)
    try:
        with ThreadPoolExecutor(2) as pool:
            responses = list(pool.map(lambda _: client.post("/auth/register", json=body), [1, 2]))
    finally:
        state.password_hasher = original

    assert sorted(r.status_code for r in responses) == [201, 400]
    refused = next(r for r in responses if r.status_code == 400)
    assert refused.json()["error"]["code"] in {"username_taken", "email_taken"}
    login = client.post("/auth/login", json={"username": name, "password": PASSWORD})
    assert login.status_code == 200
