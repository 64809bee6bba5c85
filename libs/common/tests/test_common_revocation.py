"""The shared revocation list on the devstack's real Redis: a revoked session or a raised token
version refuses tokens in any verifier at once, and an unreachable Redis fails closed (503)."""

import asyncio
import socket
import uuid

import pytest

from platform_common.errors import Unauthorized
from platform_common.security.revocation import (
    DISABLED,
    RevocationCheckUnavailable,
    RevocationList,
)
from platform_common.security.tokens import TokenVerifier, issue_token
from platform_common.settings import BaseServiceSettings

SECRET = "test-signing-key-that-is-long-enough-0123456789"


def token(subject: str, session_id: str, version: int) -> str:
    return issue_token(
        subject=subject,
        role="user",
        signing_key=SECRET,
        algorithm="HS256",
        issuer="image-platform-auth",
        audience="image-platform",
        expires_in_seconds=60,
        session_id=session_id,
        token_version=version,
    )[0]


@pytest.fixture
def verifier(redis_url) -> TokenVerifier:
    return TokenVerifier(BaseServiceSettings(jwt_secret=SECRET), RevocationList(redis_url))


def assert_revoked(verifier: TokenVerifier, raw: str) -> None:
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(raw)
    assert refused.value.code == "token_revoked"


def test_a_revoked_session_refuses_its_tokens_only(verifier):
    user, session, other = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    verifier.revocations.write([(f"session:{session}", 1, 60)])

    assert_revoked(verifier, token(user, session, 0))
    assert verifier.verify(token(user, other, 0)).session_id == other


def test_a_minimum_version_refuses_older_tokens_and_disabled_refuses_all(verifier):
    user = str(uuid.uuid4())
    verifier.revocations.write([(f"user:{user}", 3, 60)])

    assert_revoked(verifier, token(user, str(uuid.uuid4()), 2))
    assert verifier.verify(token(user, str(uuid.uuid4()), 3)).token_version == 3

    verifier.revocations.write([(f"user:{user}", DISABLED, 60)])
    assert_revoked(verifier, token(user, str(uuid.uuid4()), 3))


def test_the_async_check_of_the_gateway_agrees(verifier):
    user, session = str(uuid.uuid4()), str(uuid.uuid4())
    verifier.revocations.write([(f"session:{session}", 1, 60)])
    revoked = verifier.verify_signature(token(user, session, 0))
    valid = verifier.verify_signature(token(user, str(uuid.uuid4()), 0))

    async def check() -> None:
        await verifier.check_not_revoked_async(valid)
        with pytest.raises(Unauthorized):
            await verifier.check_not_revoked_async(revoked)

    asyncio.run(check())


def test_an_unreachable_redis_fails_closed():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]  # nothing listens once the socket is closed
    revocations = RevocationList(f"redis://127.0.0.1:{dead}/0", timeout_seconds=0.5)
    verifier = TokenVerifier(BaseServiceSettings(jwt_secret=SECRET), revocations)

    with pytest.raises(RevocationCheckUnavailable) as refused:
        verifier.verify(token(str(uuid.uuid4()), str(uuid.uuid4()), 0))
    assert refused.value.status_code == 503
