"""GET /auth/me and /users/me: the token from the header or the cookie, and every way a token
can be bad (missing, expired, tampered, alg none, wrong algorithm, foreign issuer/audience,
unknown user)."""

import base64
import json
import uuid

import pytest
from jose import jwt

from platform_common.security.tokens import issue_token


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def forge(settings, **overrides) -> str:
    """A token signed with the real key, with some claims or settings changed."""
    options = {
        "subject": str(uuid.uuid4()),
        "role": "user",
        "signing_key": settings.jwt_secret,
        "algorithm": "HS256",
        "issuer": settings.jwt_issuer,
        "audience": settings.jwt_audience,
        "expires_in_seconds": 300,
    }
    return issue_token(**{**options, **overrides})[0]


def cookie(token: str) -> dict[str, str]:
    """The access_token cookie as a browser sends it back."""
    return {"Cookie": f"access_token={token}"}


@pytest.fixture
def user(register):
    return register()


@pytest.mark.parametrize("path", ["/auth/me", "/users/me"])
def test_me_with_bearer_header(client, user, path):
    response = client.get(path, headers={"Authorization": f"Bearer {user['access_token']}"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "username", "email", "role", "created_at", "last_login"}
    assert body["id"] == user["user"]["id"]


def test_me_with_cookie(client, user):
    response = client.get("/auth/me", headers=cookie(user["access_token"]))

    assert response.status_code == 200
    assert response.json()["id"] == user["user"]["id"]


def test_header_wins_over_cookie(client, register):
    first, second = register(), register()
    headers = {**cookie(first["access_token"]), "Authorization": f"Bearer {second['access_token']}"}

    response = client.get("/auth/me", headers=headers)

    assert response.json()["id"] == second["user"]["id"]


def test_token_carries_the_documented_claims(user, settings):
    header = jwt.get_unverified_header(user["access_token"])
    claims = jwt.get_unverified_claims(user["access_token"])

    assert header["alg"] == "HS256"
    assert set(claims) == {"sub", "role", "iat", "exp", "jti", "iss", "aud", "sid", "tv"}
    assert uuid.UUID(claims["sid"])  # the session (refresh-token family) it belongs to
    assert claims["tv"] == 0  # the account's token version: raising it revokes the token
    assert claims["sub"] == user["user"]["id"]
    assert claims["role"] == "user"
    assert claims["iss"] == settings.jwt_issuer
    assert claims["aud"] == settings.jwt_audience
    assert claims["exp"] - claims["iat"] == settings.access_token_expire_minutes * 60


def test_missing_token_is_401(client):
    response = client.get("/auth/me")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.headers["www-authenticate"] == "Bearer"


def test_expired_token_is_401_token_expired(client, user, settings):
    token = forge(settings, subject=user["user"]["id"], expires_in_seconds=-60)

    response = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def tampered(token: str) -> str:
    """Same signature, payload promoted to admin."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return f"{header}.{b64({**claims, 'role': 'admin'})}.{signature}"


def alg_none(token: str) -> str:
    claims = jwt.get_unverified_claims(token)
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."


BAD_TOKENS = {
    "tampered payload": lambda s, u: tampered(u["access_token"]),
    "alg none": lambda s, u: alg_none(u["access_token"]),
    "wrong algorithm HS512": lambda s, u: forge(s, subject=u["user"]["id"], algorithm="HS512"),
    "other secret": lambda s, u: forge(
        s, subject=u["user"]["id"], signing_key="another-secret-0123456789abcdef0123"
    ),
    "foreign issuer": lambda s, u: forge(s, subject=u["user"]["id"], issuer="evil"),
    "foreign audience": lambda s, u: forge(s, subject=u["user"]["id"], audience="other-app"),
    "garbage": lambda s, u: "not.a.jwt",
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
@pytest.mark.parametrize("carrier", ["header", "cookie"])
def test_bad_tokens_are_401(client, user, settings, kind, carrier):
    token = BAD_TOKENS[kind](settings, user)
    headers = {"Authorization": f"Bearer {token}"} if carrier == "header" else cookie(token)

    response = client.get("/auth/me", headers=headers)

    assert response.status_code == 401, kind
    assert response.json()["error"]["code"] == "invalid_token"


def test_valid_token_of_an_unknown_user_is_401(client, settings):
    token = forge(settings)  # properly signed, but no such account

    response = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
    assert "no longer exists" in response.json()["error"]["message"]


def test_token_with_a_non_uuid_subject_is_401(client, settings):
    token = forge(settings, subject="admin")

    response = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401


def test_hs256_publishes_no_keys(client):
    response = client.get("/.well-known/jwks.json")

    assert response.status_code == 200
    assert response.json() == {"keys": []}
