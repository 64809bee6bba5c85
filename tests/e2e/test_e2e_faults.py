"""Faults injected into the real processes while work flows: nothing is lost.

Each test: N requests in, N terminal states (all succeeded: these faults are transient), no
duplicate rows or variants, no orphan objects. The two here run in `make test`; the slower ones
live in test_e2e_faults_slow.py behind the `slow` marker.
"""

import threading
import time

import pytest
from e2e_kit.accounting import Batch, assert_nothing_lost
from e2e_kit.api import User
from e2e_kit.live import SNAPSHOT, TERMINAL
from e2e_kit.photos import photo_megapixels_jpeg


def widths(count: int, start: int = 100) -> list[dict]:
    """`count` distinct specs (so `count` distinct variants)."""
    return [
        {
            "operations": [{"op": "resize", "width": start + i}, {"op": "sharpen"}],
            "output": {"format": "webp"},
        }
        for i in range(count)
    ]


@pytest.mark.timeout(240)
def test_transformer_killed_mid_batch_loses_nothing(platform, new_user) -> None:
    user: User = new_user("fault")
    # A 6 MP photo makes each job take long enough for the kill to land mid-batch.
    image_id = str(user.upload_ok(photo_megapixels_jpeg("astronaut", 6), "big.jpg")["id"])
    batch = Batch(user, image_id)
    with user.live() as feed:
        for spec in widths(30):
            batch.ask(spec)
        assert not batch.refused, batch.refused
        # Killed as soon as the first job is done: the rest of the batch is still in flight.
        feed.wait_for(lambda m: m.get("type") == "TransformSucceeded", timeout=60)
        platform.kill("transformer")
        unfinished = len(batch.requested) - len(feed.statuses_in(TERMINAL))
    assert unfinished > 0, "the whole batch finished before the kill landed"
    # A client connecting now is told where its unfinished transformations stand.
    with user.live() as feed:
        snapshot = feed.wait_for(lambda m: m.get("type") == SNAPSHOT, timeout=15)
    assert str(snapshot["data"]["id"]) in batch.requested, snapshot
    assert snapshot["data"]["status"] in ("pending", "processing"), snapshot
    platform.start("transformer")

    finals = batch.settle(timeout=150)
    assert_nothing_lost(batch, finals, platform.s3, platform.env["S3_BUCKET"])


@pytest.mark.timeout(300)
def test_kafka_broker_restart_while_requests_flow(platform, new_user) -> None:
    user: User = new_user("fault")
    image_id = str(user.upload_ok(photo_megapixels_jpeg("coffee", 2), "coffee.jpg")["id"])
    batch = Batch(user, image_id)
    specs = widths(36, start=300)
    stop = threading.Event()

    def keep_asking() -> None:
        for spec in specs:
            if stop.is_set():
                return
            batch.ask(spec)
            time.sleep(0.25)

    sender = threading.Thread(target=keep_asking)
    sender.start()
    time.sleep(2)
    platform.restart_kafka()
    sender.join(timeout=60)
    stop.set()
    # Accepted while the broker was away: the outbox holds them until it is back.
    assert not batch.refused, batch.refused
    assert len(batch.requested) == len(specs)

    finals = batch.settle(timeout=180)
    assert_nothing_lost(batch, finals, platform.s3, platform.env["S3_BUCKET"])

    # The live feed recovered too: a fresh request's success arrives over /ws.
    with user.live() as feed:
        tid = batch.ask({"operations": ["grayscale"], "output": {"format": "png"}})
        assert feed.wait_terminal([tid], timeout=90)[tid]["status"] == "succeeded"
