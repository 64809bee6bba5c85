"""When to try a failed delivery again: exponential backoff, capped, for a whole window."""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 10.0
    max_delay_seconds: float = 4 * 3600.0
    # At least a day by default: a receiver down over a weekend night still gets everything.
    retry_for_seconds: float = 26 * 3600.0

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failure: base, 2x base, 4x base, ... up to the cap."""
        exponent = min(max(attempts - 1, 0), 60)  # bounded: 2**60 already exceeds any cap
        return timedelta(seconds=min(self.base_seconds * 2**exponent, self.max_delay_seconds))

    def next_attempt(
        self, window_started_at: datetime, attempts: int, now: datetime
    ) -> datetime | None:
        """The next try, or None once the window has passed (the delivery has failed)."""
        if now - window_started_at >= timedelta(seconds=self.retry_for_seconds):
            return None
        return now + self.delay(attempts)
