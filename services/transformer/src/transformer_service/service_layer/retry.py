"""Bounded retries with exponential backoff and jitter, for transient failures only."""

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from transformer_service.domain.errors import TransformError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_seconds: float = 1.0
    max_seconds: float = 10.0

    def delay(self, attempt: int) -> float:
        """Full jitter: spreads a crowd of workers retrying the same outage."""
        return random.uniform(0, min(self.max_seconds, self.base_seconds * 2 ** (attempt - 1)))  # noqa: S311


async def retrying(
    action: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    on_retry: Callable[[int, TransformError], None] = lambda attempt, error: None,
) -> tuple[T, int]:
    """Run `action`; retry a retryable TransformError up to the policy's attempts.
    Returns the result and the number of attempts it took; raises the last error."""
    attempt = 1
    while True:
        try:
            return await action(), attempt
        except TransformError as error:
            if not error.retryable or attempt >= policy.max_attempts:
                error.attempts = attempt
                raise
            on_retry(attempt, error)
            await asyncio.sleep(policy.delay(attempt))
            attempt += 1
