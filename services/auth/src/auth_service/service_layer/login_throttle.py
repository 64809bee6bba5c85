"""Brute-force protection: after too many recent failures for one username, or from one client
address, logins are refused (429 + Retry-After) until the oldest of those failures ages out.

Counting per username stops guessing one account's password from many addresses; counting per
address stops one client spraying passwords across many accounts. Failures are recorded even
for unknown usernames, so the throttle itself does not reveal which accounts exist.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from auth_service.adapters.login_failures import LoginFailureStore


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures_per_username: int
    max_failures_per_address: int
    window: timedelta


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
    limiting = [
        store.nth_latest_for_username(username_key, since, policy.max_failures_per_username),
        store.nth_latest_for_address(client_address, since, policy.max_failures_per_address),
    ]
    lifted_at = [failed_at + policy.window for failed_at in limiting if failed_at is not None]
    if not lifted_at:
        return None
    return max(1, math.ceil((max(lifted_at) - now).total_seconds()))


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
