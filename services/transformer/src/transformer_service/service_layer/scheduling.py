"""Fair shares of the libvips processes between accounts.

Kafka hands the worker requests in partition order; the agent reads ahead, and every request then
waits here for a slot (one slot = one process of the pool). Slots are shared by start-time fair
queuing over estimated cost: each account's requests are tagged with the work that account has
already been given (a virtual clock that advances by each job's cost), the lowest tag goes next,
oldest first on a tie. So an account that just got 5000 megapixel-operations waits behind one
that got nothing, and one account's queue cannot hold everyone else's; an account that was idle
starts at the current clock, so idleness earns no credit. Heavy jobs (by estimated cost) may hold
only `heavy_slots` of the slots: the rest stay free for light jobs, whose latency is then one
light job, not one heavy one.
Work-conserving otherwise: a slot never idles while an eligible job waits.
"""

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from platform_common.events import TransformRequested
from platform_common.transform_spec.cost import JobCost, estimate_cost


@dataclass(eq=False)
class _Waiter:
    account: str
    heavy: bool
    tag: float  # the account's virtual clock when this job arrived
    order: int
    granted: asyncio.Future[None] = field(repr=False)


class FairScheduler:
    def __init__(self, slots: int, heavy_slots: int, heavy_cost: float) -> None:
        if not 1 <= heavy_slots <= slots:
            raise ValueError("heavy_slots must be between 1 and slots")
        self.slots, self.heavy_slots, self.heavy_cost = slots, heavy_slots, heavy_cost
        self.running = 0
        self.running_heavy = 0
        self._virtual = 0.0  # the tag of the job granted last
        self._account_clock: dict[str, float] = {}
        self._waiting: list[_Waiter] = []
        self._order = itertools.count()

    @contextlib.asynccontextmanager
    async def slot(self, account: str, cost: JobCost) -> AsyncIterator[None]:
        """Hold one slot for `account`'s job of `cost` while the block runs."""
        tag = max(self._virtual, self._account_clock.get(account, 0.0))
        self._account_clock[account] = tag + cost.megapixel_ops
        waiter = _Waiter(
            account,
            cost.is_heavy(self.heavy_cost),
            tag,
            next(self._order),
            asyncio.get_running_loop().create_future(),
        )
        self._waiting.append(waiter)
        self._dispatch()
        try:
            await waiter.granted
        except asyncio.CancelledError:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
            elif not waiter.granted.cancelled():
                self._release(waiter)  # granted in the same instant it was cancelled
            raise
        try:
            yield
        finally:
            self._release(waiter)

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def _eligible(self, waiter: _Waiter) -> bool:
        return not waiter.heavy or self.running_heavy < self.heavy_slots

    def _next(self) -> _Waiter | None:
        # A waiter whose task was just cancelled still has a (cancelled) future until it runs.
        eligible = [w for w in self._waiting if not w.granted.done() and self._eligible(w)]
        if not eligible:
            return None
        return min(eligible, key=lambda w: (w.tag, w.order))

    def _dispatch(self) -> None:
        while self.running < self.slots and (waiter := self._next()) is not None:
            self._waiting.remove(waiter)
            self.running += 1
            self.running_heavy += waiter.heavy
            if waiter.tag > self._virtual:
                self._virtual = waiter.tag
                self._forget_idle_accounts()
            waiter.granted.set_result(None)

    def _forget_idle_accounts(self) -> None:
        # An account whose clock is behind the current one would start at the current one anyway.
        idle = [name for name, clock in self._account_clock.items() if clock <= self._virtual]
        for name in idle:
            del self._account_clock[name]

    def _release(self, waiter: _Waiter) -> None:
        self.running -= 1
        self.running_heavy -= waiter.heavy
        self._dispatch()


def unlimited() -> FairScheduler:
    """No scheduling at all (unit tests of the handler, tools)."""
    return FairScheduler(slots=1_000_000, heavy_slots=1_000_000, heavy_cost=float("inf"))


def request_cost(request: TransformRequested) -> JobCost:
    """The request's estimated cost, from its (typed, already valid) spec, its explicit output
    format and its source's size (when the producer sent it)."""
    width, height = request.source_width, request.source_height
    size = (width, height) if width and height else None
    return estimate_cost(request.spec, size, request.output_format)
