import base64
import json
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

from platform_common.errors import Unauthorized
from platform_common.security.tokens import TokenVerifier, issue_token
from platform_common.settings import BaseServiceSettings

SECRET = "test-signing-key-that-is-long-enough-0123456789"


def settings(**overrides) -> BaseServiceSettings:
    return BaseServiceSettings(jwt_secret=SECRET, **overrides)


def token(**overrides) -> str:
    options = dict(
        subject="user-1",
        role="user",
        signing_key=SECRET,
        algorithm="HS256",
        issuer="image-platform-auth",
        audience="image-platform",
        expires_in_seconds=60,
    )
    options.update(overrides)
    return issue_token(**options)[0]


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_a_valid_token_yields_its_claims():
    claims = TokenVerifier(settings()).verify(token(role="admin"))
    assert claims.subject == "user-1"
    assert claims.is_admin
    assert claims.expires_at > time.time()


def test_an_expired_token_is_refused_with_its_own_code():
    with pytest.raises(Unauthorized) as caught:
        TokenVerifier(settings()).verify(token(expires_in_seconds=-10))
    assert caught.value.code == "token_expired"


@pytest.mark.parametrize(
    "bad",
    [
        {"signing_key": "another-key-another-key-another-key-0000"},
        {"audience": "someone-else"},
        {"issuer": "evil-issuer"},
        {"algorithm": "HS512"},
    ],
)
def test_tokens_with_wrong_key_audience_issuer_or_algorithm_are_refused(bad):
    with pytest.raises(Unauthorized):
        TokenVerifier(settings()).verify(token(**bad))


def test_alg_none_is_refused():
    now = int(time.time())
    claims = {"sub": "user-1", "role": "admin", "iat": now, "exp": now + 60}
    claims |= {"iss": "image-platform-auth", "aud": "image-platform"}
    unsigned = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    with pytest.raises(Unauthorized):
        TokenVerifier(settings()).verify(unsigned)


def test_tampered_payload_is_refused():
    header, _, signature = token().split(".")
    now = int(time.time())
    forged = b64({"sub": "admin-1", "role": "admin", "iat": now, "exp": now + 60})
    with pytest.raises(Unauthorized):
        TokenVerifier(settings()).verify(f"{header}.{forged}.{signature}")


def rsa_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def test_rs256_tokens_verify_with_the_public_key():
    private, public = rsa_pair()
    verifier = TokenVerifier(settings(jwt_algorithm="RS256", jwt_public_key=public))
    assert verifier.verify(token(signing_key=private, algorithm="RS256")).subject == "user-1"


def test_hs_rs_confusion_is_refused():
    # The attacker signs HS256 with the (public) RSA key as the HMAC secret.
    _, public = rsa_pair()
    verifier = TokenVerifier(settings(jwt_algorithm="RS256", jwt_public_key=public))
    now = int(time.time())
    claims = {"sub": "user-1", "role": "admin", "iat": now, "exp": now + 60}
    claims |= {"iss": "image-platform-auth", "aud": "image-platform"}
    header = b64({"alg": "HS256", "typ": "JWT"})
    import hashlib
    import hmac

    signing_input = f"{header}.{b64(claims)}".encode()
    signature = hmac.new(public.encode(), signing_input, hashlib.sha256).digest()
    forged = f"{signing_input.decode()}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
    with pytest.raises(Unauthorized):
        verifier.verify(forged)
    assert jwt.get_unverified_header(forged)["alg"] == "HS256"
