"""Webhooks end to end: a receiver on loopback (allowed by WEBHOOK_ALLOWED_NETWORKS in the e2e
settings) verifies every POST with the published `standardwebhooks` package, and gets exactly one
delivery id per event, also when the sending process (images) is killed and started again."""

import json
import threading
import time
from collections import defaultdict

import pytest
from e2e_kit.photos import photo_jpeg
from e2e_kit.receivers import Received, http_server
from standardwebhooks import Webhook

RECEIVER_HOST = "127.0.0.1"
WAIT_SECONDS = 90


def wait_for(condition, timeout: float = WAIT_SECONDS, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def by_event(requests: list[Received], secret: str) -> dict[str, set[str]]:
    """Verified deliveries grouped by the event they announce: event id -> webhook-ids."""
    verifier = Webhook(secret)
    seen: dict[str, set[str]] = defaultdict(set)
    for request in requests:
        payload = verifier.verify(request.body, request.headers)  # raises on a bad signature
        seen[payload["data"]["event_id"]].add(request.headers["webhook-id"])
    return seen


def create_endpoint(user, url: str) -> dict:
    response = user.http.post("/webhooks", json={"url": url, "description": "e2e"})
    assert response.status_code == 201, response.text
    endpoint = response.json()
    assert endpoint["secret"].startswith("whsec_") and endpoint["enabled"] is True
    return endpoint


def payloads(requests: list[Received]) -> list[dict]:
    return [json.loads(r.body) for r in requests]


def test_one_delivery_id_per_event_through_a_restart_of_the_sender(platform, user) -> None:
    """Both ways a restart can lose or double a webhook: a delivery already owed (its receiver
    refused it, so it waits in the database for a retry) and events that happen while the
    sender is down (they wait in Kafka). The sender is SIGKILLed, as a crash would."""
    back = threading.Event()

    def refuse_until_back(_request: Received):
        return (204, {}, b"") if back.is_set() else (503, {}, b"down for a moment")

    with http_server(RECEIVER_HOST, refuse_until_back) as (receiver, got):
        endpoint = create_endpoint(user, f"{receiver}/hooks")
        image_id = user.upload_ok(photo_jpeg("chelsea"))["id"]
        first = user.transform_ok(image_id, {"operations": [{"op": "grayscale"}]})
        wait_for(lambda: len(got.snapshot()) >= 1, what="a refused first attempt")

        later = [user.transform_ok(image_id, {"operations": [{"op": "rotate", "angle": a}]})
                 for a in (90, 180)]  # fmt: skip
        platform.kill("images-worker")  # the webhook sender's process
        platform.start("images-worker")
        back.set()
        settled = user.wait_terminal_polling(image_id, later, timeout=60)
        assert {b["status"] for b in settled.values()} == {"succeeded"}, settled
        assert user.http.delete(f"/images/{image_id}").status_code == 204

        def all_announced() -> bool:
            bodies = payloads([r for r in got.snapshot() if r.status == 204])
            done = {b["data"].get("transformation_id") for b in bodies
                    if b["type"] == "transform.succeeded"}  # fmt: skip
            return {first, *later} <= done and any(b["type"] == "image.deleted" for b in bodies)

        wait_for(all_announced, what="every event's webhook")
        seen = by_event(got.snapshot(), endpoint["secret"])
    assert len(seen) == 4, seen  # 3 transform.succeeded + 1 image.deleted, nothing else
    assert all(len(ids) == 1 for ids in seen.values()), seen

    def all_recorded() -> list[dict]:
        items = user.http.get(f"/webhooks/{endpoint['id']}/deliveries").json()["items"]
        return items if all(d["status"] == "succeeded" for d in items) else []

    deliveries = wait_for(all_recorded, what="every delivery recorded as succeeded")
    assert {d["id"] for d in deliveries} == {next(iter(ids)) for ids in seen.values()}
    [retried] = [d for d in deliveries if d["payload"]["data"].get("transformation_id") == first]
    codes = [a["status_code"] for a in retried["attempts"]]
    assert codes[0] == 503 and codes[-1] == 204, codes  # owed across the restart, then delivered


def test_failed_attempts_are_retried_visible_and_replayable(user) -> None:
    answers = iter([503, 500])

    def flaky(_request: Received):
        return next(answers, 200), {}, b"ok"

    with http_server(RECEIVER_HOST, flaky) as (receiver, got):
        endpoint = create_endpoint(user, f"{receiver}/flaky")
        image_id = user.upload_ok(photo_jpeg("coffee"))["id"]
        assert user.http.delete(f"/images/{image_id}").status_code == 204
        url = f"/webhooks/{endpoint['id']}/deliveries"

        def succeeded():
            items = user.http.get(url).json()["items"]
            return items if items and items[0]["status"] == "succeeded" else None

        [delivery] = wait_for(succeeded, what="the delivery to succeed after retries")
        assert [a["status_code"] for a in delivery["attempts"]] == [503, 500, 200]
        assert delivery["type"] == "image.deleted"
        assert delivery["payload"]["data"]["image_id"] == image_id

        replay = user.http.post(f"{url}/{delivery['id']}/replay")
        assert replay.status_code == 202, replay.text
        wait_for(lambda: len(got.snapshot()) == 4, what="the replayed delivery")
        ids = {r.headers["webhook-id"] for r in got.snapshot()}
        assert ids == {delivery["id"]}  # retries and the replay carry the same webhook-id
        by_event(got.snapshot(), endpoint["secret"])  # every one of them verifies


def test_endpoints_are_managed_per_account(user, new_user) -> None:
    endpoint = create_endpoint(user, "http://127.0.0.1:9/never")
    listed = user.http.get("/webhooks").json()["items"]
    assert [e["id"] for e in listed] == [endpoint["id"]]
    assert "secret" not in listed[0]
    patched = user.http.patch(f"/webhooks/{endpoint['id']}", json={"enabled": False})
    assert patched.status_code == 200 and patched.json()["enabled"] is False

    other = new_user("other")
    for method, path in [("GET", "/deliveries"), ("PATCH", ""), ("DELETE", "")]:
        kwargs = {"json": {"enabled": True}} if method == "PATCH" else {}
        response = other.http.request(method, f"/webhooks/{endpoint['id']}{path}", **kwargs)
        assert response.status_code == 404, (method, path, response.text)
    assert other.http.get("/webhooks").json()["items"] == []

    assert user.http.delete(f"/webhooks/{endpoint['id']}").status_code == 204
    assert user.http.get(f"/webhooks/{endpoint['id']}/deliveries").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.2:8080/hook",  # loopback, but not the address the settings allow
        "ftp://127.0.0.1/hook",
    ],
)
def test_targets_inside_are_refused(user, url) -> None:
    response = user.http.post("/webhooks", json={"url": url})
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] in {"forbidden_address", "validation_error"}
