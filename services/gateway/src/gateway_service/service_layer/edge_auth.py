"""Edge authentication: find the caller's token and verify it, remembering recent answers.

The services behind still verify every token themselves; the edge rejects early and learns the
user id for per-user rate limits, cache keys and live status.
"""

import asyncio
import time

from cachetools import LRUCache

from platform_common.errors import Unauthorized
from platform_common.security.tokens import TokenClaims, TokenVerifier


class EdgeAuthenticator:
    def __init__(self, verifier: TokenVerifier, cache_size: int) -> None:
        self.verifier = verifier
        # A token's signature and claims depend only on its bytes, so they are remembered until
        # it expires; revocation is asked on every request (one Redis round trip), so a revoked
        # token is refused here as soon as auth has revoked it, cached or not.
        self._verified: LRUCache[str, TokenClaims] = LRUCache(maxsize=max(1, cache_size))
        # JWKS look-ups are blocking HTTP calls: keep them off the event loop.
        settings = verifier.settings
        self._verify_in_thread = settings.jwt_algorithm == "RS256" and not settings.jwt_public_key

    async def verify(self, token: str) -> TokenClaims:
        claims = self._verified.get(token)
        if claims is None or claims.expires_at <= time.time():
            if self._verify_in_thread:
                claims = await asyncio.to_thread(self.verifier.verify_signature, token)
            else:
                claims = self.verifier.verify_signature(token)
            self._verified[token] = claims
        await self.verifier.check_not_revoked_async(claims)
        return claims

    async def claims_or_none(self, token: str | None) -> TokenClaims | None:
        if not token:
            return None
        try:
            return await self.verify(token)
        except Unauthorized:
            return None

    async def require(self, token: str | None) -> TokenClaims:
        if not token:
            raise Unauthorized(
                "Authentication required: send a Bearer token or log in for a cookie"
            )
        return await self.verify(token)
