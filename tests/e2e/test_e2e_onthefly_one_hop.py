"""On-the-fly variants rendered in one hop (images -> the transformer's internal render endpoint):
the client gets the bytes, and the transformation row, its stored object and its events end as
on the async path, also when a libvips pool process is SIGKILLed mid-render or the broker
restarts while requests flow."""

import threading
import time

import httpx
import psutil
import pytest
import pyvips
from e2e_kit.accounting import Batch, assert_nothing_lost
from e2e_kit.api import User
from e2e_kit.photos import photo_megapixels_jpeg, sniff_format


def on_the_fly(user: User, image_id: str, query: str, timeout: float = 60) -> httpx.Response:
    return user.http.get(f"/images/{image_id}/content?{query}", timeout=timeout)


def batch_of_rows(user: User, image_id: str) -> Batch:
    """The image's transformations as a Batch (for assert_nothing_lost)."""
    batch = Batch(user, image_id)
    rows = user.http.get(f"/images/{image_id}").json()["transformations"]
    batch.requested = {str(row["id"]): row["spec"] for row in rows}
    return batch


SLOW_RENDER = {
    "operations": [
        {"op": "resize", "width": 3000},
        {"op": "rotate", "angle": 45},
        {"op": "blur", "sigma": 50},
        {"op": "sketch", "style": "pencil"},
    ],
    "output": {"format": "avif"},
}


def pool_processes(platform) -> list[psutil.Process]:
    return psutil.Process(platform.pids()["transformer"]).children(recursive=True)


def test_a_new_variant_is_answered_in_one_hop_and_recorded_as_on_the_async_path(
    platform, new_user
) -> None:
    user: User = new_user("onehop")
    image_id = str(user.upload_ok(photo_megapixels_jpeg("coffee", 2), "coffee.jpg")["id"])
    answer = on_the_fly(user, image_id, "w=300&format=webp&q=70")
    assert answer.status_code == 200, answer.text[:300]
    assert sniff_format(answer.content) == "webp"
    assert pyvips.Image.new_from_buffer(answer.content, "").width == 300

    [row] = user.http.get(f"/images/{image_id}").json()["transformations"]
    final = user.settled(image_id, str(row["id"]), timeout=30)
    assert final["status"] == "succeeded", final
    assert answer.headers["etag"] == final["etag"]
    stored = user.http.get(f"/images/{image_id}/transformations/{row['id']}/content")
    assert stored.status_code == 200 and stored.content == answer.content
    # Asked again, it is the stored variant: the same bytes.
    again = on_the_fly(user, image_id, "w=300&format=webp&q=70")
    assert again.status_code == 200 and again.content == answer.content
    batch = batch_of_rows(user, image_id)
    assert_nothing_lost(batch, batch.settle(timeout=30), platform.s3, platform.env["S3_BUCKET"])


def test_an_avif_of_a_5000_px_source_answers_200_within_the_wait(platform, new_user) -> None:
    user: User = new_user("avif")
    source = photo_megapixels_jpeg("astronaut", 25)  # 5000 x 5000
    image_id = str(user.upload_ok(source, "large.jpg")["id"])
    answer = on_the_fly(user, image_id, "w=2000&format=avif")
    assert answer.status_code == 200, (answer.status_code, answer.text[:300])
    assert sniff_format(answer.content) == "avif"
    assert pyvips.Image.new_from_buffer(answer.content, "").width == 2000


@pytest.mark.timeout(240)
def test_a_pool_process_killed_mid_render_loses_and_duplicates_nothing(platform, new_user) -> None:
    user: User = new_user("poolkill")
    image_id = str(user.upload_ok(photo_megapixels_jpeg("rocket", 12), "rocket.jpg")["id"])
    # A render of a couple of CPU seconds (a plain resize now takes a few hundred milliseconds,
    # which can finish between seeing the process busy and killing it).
    assert user.http.put("/presets/slow", json=SLOW_RENDER).status_code == 201
    answers: list[httpx.Response] = []
    asking = threading.Thread(
        target=lambda: answers.append(on_the_fly(user, image_id, "preset=slow"))
    )
    before = {p.pid: p.cpu_times().user for p in pool_processes(platform)}
    asking.start()
    # Killed once a pool process is busy with it (its CPU time moves), while it renders.
    deadline = time.monotonic() + 30
    busy: list[psutil.Process] = []
    while not busy and time.monotonic() < deadline:
        time.sleep(0.1)
        busy = [
            p for p in pool_processes(platform) if p.cpu_times().user > before.get(p.pid, 0) + 0.3
        ]
    assert busy, "no pool process started on the render"
    for process in busy:
        process.kill()
    assert asking.is_alive(), "the render finished before the kill landed"
    asking.join(timeout=120)
    [answer] = answers
    # Tried again in a fresh process: the client still gets its variant (or 202 if slow).
    assert answer.status_code in (200, 202), answer.text[:300]
    batch = batch_of_rows(user, image_id)
    assert len(batch.requested) == 1
    assert_nothing_lost(batch, batch.settle(timeout=120), platform.s3, platform.env["S3_BUCKET"])


@pytest.mark.timeout(300)
def test_a_broker_restart_while_on_the_fly_requests_flow(platform, new_user) -> None:
    user: User = new_user("onehopkafka")
    image_id = str(user.upload_ok(photo_megapixels_jpeg("chelsea", 1), "chelsea.jpg")["id"])
    statuses: list[int] = []

    def keep_asking() -> None:
        for width in range(200, 224):
            statuses.append(on_the_fly(user, image_id, f"w={width}&format=webp").status_code)
            time.sleep(0.2)

    sender = threading.Thread(target=keep_asking)
    sender.start()
    time.sleep(1.5)
    platform.restart_kafka()
    sender.join(timeout=120)
    assert len(statuses) == 24 and set(statuses) <= {200, 202}, statuses
    batch = batch_of_rows(user, image_id)
    assert len(batch.requested) == 24
    assert_nothing_lost(batch, batch.settle(timeout=180), platform.s3, platform.env["S3_BUCKET"])
