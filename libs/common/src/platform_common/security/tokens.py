"""Issuing and verifying JWT access tokens.

Verification pins the algorithm to the configured one (never the header's), and always checks
exp, iss and aud; that closes alg=none and HS/RS confusion. RS256 verifiers take the public key
from JWT_PUBLIC_KEY or from the issuer's JWKS endpoint.
"""

import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from jose import JWTError, jwk, jwt

from platform_common.errors import Unauthorized
from platform_common.settings import BaseServiceSettings

JWKS_CACHE_SECONDS = 300


@dataclass(frozen=True)
class TokenClaims:
    subject: str
    role: str
    token_id: str
    expires_at: int

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
) -> tuple[str, int]:
    now = int(time.time())
    claims = {
        "sub": subject,
        "role": role,
        "iat": now,
        "exp": now + expires_in_seconds,
        "jti": uuid.uuid4().hex,
        "iss": issuer,
        "aud": audience,
    }
    headers = {"kid": key_id} if key_id else None
    return jwt.encode(claims, signing_key, algorithm=algorithm, headers=headers), claims["exp"]


class TokenVerifier:
    def __init__(self, settings: BaseServiceSettings) -> None:
        self.settings = settings
        self._jwks: dict[str, Any] | None = None
        self._jwks_fetched_at = 0.0

    def _verification_key(self, token: str) -> Any:
        if self.settings.jwt_algorithm == "HS256":
            return self.settings.jwt_secret
        if self.settings.jwt_public_key:
            return self.settings.jwt_public_key
        return self._key_from_jwks(jwt.get_unverified_header(token).get("kid"))

    def _key_from_jwks(self, kid: str | None) -> Any:
        if self._jwks is None or time.monotonic() - self._jwks_fetched_at > JWKS_CACHE_SECONDS:
            response = httpx.get(self.settings.jwt_jwks_url, timeout=5.0)
            response.raise_for_status()
            self._jwks = response.json()
            self._jwks_fetched_at = time.monotonic()
        keys = self._jwks.get("keys", [])
        for key in keys:
            if kid is None or key.get("kid") == kid:
                return jwk.construct(key, algorithm="RS256").to_pem().decode()
        raise Unauthorized("The token was signed with an unknown key", code="invalid_token")

    def verify(self, token: str) -> TokenClaims:
        try:
            payload = jwt.decode(
                token,
                self._verification_key(token),
                algorithms=[self.settings.jwt_algorithm],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options={"require_exp": True, "require_sub": True, "require_iat": True},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("The token has expired; log in again", code="token_expired") from exc
        except (JWTError, httpx.HTTPError, ValueError) as exc:
            raise Unauthorized("The token is invalid", code="invalid_token") from exc
        return TokenClaims(
            subject=str(payload["sub"]),
            role=str(payload.get("role", "user")),
            token_id=str(payload.get("jti", "")),
            expires_at=int(payload["exp"]),
        )
