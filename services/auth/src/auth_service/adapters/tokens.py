"""Signing access tokens, and publishing the public key (JWKS) when they are signed with RS256.

The claims and encoding are platform_common.security.tokens.issue_token, so what every service
verifies is exactly what auth issues.
"""

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jose import jwk

from auth_service.config import Settings
from auth_service.domain.model import User
from platform_common.security.tokens import issue_token


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: int
    expires_in: int


def _thumbprint(public_jwk: dict[str, Any]) -> str:
    """RFC 7638 key id: stable for a key, different for the next one after a rotation."""
    required = {name: public_jwk[name] for name in ("e", "kty", "n")}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(hashlib.sha256(canonical).digest()).rstrip(b"=").decode()


class TokenIssuer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._public_jwk: dict[str, Any] | None = None
        self.key_id: str | None = None
        if settings.jwt_algorithm == "RS256":
            public = jwk.construct(settings.jwt_private_key, "RS256").public_key().to_dict()
            self.key_id = settings.jwt_key_id or _thumbprint(public)
            self._public_jwk = {**public, "kid": self.key_id, "use": "sig", "alg": "RS256"}
            self._signing_key = settings.jwt_private_key
        else:
            self._signing_key = settings.jwt_secret

    def issue(self, user: User, lifetime: timedelta, session_id: str) -> IssuedToken:
        """An access token of `session_id` (a refresh-token family), carrying the user's current
        token version: revoking either one refuses it in every service."""
        seconds = int(lifetime.total_seconds())
        token, expires_at = issue_token(
            subject=str(user.id),
            role=str(user.role),
            signing_key=self._signing_key,
            algorithm=self.settings.jwt_algorithm,
            issuer=self.settings.jwt_issuer,
            audience=self.settings.jwt_audience,
            expires_in_seconds=seconds,
            key_id=self.key_id,
            session_id=session_id,
            token_version=user.token_version,
        )
        return IssuedToken(token=token, expires_at=expires_at, expires_in=seconds)

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """The public keys; empty for HS256, whose shared secret must never be published."""
        return {"keys": [self._public_jwk] if self._public_jwk else []}
