"""One account's expensive jobs do not hold another account's light one (checked by the order of
the transformer's events, not by time).

Alice queues three valid requests, each within every limit but seconds of work (an upscale, a free
rotation, a wide blur, a sketch, PNG at level 9). Once the first has started, Bob asks for a
one-step resize. Bob's Started and Succeeded must both come before any of Alice's jobs finishes:
the heavy lane leaves a process for light jobs, and the worker reads ahead of the partition's
order. Alice's jobs are left to finish on their own (they hold one process for a while).

Reading ahead keeps at-least-once: a partition's offset is committed only up to its oldest
request not yet done, even when later ones on it are.
"""

import time
from collections.abc import Callable

from e2e_kit.api import User
from e2e_kit.event_log import EventLog, committed_offsets
from e2e_kit.photos import photo_jpeg
from e2e_kit.platform import PlatformControl

from platform_common.settings import TopicSettings

EXPENSIVE = {
    "operations": [
        {"op": "resize", "width": 5000, "height": 5000, "upscale": True},
        {"op": "rotate", "angle": 45},
        {"op": "blur", "sigma": 50},
        {"op": "sketch", "style": "pencil"},
    ],
    "output": {"format": "png", "png_compression": 9},
}
# Each EXPENSIVE job is about 3 CPU-seconds here (at 2500 px it had become under one, which a light
# job on a loaded machine could lose a race against). STILL_RUNNING is about 9 (54 MP, a wide blur,
# PNG level 9; well under the 60 s job limit): still running while the test reads the commit.
STILL_RUNNING = {
    "operations": [
        {"op": "resize", "width": 9000, "height": 9000, "upscale": True},
        {"op": "blur", "sigma": 50},
        {"op": "sketch", "style": "pencil"},
    ],
    "output": {"format": "png", "png_compression": 9},
}
LIGHT = {"operations": [{"op": "resize", "width": 120}], "output": {"format": "webp"}}
FINISHED = ("TransformSucceeded", "TransformFailed")


def test_an_offset_is_committed_only_once_every_earlier_request_is_done(
    platform: PlatformControl, kafka_bootstrap: str, new_user: Callable[..., User]
) -> None:
    alice = new_user("alice")
    topics = TopicSettings()
    group = platform.platform.services["transformer"].env.get("FAUST_APP_ID", "transformer")
    with (
        EventLog(kafka_bootstrap, topics.topic_transform_requested) as requests,
        EventLog(kafka_bootstrap, topics.topic_transform_events) as log,
    ):
        image = alice.upload_ok(photo_jpeg("coffee"))["id"]
        # A request done before the heavy one, so that its partition has progress to commit.
        before = alice.transform_ok(image, {**LIGHT, "output": {"format": "jpeg"}})
        log.wait_for(lambda: log.index("TransformSucceeded", before) is not None, timeout=120)
        heavy = alice.transform_ok(image, STILL_RUNNING)
        log.wait_for(lambda: log.index("TransformStarted", heavy) is not None, timeout=60)
        # Same image, same key, same partition: behind the heavy one, and done first.
        light = alice.transform_ok(image, LIGHT)
        log.wait_for(lambda: log.index("TransformSucceeded", light) is not None, timeout=120)
        partition, heavy_offset = requests.positions[("TransformRequested", heavy)]
        assert requests.positions[("TransformRequested", light)][0] == partition
        assert requests.positions[("TransformRequested", before)][0] == partition

        # Progress is committed every second: wait until it has reached the running request.
        deadline = time.monotonic() + 60
        while (
            committed := committed_offsets(kafka_bootstrap, group, topics.topic_transform_requested)
        ).get(partition, -1) < heavy_offset and time.monotonic() < deadline:
            time.sleep(0.2)
        assert committed.get(partition, -1) >= heavy_offset, "the commit never caught up"
        assert log.index("TransformSucceeded", heavy) is None, "finished too soon to tell"
        # The light request after it is done, yet the commit stops at the unfinished one: a
        # worker dying now would be given the heavy request again.
        assert committed.get(partition) == heavy_offset, (committed, heavy_offset)


def test_a_light_job_overtakes_another_accounts_expensive_ones(
    platform: PlatformControl, kafka_bootstrap: str, new_user: Callable[..., User]
) -> None:
    alice, bob = new_user("alice"), new_user("bob")
    topic = platform.env.get("TOPIC_TRANSFORM_EVENTS", TopicSettings().topic_transform_events)
    with EventLog(kafka_bootstrap, topic) as log:
        alices_image = alice.upload_ok(photo_jpeg("chelsea"))["id"]
        bobs_image = bob.upload_ok(photo_jpeg("rocket"))["id"]
        # Three different variants (the blur differs), so none is a repeat of another.
        heavy = [
            alice.transform_ok(
                alices_image,
                {**EXPENSIVE, "operations": [*EXPENSIVE["operations"], {"op": "blur", "sigma": s}]},
            )
            for s in (1, 2, 3)
        ]
        log.wait_for(lambda: log.index("TransformStarted", heavy[0]) is not None, timeout=60)

        light = bob.transform_ok(bobs_image, LIGHT)
        log.wait_for(lambda: log.index("TransformSucceeded", light) is not None, timeout=120)

        started = log.index("TransformStarted", light)
        succeeded = log.index("TransformSucceeded", light)
        assert started is not None and succeeded is not None and started < succeeded
        finished_heavy = [
            (kind, tid) for kind, tid in log.events[:succeeded] if kind in FINISHED and tid in heavy
        ]
        assert not finished_heavy, f"an expensive job finished before the light one: {log.events}"
        # And the expensive jobs were really queued ahead of it, not refused.
        assert all(alice.transformation(alices_image, t).status_code == 200 for t in heavy)
