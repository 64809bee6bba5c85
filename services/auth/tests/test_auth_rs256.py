"""RS256: auth signs with its private key and publishes the public one at
/.well-known/jwks.json; another service verifies through JWT_JWKS_URL, sharing no secret.

The auth app runs under a real uvicorn here, because the verifier fetches the JWKS over HTTP.
"""

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

from auth_service.config import Settings
from auth_service.entrypoints.api.app import create_app
from platform_common.security.tokens import TokenVerifier
from platform_common.settings import BaseServiceSettings


def private_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def rs256_auth(stack, settings) -> Iterator[str]:
    """Base URL of an RS256 auth service (same database as the main test app)."""
    # The PEM arrives with literal "\n", as orchestrators often pass it through env.
    rs256 = Settings(
        **{
            **settings.model_dump(),
            "jwt_algorithm": "RS256",
            "jwt_private_key": private_pem().replace("\n", "\\n"),
            "jwt_public_key": "",
            "admin_username": "",
        }
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(rs256), host="127.0.0.1", port=port, log_config=None)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield base_url
    server.should_exit = True
    thread.join(timeout=10)


def test_rs256_tokens_verify_through_the_jwks_endpoint(rs256_auth):
    name = f"rsa-{time.monotonic_ns()}"
    body = {"username": name, "email": f"{name}@example.com", "password": "rs256 password"}
    registered = httpx.post(f"{rs256_auth}/auth/register", json=body)
    assert registered.status_code == 201, registered.text
    token = registered.json()["access_token"]

    jwks = httpx.get(f"{rs256_auth}/.well-known/jwks.json").json()

    assert len(jwks["keys"]) == 1
    key = jwks["keys"][0]
    assert {key["kty"], key["alg"], key["use"]} == {"RSA", "RS256", "sig"}
    assert "d" not in key  # the private exponent never leaves
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "RS256", "kid": key["kid"], "typ": "JWT"}

    # Another service: no secret, no public key, only the JWKS URL.
    other_service = BaseServiceSettings(
        jwt_algorithm="RS256",
        jwt_secret="",
        jwt_jwks_url=f"{rs256_auth}/.well-known/jwks.json",
    )
    claims = TokenVerifier(other_service).verify(token)
    assert claims.subject == registered.json()["user"]["id"]

    me = httpx.get(f"{rs256_auth}/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


def test_rs256_service_refuses_hs256_tokens_signed_with_the_public_key(rs256_auth):
    """The classic algorithm confusion: HMAC 'signed' with the (public) RSA key."""
    jwks = httpx.get(f"{rs256_auth}/.well-known/jwks.json").json()
    forged = jwt.encode(
        {"sub": "x", "iat": 0, "exp": 2**31, "iss": "image-platform-auth", "aud": "image-platform"},
        "any-key",
        algorithm="HS256",
        headers={"kid": jwks["keys"][0]["kid"]},
    )

    response = httpx.get(f"{rs256_auth}/auth/me", headers={"Authorization": f"Bearer {forged}"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_rs256_needs_a_private_key():
    with pytest.raises(ValueError, match="JWT_PRIVATE_KEY"):
        Settings(jwt_algorithm="RS256", jwt_private_key="")
