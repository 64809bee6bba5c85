"""The fair scheduler, by order of grants (no libvips, no clock): which job gets a slot next."""

import asyncio

import pytest

from platform_common.transform_spec.cost import JobCost
from transformer_service.service_layer.scheduling import FairScheduler

HEAVY, LIGHT = JobCost(5000), JobCost(10)


class Jobs:
    """Jobs that take a slot, record when they got it, and run until released by name."""

    def __init__(self, scheduler: FairScheduler) -> None:
        self.scheduler = scheduler
        self.started: list[str] = []
        self._finish: dict[str, asyncio.Event] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    async def _run(self, name: str, account: str, cost: JobCost) -> None:
        async with self.scheduler.slot(account, cost):
            self.started.append(name)
            await self._finish[name].wait()

    async def submit(self, name: str, account: str, cost: JobCost) -> None:
        self._finish[name] = asyncio.Event()
        self._tasks[name] = asyncio.create_task(self._run(name, account, cost))
        await asyncio.sleep(0)  # let it queue (or start) before the next one arrives

    async def finish(self, name: str) -> None:
        self._finish[name].set()
        await self._tasks[name]
        await asyncio.sleep(0)

    def cancel(self, name: str) -> asyncio.Task[None]:
        self._tasks[name].cancel()
        return self._tasks[name]

    async def finish_all(self) -> None:
        for event in self._finish.values():
            event.set()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)


async def test_a_light_job_overtakes_another_accounts_queued_heavy_jobs() -> None:
    jobs = Jobs(FairScheduler(slots=2, heavy_slots=1, heavy_cost=500))
    for n in range(3):
        await jobs.submit(f"heavy-{n}", "alice", HEAVY)
    await jobs.submit("light", "bob", LIGHT)
    # heavy-0 holds the heavy lane; the light job takes the other slot at once.
    assert jobs.started == ["heavy-0", "light"]
    await jobs.finish("light")
    assert jobs.started == ["heavy-0", "light"], "the free slot is not for a second heavy job"
    await jobs.finish("heavy-0")
    assert jobs.started[-1] == "heavy-1"
    await jobs.finish_all()


async def test_the_next_slot_goes_to_the_account_given_the_least_work() -> None:
    jobs = Jobs(FairScheduler(slots=2, heavy_slots=2, heavy_cost=500))
    for n in range(4):
        await jobs.submit(f"alice-{n}", "alice", LIGHT)
    await jobs.submit("bob-0", "bob", LIGHT)
    await jobs.submit("carol-0", "carol", LIGHT)
    assert jobs.started == ["alice-0", "alice-1"]
    await jobs.finish("alice-0")
    await jobs.finish("alice-1")
    # Bob and Carol were given nothing yet: they come before Alice's third job, oldest first.
    assert jobs.started == ["alice-0", "alice-1", "bob-0", "carol-0"]
    await jobs.finish("bob-0")
    assert jobs.started[-1] == "alice-2"
    await jobs.finish_all()


async def test_heavy_jobs_of_two_accounts_take_turns() -> None:
    jobs = Jobs(FairScheduler(slots=2, heavy_slots=1, heavy_cost=500))
    for n in range(3):
        await jobs.submit(f"alice-{n}", "alice", HEAVY)
    await jobs.submit("bob-0", "bob", HEAVY)
    await jobs.finish("alice-0")
    assert jobs.started == ["alice-0", "bob-0"]
    await jobs.finish_all()


async def test_a_slot_never_idles_while_an_eligible_job_waits() -> None:
    jobs = Jobs(FairScheduler(slots=3, heavy_slots=1, heavy_cost=500))
    for n in range(4):
        await jobs.submit(f"light-{n}", "alice", LIGHT)
    assert jobs.started == ["light-0", "light-1", "light-2"]
    assert jobs.scheduler.running == 3 and jobs.scheduler.waiting == 1
    await jobs.finish_all()
    assert jobs.scheduler.running == 0 and jobs.scheduler.waiting == 0


async def test_a_cancelled_job_gives_back_its_place_and_its_slot() -> None:
    jobs = Jobs(FairScheduler(slots=1, heavy_slots=1, heavy_cost=500))
    await jobs.submit("running", "alice", LIGHT)
    await jobs.submit("queued", "bob", LIGHT)
    await jobs.submit("after", "carol", LIGHT)
    with pytest.raises(asyncio.CancelledError):
        await jobs.cancel("queued")
    with pytest.raises(asyncio.CancelledError):
        await jobs.cancel("running")
    await asyncio.sleep(0)
    assert jobs.started == ["running", "after"]
    assert jobs.scheduler.running == 1 and jobs.scheduler.waiting == 0
    await jobs.finish_all()
    assert jobs.scheduler.running == 0


def test_the_heavy_lane_fits_in_the_slots() -> None:
    with pytest.raises(ValueError, match="heavy_slots"):
        FairScheduler(slots=2, heavy_slots=3, heavy_cost=500)
