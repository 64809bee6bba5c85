"""Revoked sessions and accounts, shared by every service through Redis.

Why Redis, and not events feeding an in-memory list in each process: a revocation must hold in
every replica of every service within a second, also in a replica that just started. A lookup in
one shared store is correct the moment auth has written it (no consumer lag, no catch-up on
start, no event that a restarting process could miss), costs one loopback round trip (one MGET)
per request, and the gateway already runs Redis for its rate limits. auth's database stays the
source of truth (its `revocations` table) and auth rewrites every unexpired entry into Redis at
start and periodically, so a Redis that lost its memory is refilled within seconds.

Two kinds of entry, both expiring once no token they could refuse is still alive:
- `revoked:session:<sid>`: one login session (a refresh-token family) and its access tokens;
- `revoked:user:<sub>` = N: the user's access tokens with a token version below N are refused
  (log out everywhere, password change, role change); DISABLED refuses them all (disabled or
  deleted account).
If Redis cannot be asked, the check fails closed: a 503 rather than honouring a revoked token.
"""

from collections.abc import Iterable
from typing import Any, Protocol

import redis
import redis.asyncio as aioredis

from platform_common.errors import AppError

DISABLED = 2**62  # above any token version auth will ever issue
SESSION_PREFIX = "revoked:session:"
USER_PREFIX = "revoked:user:"


class RevocationCheckUnavailable(AppError):
    status_code = 503
    code = "token_check_unavailable"

    def __init__(self) -> None:
        super().__init__(
            "Your credentials cannot be checked right now; try again in a few seconds.",
            headers={"Retry-After": "2"},
        )


class RevocableClaims(Protocol):
    @property
    def subject(self) -> str: ...
    @property
    def session_id(self) -> str: ...
    @property
    def token_version(self) -> int: ...


def _keys(claims: RevocableClaims) -> list[str]:
    return [SESSION_PREFIX + (claims.session_id or "-"), USER_PREFIX + claims.subject]


def _revoked(claims: RevocableClaims, values: list[Any]) -> bool:
    session_revoked, min_version = values
    if session_revoked is not None:
        return True
    return min_version is not None and claims.token_version < int(min_version)


class RevocationList:
    """Reads (every service) and writes (auth) the shared revocation entries."""

    def __init__(self, url: str, timeout_seconds: float = 1.0) -> None:
        self._sync = redis.Redis.from_url(
            url, socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds
        )
        self._async = aioredis.Redis.from_url(
            url, socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds
        )

    def is_revoked(self, claims: RevocableClaims) -> bool:
        try:
            # redis-py annotates mget for its sync and asyncio clients at once (Awaitable | Any).
            return _revoked(claims, self._sync.mget(_keys(claims)))  # type: ignore[arg-type]
        except redis.RedisError as exc:
            raise RevocationCheckUnavailable() from exc

    async def is_revoked_async(self, claims: RevocableClaims) -> bool:
        try:
            return _revoked(claims, await self._async.mget(_keys(claims)))
        except redis.RedisError as exc:
            raise RevocationCheckUnavailable() from exc

    def write(self, entries: Iterable[tuple[str, int, int]]) -> None:
        """(key without prefix, value, seconds to live) triples, e.g. ("session:<sid>", 1, 1800),
        copied from auth's database, which decides each value (so a re-enabled account's lower
        version simply replaces DISABLED)."""
        pipe = self._sync.pipeline(transaction=False)
        for key, value, ttl in entries:
            if ttl > 0:
                pipe.set("revoked:" + key, value, ex=ttl)
        pipe.execute()
