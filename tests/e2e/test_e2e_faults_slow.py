"""The slower faults (run by `make test-all` and CI): S3 away for a few seconds, images restarted
with unsent outbox rows, a gateway killed during an upload. Each is bounded in time."""

import threading
import time

import httpx
import pytest
from e2e_kit.accounting import Batch, assert_nothing_lost
from e2e_kit.api import User
from e2e_kit.photos import photo_bytes, photo_megapixels_jpeg
from e2e_kit.platform import apply_env
from e2e_kit.storage import keys_under

pytestmark = pytest.mark.slow


def specs(count: int, start: int) -> list[dict]:
    return [
        {"operations": [{"op": "resize", "width": start + i}], "output": {"format": "jpeg"}}
        for i in range(count)
    ]


# The transformer's default retry budget (5 attempts, full-jitter backoff from 0.5 s: about 4 s
# of waiting on average, 7.5 s at most) is shorter than many S3 blips; this test gives it a
# budget that outlasts its outage, and checks that the retries then really carry the work through.
PATIENT_TRANSFORMER = {"TRANSFORMER_MAX_ATTEMPTS": "8", "TRANSFORMER_RETRY_BASE_SECONDS": "1"}
S3_OUTAGE_SECONDS = 4


@pytest.mark.timeout(300)
def test_s3_away_for_seconds_transient_failures_are_retried(platform, new_user) -> None:
    apply_env(platform.platform, PATIENT_TRANSFORMER, ("transformer",))
    user: User = new_user("fault")
    image_id = str(user.upload_ok(photo_megapixels_jpeg("chelsea", 4), "chelsea.jpg")["id"])
    batch = Batch(user, image_id)

    platform.kill_s3()
    away_since = time.monotonic()
    try:
        # The requests themselves need only the database: accepted while S3 is away.
        for spec in specs(12, start=500):
            batch.ask(spec)
        # An upload while S3 is away is refused cleanly (a 5xx the client may retry), not a hang.
        upload = user.upload(photo_bytes("rocket"), "rocket.jpg")
        assert upload.status_code in (502, 503, 504), upload.text
        assert upload.json()["error"]["code"]
        time.sleep(max(0.0, S3_OUTAGE_SECONDS - (time.monotonic() - away_since)))
    finally:
        platform.start_s3()
    assert not batch.refused, batch.refused

    finals = batch.settle(timeout=200)
    assert_nothing_lost(batch, finals, platform.s3, platform.env["S3_BUCKET"])


@pytest.mark.timeout(300)
def test_images_restarted_while_its_outbox_holds_unsent_rows(platform, new_user) -> None:
    user: User = new_user("fault")
    image_id = str(user.upload_ok(photo_megapixels_jpeg("coffee", 2), "coffee.jpg")["id"])
    batch = Batch(user, image_id)

    platform.stop_kafka()
    try:
        for spec in specs(15, start=700):
            batch.ask(spec)  # committed with their outbox rows; the relay cannot publish
        assert not batch.refused, batch.refused
        platform.kill("images")
        platform.kill("images-worker")  # the relay's process
    finally:
        platform.start_kafka()
    platform.start("images")
    platform.start("images-worker")

    finals = batch.settle(timeout=200)
    assert_nothing_lost(batch, finals, platform.s3, platform.env["S3_BUCKET"])


@pytest.mark.timeout(180)
def test_gateway_killed_during_an_upload_stores_nothing(platform, new_user) -> None:
    user: User = new_user("fault")
    payload = photo_megapixels_jpeg("astronaut", 12)  # ~ several MB: takes a while to trickle
    half_sent = threading.Event()

    def trickle():
        step = 64 * 1024
        for offset in range(0, len(payload), step):
            if offset >= len(payload) // 2:
                half_sent.set()
            yield payload[offset : offset + step]
            time.sleep(0.02)

    def kill_when_half_sent() -> None:
        half_sent.wait(timeout=60)
        platform.kill("gateway")

    killer = threading.Thread(target=kill_when_half_sent)
    killer.start()
    boundary = "e2eboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()

    def body():
        yield head
        yield from trickle()
        yield f"\r\n--{boundary}--\r\n".encode()

    with pytest.raises(httpx.TransportError):
        user.http.post(
            "/images",
            content=body(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
    killer.join(timeout=30)
    platform.start("gateway")

    # Images noticed the cut-off body and kept nothing: no row, no object, no pending multipart.
    bucket = platform.env["S3_BUCKET"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        objects = keys_under(platform.s3, bucket, f"originals/{user.id}/")
        uploads = platform.s3.list_multipart_uploads(Bucket=bucket, Prefix=f"originals/{user.id}/")
        if not objects and not uploads.get("Uploads"):
            break
        time.sleep(1)
    assert objects == [], objects
    assert not uploads.get("Uploads"), uploads.get("Uploads")
    assert user.http.get("/images").json()["total"] == 0
