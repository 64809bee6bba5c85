"""Issuing and verifying JWT access tokens.

Verification pins the algorithm to the configured one (never the header's), and always checks
exp, iss and aud; that closes alg=none and HS/RS confusion. RS256 verifiers take the public key
from JWT_PUBLIC_KEY or from the issuer's JWKS endpoint; a `kid` the cached JWKS does not know
triggers one refetch (at most every JWKS_REFETCH_MIN_SECONDS), so a key rotation refuses no fresh
token. Header fields such as `jku` and `x5u` are never followed: keys come only from settings.

Every token names its session (`sid`, one refresh-token family) and its user's token version
(`tv`); a verifier given a RevocationList refuses revoked sessions and accounts (revocation.py).
"""

import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from jose import ExpiredSignatureError, JWTError, jwk, jwt

from platform_common.errors import Unauthorized
from platform_common.security.revocation import RevocationList
from platform_common.settings import BaseServiceSettings

JWKS_CACHE_SECONDS = 300
# A kid the JWKS does not know triggers a refetch at most this often. A rotation publishes the new
# key before signing with it, so only a token arriving within this long after a fetch that came
# before the publication is refused (and its retry passes).
JWKS_REFETCH_MIN_SECONDS = 1.0
# Real tokens are under 1 KB; refuse a huge one before decoding anything of it.
MAX_TOKEN_CHARS = 8192


@dataclass(frozen=True)
class TokenClaims:
    subject: str
    role: str
    token_id: str
    expires_at: int
    session_id: str = ""
    token_version: int = 0

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def issue_token(
    *,
    subject: str,
    role: str,
    signing_key: str,
    algorithm: str,
    issuer: str,
    audience: str,
    expires_in_seconds: int,
    key_id: str | None = None,
    session_id: str = "",
    token_version: int = 0,
) -> tuple[str, int]:
    now = int(time.time())
    expires_at = now + expires_in_seconds
    claims = {
        "sub": subject,
        "role": role,
        "iat": now,
        "exp": expires_at,
        "jti": uuid.uuid4().hex,
        "iss": issuer,
        "aud": audience,
        "sid": session_id,
        "tv": token_version,
    }
    headers = {"kid": key_id} if key_id else None
    return jwt.encode(claims, signing_key, algorithm=algorithm, headers=headers), expires_at


class TokenVerifier:
    def __init__(
        self, settings: BaseServiceSettings, revocations: RevocationList | None = None
    ) -> None:
        self.settings = settings
        self.revocations = revocations
        self._jwks: dict[str, Any] | None = None
        self._jwks_fetched_at = 0.0

    def _verification_key(self, token: str) -> Any:
        if self.settings.jwt_algorithm == "HS256":
            return self.settings.jwt_secret
        if self.settings.jwt_public_key:
            return self.settings.jwt_public_key
        return self._key_from_jwks(jwt.get_unverified_header(token).get("kid"))

    def _fetch_jwks(self) -> None:
        response = httpx.get(self.settings.jwt_jwks_url, timeout=5.0)
        response.raise_for_status()
        self._jwks = response.json()
        self._jwks_fetched_at = time.monotonic()

    def _find_key(self, kid: str | None) -> Any:
        for key in (self._jwks or {}).get("keys", []):
            if kid is None or key.get("kid") == kid:
                return jwk.construct(key, algorithm="RS256").to_pem().decode()
        return None

    def _key_from_jwks(self, kid: str | None) -> Any:
        age = time.monotonic() - self._jwks_fetched_at
        if self._jwks is None or age > JWKS_CACHE_SECONDS:
            self._fetch_jwks()
        key = self._find_key(kid)
        if key is None and time.monotonic() - self._jwks_fetched_at > JWKS_REFETCH_MIN_SECONDS:
            # A kid we do not know yet: the issuer may have rotated its key. Rate-limited, so
            # tokens with made-up kids cannot make us hammer the JWKS endpoint.
            self._fetch_jwks()
            key = self._find_key(kid)
        if key is None:
            raise Unauthorized("The token was signed with an unknown key", code="invalid_token")
        return key

    def verify(self, token: str) -> TokenClaims:
        """Signature, claims and (when configured) revocation; blocking I/O, so async callers
        use verify_signature and check_not_revoked_async instead."""
        claims = self.verify_signature(token)
        if self.revocations is not None and self.revocations.is_revoked(claims):
            raise _revoked()
        return claims

    async def check_not_revoked_async(self, claims: TokenClaims) -> None:
        if self.revocations is not None and await self.revocations.is_revoked_async(claims):
            raise _revoked()

    def verify_signature(self, token: str) -> TokenClaims:
        if len(token) > MAX_TOKEN_CHARS:
            raise Unauthorized("The token is invalid (far too long)", code="invalid_token")
        try:
            payload = jwt.decode(
                token,
                self._verification_key(token),
                algorithms=[self.settings.jwt_algorithm],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options={"require_exp": True, "require_sub": True, "require_iat": True},
            )
        except ExpiredSignatureError as exc:
            raise Unauthorized("The token has expired; log in again", code="token_expired") from exc
        except (JWTError, httpx.HTTPError, ValueError) as exc:
            raise Unauthorized("The token is invalid", code="invalid_token") from exc
        return TokenClaims(
            subject=str(payload["sub"]),
            role=str(payload.get("role", "user")),
            token_id=str(payload.get("jti", "")),
            expires_at=int(payload["exp"]),
            session_id=str(payload.get("sid") or ""),
            token_version=int(payload.get("tv") or 0),
        )


def _revoked() -> Unauthorized:
    return Unauthorized(
        "This token was revoked (logged out, password changed, or account disabled); log in again",
        code="token_revoked",
    )
