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
from uuid import UUID

from platform_common.events import TransformSucceeded
from transformer_service.domain.pipeline import Rendered
from transformer_service.domain.variant import StoredVariant


def _quiet(future: asyncio.Future[object]) -> None:
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
    def __init__(self, remember: int = 10_000) -> None:
        self._in_flight: dict[str, InFlight] = {}
        self._answered: OrderedDict[tuple[UUID, datetime], TransformSucceeded] = OrderedDict()
        self._remember = remember
        self._background: set[asyncio.Future[object]] = set()

    def joined(self, variant_key: str) -> InFlight | None:
        return self._in_flight.get(variant_key)

    @contextlib.contextmanager
    def rendering(self, variant_key: str) -> Iterator[InFlight]:
        flight = self._in_flight[variant_key] = InFlight()
        try:
            yield flight
        except BaseException as error:
            flight.fail(error)
            raise
        finally:
            if self._in_flight.get(variant_key) is flight:
                del self._in_flight[variant_key]

    def keep(self, task: "asyncio.Future[object]") -> None:
        """Hold a background task to its end (the event loop keeps only weak references)."""
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def answered(
        self, transformation_id: UUID, requested_at: datetime
    ) -> TransformSucceeded | None:
        """The published success of this very request (a retry of a failure is a new request:
        its requested_at differs)."""
        return self._answered.get((transformation_id, requested_at))

    def remember_answered(self, requested_at: datetime, succeeded: TransformSucceeded) -> None:
        self._answered[(succeeded.transformation_id, requested_at)] = succeeded
        while len(self._answered) > self._remember:
            self._answered.popitem(last=False)
