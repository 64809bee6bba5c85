"""auth's own Prometheus series (HTTP counts and latencies come from platform_common)."""

import contextlib
from collections.abc import Iterator

from prometheus_client import Counter

from auth_service.service_layer.errors import InvalidCredentials, TooManyLoginAttempts

LOGIN_ATTEMPTS = Counter(
    "auth_login_attempts_total",
    "Login attempts by outcome: succeeded, failed (bad credentials), throttled (429)",
    ["outcome"],
)


@contextlib.contextmanager
def counting_login() -> Iterator[None]:
    try:
        yield
    except TooManyLoginAttempts:
        LOGIN_ATTEMPTS.labels("throttled").inc()
        raise
    except InvalidCredentials:
        LOGIN_ATTEMPTS.labels("failed").inc()
        raise
    LOGIN_ATTEMPTS.labels("succeeded").inc()
