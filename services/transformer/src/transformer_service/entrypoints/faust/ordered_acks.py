"""Acknowledge each partition's requests in offset order, whatever order they finish in.

The worker reads ahead and finishes requests out of order (a light one overtakes a heavy one).
Faust commits a partition up to the first run of consecutive acknowledged offsets, but its gap
check misses a gap right after the committed offset, and is skipped altogether before a
partition's first commit: acknowledging offset 11 while 10 still runs can commit 12, and a crash
would then lose 10. So acknowledgements are held back here and handed to Faust strictly in
offset order: an offset is acknowledged only once every earlier one of its partition is done.
"""

from collections import defaultdict, deque
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Protocol


class _Message(Protocol):
    @property
    def tp(self) -> Hashable: ...


class AckableEvent(Protocol):
    @property
    def message(self) -> _Message: ...

    def ack(self) -> bool: ...


@dataclass(eq=False)
class Taken:
    event: AckableEvent
    done: bool = False


class InOrderAcks:
    def __init__(self) -> None:
        self._pending: defaultdict[Hashable, deque[Taken]] = defaultdict(deque)

    def took(self, event: AckableEvent) -> Taken:
        """Record an event as taken, in the order the partition delivered it."""
        taken = Taken(event)
        self._pending[event.message.tp].append(taken)
        return taken

    def finished(self, taken: Taken) -> None:
        """The event's work is done: acknowledge it and every done event it was holding back."""
        taken.done = True
        tp = taken.event.message.tp
        pending = self._pending[tp]
        while pending and pending[0].done:
            pending.popleft().event.ack()
        if not pending:
            del self._pending[tp]

    def unfinished(self) -> int:
        return sum(len(pending) for pending in self._pending.values())
