"""Brute-force protection without lockout: growing delays per (username, client address) and per
client address, never per username alone.

After a few free failures, each further failure doubles the wait before the next attempt from
that (username, address) pair, up to a cap; a client spraying many accounts is slowed the same
way per address. Someone guessing a password from one address therefore never blocks the owner
logging in from another. Failures are recorded even for unknown usernames, so the throttle itself
does not reveal which accounts exist.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from auth_service.adapters.login_failures import LoginFailureStore, RecentFailures


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures_per_pair: int
    free_failures_per_address: int
    window: timedelta
    base_delay_seconds: float = 1.0
    max_delay_seconds: float = 900.0

    def delay(self, failures: int, free: int) -> float:
        if failures < free:
            return 0.0
        return min(self.max_delay_seconds, self.base_delay_seconds * 2.0 ** (failures - free))


def _wait(policy: ThrottlePolicy, recent: RecentFailures, free: int, now: datetime) -> float:
    if recent.latest is None:
        return 0.0
    allowed_at = recent.latest + timedelta(seconds=policy.delay(recent.count, free))
    return (allowed_at - now).total_seconds()


def seconds_until_allowed(
    store: LoginFailureStore,
    policy: ThrottlePolicy,
    *,
    username_key: str,
    client_address: str,
    now: datetime,
) -> int | None:
    """None when a login may be attempted, else how long the client must wait."""
    since = now - policy.window
    waits = [
        _wait(policy, store.recent_for_pair(username_key, client_address, since),
              policy.free_failures_per_pair, now),
        _wait(policy, store.recent_for_address(client_address, since),
              policy.free_failures_per_address, now),
    ]  # fmt: skip
    longest = max(waits)
    return max(1, math.ceil(longest)) if longest > 0 else None


def record_attempt(
    store: LoginFailureStore,
    policy: ThrottlePolicy,
    *,
    username_key: str,
    client_address: str,
    now: datetime,
) -> None:
    """Counted as a failure until a success forgets it: recording before the (slow) password
    check means parallel guesses see each other, and a crash mid-check still counts."""
    store.record(username_key=username_key, client_address=client_address, at=now)
    # Keep the table small: anything older than the window no longer counts.
    store.purge_before(now - policy.window)
