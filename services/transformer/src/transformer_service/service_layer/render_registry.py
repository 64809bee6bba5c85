"""Renders in progress and recently answered, in this worker process.

One variant is rendered once here however it is asked for: the on-the-fly endpoint and the Kafka
copy of the same request (the outbox always publishes it, for at-least-once delivery) join the
same render. A request whose success was already published (acked) is not done again when its
Kafka copy arrives. Bounded: it forgets the oldest answers first.
"""

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from cachetools import TTLCache

from platform_common.events import TransformSucceeded
from transformer_service.domain.pipeline import Rendered
from transformer_service.domain.variant import StoredVariant


def _quiet(future: "asyncio.Future[Any]") -> None:
    # A render nobody else joined may fail: its error is reported by its own caller.
    if not future.cancelled():
        future.exception()


@dataclass
class InFlight:
    """rendered: the bytes as soon as they exist (None when the variant was already stored);
    stored: the variant once it is at its content address."""

    rendered: asyncio.Future[Rendered | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )
    stored: asyncio.Future[StoredVariant] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )

    def __post_init__(self) -> None:
        self.rendered.add_done_callback(_quiet)
        self.stored.add_done_callback(_quiet)

    def fail(self, error: BaseException) -> None:
        for future in (self.rendered, self.stored):
            if future.done():
                continue
            if isinstance(error, Exception):
                future.set_exception(error)
            else:  # cancelled, or the process is stopping
                future.cancel()


class RenderRegistry:
    def __init__(self, remember: int = 10_000, stored_for_seconds: float = 60.0) -> None:
        self._in_flight: dict[str, InFlight] = {}
        self._answered: OrderedDict[tuple[UUID, datetime], TransformSucceeded] = OrderedDict()
        self._remember_count = remember
        self._background: set[asyncio.Future[object]] = set()
        # Briefly: long enough for a request's Kafka copy, short enough that a variant deleted
        # since (its image deleted, retention) is never taken for stored.
        self._handling: dict[tuple[UUID, datetime], asyncio.Future[Any]] = {}
        self._stored: TTLCache[str, StoredVariant] = TTLCache(remember, ttl=stored_for_seconds)

    def joined(self, variant_key: str) -> InFlight | None:
        return self._in_flight.get(variant_key)

    @contextlib.contextmanager
    def rendering(self, variant_key: str) -> Iterator[InFlight]:
        flight = self._in_flight[variant_key] = InFlight()
        try:
            yield flight
            if flight.stored.done() and not flight.stored.exception():
                self._stored[variant_key] = flight.stored.result()
        except BaseException as error:
            flight.fail(error)
            raise
        finally:
            if self._in_flight.get(variant_key) is flight:
                del self._in_flight[variant_key]

    def keep(self, task: "asyncio.Future[Any]") -> None:
        """Hold a background task to its end (the event loop keeps only weak references)."""
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def handling(
        self, transformation_id: UUID, requested_at: datetime
    ) -> asyncio.Future[Any] | None:
        """The outcome of this very request's handling in progress here, if any."""
        return self._handling.get((transformation_id, requested_at))

    @contextlib.contextmanager
    def handled(
        self, transformation_id: UUID, requested_at: datetime
    ) -> Iterator[asyncio.Future[Any]]:
        key = (transformation_id, requested_at)
        outcome: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        outcome.add_done_callback(_quiet)
        self._handling[key] = outcome
        try:
            yield outcome
        except BaseException as error:
            if not outcome.done():
                if isinstance(error, Exception):
                    outcome.set_exception(error)
                else:
                    outcome.cancel()
            raise
        finally:
            if self._handling.get(key) is outcome:
                del self._handling[key]

    def recently_stored(self, variant_key: str) -> StoredVariant | None:
        """A variant this process stored a moment ago (no S3 HEAD needed to know it is there)."""
        return self._stored.get(variant_key)

    def _remember(self, memory: "OrderedDict[Any, Any]", key: object, value: object) -> None:
        memory[key] = value
        memory.move_to_end(key)
        while len(memory) > self._remember_count:
            memory.popitem(last=False)

    def answered(
        self, transformation_id: UUID, requested_at: datetime
    ) -> TransformSucceeded | None:
        """The published success of this very request (a retry of a failure is a new request:
        its requested_at differs)."""
        return self._answered.get((transformation_id, requested_at))

    def remember_answered(self, requested_at: datetime, succeeded: TransformSucceeded) -> None:
        self._remember(self._answered, (succeeded.transformation_id, requested_at), succeeded)
