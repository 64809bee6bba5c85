"""Two users: each reaches only their own images (404 for the other's, exactly like a missing
id) and a plain user is refused the admin routes with 403."""

import uuid

import pytest
from e2e_kit.api import User
from e2e_kit.photos import photo_bytes

SPEC = {"operations": [{"op": "resize", "width": 64}], "output": {"format": "webp"}}


@pytest.fixture
def alice_with_work(new_user) -> tuple[User, str, str]:
    alice: User = new_user("alice")
    image_id = str(alice.upload_ok(photo_bytes("chelsea"), "chelsea.png")["id"])
    with alice.live() as feed:
        tid = alice.transform_ok(image_id, SPEC)
        assert feed.wait_terminal([tid], timeout=60)[tid]["status"] == "succeeded"
    assert alice.settled(image_id, tid)["status"] == "succeeded"
    return alice, image_id, tid


def image_routes(image_id: str, tid: str) -> list[tuple[str, str, dict]]:
    return [
        ("GET", f"/images/{image_id}", {}),
        ("GET", f"/images/{image_id}/content", {}),
        ("GET", f"/images/{image_id}/content?format=webp&w=32", {}),
        ("POST", f"/images/{image_id}/transform", {"json": SPEC}),
        ("POST", f"/images/{image_id}/transform", {"json": {"operations": ["mirror"]}}),
        ("GET", f"/images/{image_id}/transformations/{tid}", {}),
        ("GET", f"/images/{image_id}/transformations/{tid}/content", {}),
        ("DELETE", f"/images/{image_id}", {}),
    ]


def test_every_image_route_answers_404_for_someone_elses_ids(alice_with_work, new_user) -> None:
    alice, image_id, tid = alice_with_work
    bob: User = new_user("bob")
    for method, path, kwargs in image_routes(image_id, tid):
        theirs = bob.http.request(method, path, **kwargs)
        missing = bob.http.request(
            method,
            path.replace(image_id, str(uuid.uuid4())).replace(tid, str(uuid.uuid4())),
            **kwargs,
        )
        assert theirs.status_code == 404, (method, path, theirs.status_code, theirs.text)
        # Indistinguishable from an id that does not exist: same status, same error code.
        assert theirs.json()["error"]["code"] == missing.json()["error"]["code"], (method, path)

    # Bob's own image cannot read Alice's through a watermark either.
    bobs = str(bob.upload_ok(photo_bytes("astronaut"), "astronaut.png")["id"])
    borrowed = bob.transform(
        bobs, {"operations": [{"op": "watermark_image", "image_id": image_id}]}
    )
    assert borrowed.status_code in (404, 422), borrowed.text

    assert image_id not in {str(i["id"]) for i in bob.http.get("/images").json()["items"]}
    # Nothing Bob did touched Alice's image.
    assert alice.http.get(f"/images/{image_id}").status_code == 200
    assert alice.http.get(f"/images/{image_id}/transformations/{tid}/content").status_code == 200


def test_admin_routes_refuse_a_plain_user_with_403(alice_with_work, new_user, admin) -> None:
    alice, image_id, _ = alice_with_work
    bob: User = new_user("bob")
    for path in ("/auth/users", "/admin/storage/objects", "/admin/images"):
        refused = bob.http.get(path)
        assert refused.status_code == 403, (path, refused.status_code, refused.text)
        assert refused.json()["error"]["code"] == "forbidden"
        assert admin.http.get(path).status_code == 200, path
    # Deleting someone else's account: refused like a missing one (404), and nothing happens.
    other = bob.http.delete(f"/auth/users/{alice.id}")
    assert other.status_code in (403, 404), other.text
    assert alice.http.get("/auth/me").status_code == 200
    assert alice.http.get(f"/images/{image_id}").status_code == 200

    # The admin sees every user's images; a user sees only their own.
    everyone = admin.http.get("/admin/images", params={"limit": 100})
    assert everyone.status_code == 200
    assert any(str(i["id"]) == image_id for i in everyone.json()["items"])


def test_live_feed_carries_only_the_owners_events(new_user) -> None:
    alice: User = new_user("alice")
    bob: User = new_user("bob")
    image_id = str(alice.upload_ok(photo_bytes("coffee"), "coffee.png")["id"])
    with bob.live() as bobs_feed, alice.live() as alices_feed:
        tid = alice.transform_ok(image_id, {"operations": ["grayscale"]})
        alices_feed.wait_terminal([tid], timeout=60)
        bobs_own = str(bob.upload_ok(photo_bytes("rocket"), "rocket.jpg")["id"])
        bob_tid = bob.transform_ok(bobs_own, {"operations": ["mirror"]})
        bobs_feed.wait_terminal([bob_tid], timeout=60)
    assert tid not in bobs_feed.statuses()
    assert bob_tid not in alices_feed.statuses()
