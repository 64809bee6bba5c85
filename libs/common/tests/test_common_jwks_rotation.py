"""RS256 key rotation through a JWKS endpoint: a token signed with a key the cached JWKS does
not know triggers a refetch, so fresh tokens are not refused for the cache's lifetime; refetches
are rate-limited, so tokens with made-up kids cannot hammer the issuer; and header fields that
point elsewhere (jku, x5u) are never followed."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk

from platform_common.errors import Unauthorized
from platform_common.security import tokens
from platform_common.security.tokens import TokenVerifier, issue_token
from platform_common.settings import BaseServiceSettings


def new_key(kid: str) -> tuple[str, dict]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = jwk.construct(private, "RS256").public_key().to_dict()
    return private, {**public, "kid": kid, "use": "sig", "alg": "RS256"}


class Issuer:
    """A JWKS endpoint on loopback whose key set the test rotates; counts the fetches."""

    def __init__(self) -> None:
        self.keys: list[dict] = []
        self.fetches = 0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                issuer.fetches += 1
                body = json.dumps({"keys": issuer.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/.well-known/jwks.json"


@pytest.fixture
def issuer() -> Iterator[Issuer]:
    running = Issuer()
    thread = threading.Thread(target=running.server.serve_forever, daemon=True)
    thread.start()
    yield running
    running.server.shutdown()


def sign(private: str, kid: str, **headers: str) -> str:
    token, _ = issue_token(
        subject="user-1",
        role="user",
        signing_key=private,
        algorithm="RS256",
        issuer="image-platform-auth",
        audience="image-platform",
        expires_in_seconds=60,
        key_id=kid,
    )
    if headers:  # re-sign with extra header fields (jose merges them into the header)
        from jose import jwt

        claims = jwt.get_unverified_claims(token)
        token = jwt.encode(claims, private, algorithm="RS256", headers={"kid": kid, **headers})
    return token


def verifier_for(issuer: Issuer) -> TokenVerifier:
    return TokenVerifier(BaseServiceSettings(jwt_algorithm="RS256", jwt_jwks_url=issuer.url))


def test_a_rotated_key_is_fetched_as_soon_as_a_token_uses_it(issuer, monkeypatch):
    old_private, old_public = new_key("old")
    issuer.keys = [old_public]
    verifier = verifier_for(issuer)
    assert verifier.verify(sign(old_private, "old")).subject == "user-1"
    # The rotation: the issuer publishes the new key, then signs with it. Our cached JWKS (good
    # for minutes) does not know it yet; the first refetch slot is open immediately here.
    monkeypatch.setattr(tokens, "JWKS_REFETCH_MIN_SECONDS", 0.0)
    new_private, new_public = new_key("new")
    issuer.keys = [new_public, old_public]

    assert verifier.verify(sign(new_private, "new")).subject == "user-1"
    assert verifier.verify(sign(old_private, "old")).subject == "user-1"
    assert issuer.fetches == 2


def test_unknown_kids_refetch_at_most_once_per_interval(issuer, monkeypatch):
    private, public = new_key("real")
    issuer.keys = [public]
    verifier = verifier_for(issuer)
    verifier.verify(sign(private, "real"))
    # A long interval, and a cache older than it: exactly one refetch slot is open.
    monkeypatch.setattr(tokens, "JWKS_REFETCH_MIN_SECONDS", 60.0)
    verifier._jwks_fetched_at -= 61
    attacker, _ = new_key("made-up")

    for attempt in range(20):
        with pytest.raises(Unauthorized):
            verifier.verify(sign(attacker, f"made-up-{attempt}"))

    assert issuer.fetches == 2  # the first fetch, and one refetch for all 20 unknown kids


@pytest.mark.parametrize("header", ["jku", "x5u"])
def test_jku_and_x5u_are_never_followed(issuer, header):
    """The attacker signs with their own key and points the header at their own key set; the
    verifier only ever asks the configured JWKS URL, so the signature does not verify."""
    real_private, real_public = new_key("real")
    issuer.keys = [real_public]
    attacker_private, _ = new_key("real")  # even reusing the legitimate kid
    verifier = verifier_for(issuer)
    attacker_set = "http://127.0.0.1:9/attacker-jwks.json"

    with pytest.raises(Unauthorized):
        verifier.verify(sign(attacker_private, "real", **{header: attacker_set}))
    assert verifier.verify(sign(real_private, "real")).subject == "user-1"


def test_a_huge_token_is_refused_before_it_is_parsed():
    verifier = TokenVerifier(BaseServiceSettings())
    huge = "eyJhbGciOiJIUzI1NiJ9." + "A" * 100_000 + ".sig"

    with pytest.raises(Unauthorized) as refused:
        verifier.verify(huge)
    assert "too long" in refused.value.message
