"""A new user's whole journey, driven only through the gateway, as a real client would."""

import time
from http.cookies import SimpleCookie

import httpx
import pytest
from e2e_kit.api import Gateway, User
from e2e_kit.photos import dimensions, photo_bytes, sniff_format
from e2e_kit.storage import keys_under

from platform_common.s3 import object_exists

# coffee.png is 600x400. One request per operation family, plus a chained one in the object form.
# Each entry: spec, expected format, expected (width, height).
FAMILIES = {
    "resize": (
        {
            "operations": [{"op": "resize", "width": 200, "height": 150, "fit": "cover"}],
            "output": {"format": "png"},
        },
        "png",
        (200, 150),
    ),
    "crop": (
        {
            "operations": [{"op": "crop", "x": 50, "y": 40, "width": 160, "height": 120}],
            "output": {"format": "jpeg"},
        },
        "jpeg",
        (160, 120),
    ),
    "smart_crop": (
        {
            "operations": [{"op": "smart_crop", "width": 128, "height": 128}],
            "output": {"format": "webp"},
        },
        "webp",
        (128, 128),
    ),
    "rotate": ({"operations": [{"op": "rotate", "angle": 90}]}, "png", (400, 600)),
    "flip_mirror": (
        {"operations": ["flip", "mirror"], "output": {"format": "jpeg", "quality": 70}},
        "jpeg",
        (600, 400),
    ),
    "watermark": (
        {
            "operations": [{"op": "watermark_text", "text": "e2e (c)", "font_size": 24}],
            "output": {"format": "jpeg"},
        },
        "jpeg",
        (600, 400),
    ),
    "filters": (
        {
            "operations": [
                "grayscale",
                {"op": "blur", "sigma": 1.5},
                {"op": "sketch", "style": "pencil"},
            ],
            "output": {"format": "png"},
        },
        "png",
        (600, 400),
    ),
    "format": ({"operations": [], "output": {"format": "avif", "quality": 50}}, "avif", (600, 400)),
    "chained": (
        {
            "transformations": {
                "resize": {"width": 300},
                "rotate": 90,
                "filters": {"sepia": True, "sharpen": 1.0},
                "format": "webp",
            }
        },
        "webp",
        (200, 300),
    ),
}


def test_register_then_login_with_cookie_and_bearer(gateway: Gateway, new_user) -> None:
    user: User = new_user()
    login = gateway.login(user.account.username, user.account.password)
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]

    cookie = SimpleCookie()
    for header in login.headers.get_list("set-cookie"):
        cookie.load(header)
    morsel = cookie["access_token"]
    assert morsel.value and morsel["httponly"], login.headers.get_list("set-cookie")
    assert morsel["samesite"].lower() in ("lax", "strict")
    assert not morsel["max-age"], "without remember_me the cookie lasts the browser session"

    with httpx.Client(base_url=gateway.base_url, cookies={"access_token": morsel.value}) as browser:
        me = browser.get("/auth/me")
    assert me.status_code == 200, me.text
    assert me.json()["username"] == user.account.username
    assert me.json()["last_login"]

    bearer = gateway.http.get("/users/me", headers={"Authorization": f"Bearer {token}"})
    assert bearer.status_code == 200, bearer.text
    assert bearer.json()["id"] == user.id

    remembered = gateway.login(user.account.username, user.account.password, remember_me=True)
    cookie = SimpleCookie()
    for header in remembered.headers.get_list("set-cookie"):
        cookie.load(header)
    # remember_me persists the refresh cookie; the access token stays short-lived.
    assert int(cookie["refresh_token"]["max-age"]) > 86_400
    assert int(cookie["access_token"]["max-age"]) <= 3600

    with httpx.Client(base_url=gateway.base_url, cookies={"access_token": morsel.value}) as browser:
        logout = browser.post("/auth/logout")
    assert logout.status_code in (200, 204)
    assert any("access_token=" in h for h in logout.headers.get_list("set-cookie"))


def test_upload_transform_watch_download_list_fetch_delete(
    gateway: Gateway, new_user, platform, s3
) -> None:
    user: User = new_user()
    original = photo_bytes("coffee")
    image = user.upload_ok(original, "coffee.png")
    image_id = str(image["id"])
    assert (image["width"], image["height"]) == (600, 400)
    assert image["format"] == "png"

    # The feed is open before any request, so no event can be missed.
    with user.live() as feed:
        requested = {
            name: user.transform_ok(image_id, spec) for name, (spec, *_) in FAMILIES.items()
        }
        finished = feed.wait_terminal(requested.values(), timeout=120)
    failures = {
        n: finished[t] for n, t in requested.items() if finished[t]["status"] != "succeeded"
    }
    assert not failures, failures
    for tid, statuses in feed.statuses().items():
        assert statuses == sorted(statuses, key=("pending", "processing", "succeeded").index), (
            tid,
            statuses,
        )

    result_keys = []
    for name, (spec, expected_format, expected_size) in FAMILIES.items():
        tid = requested[name]
        status = user.settled(image_id, tid)
        assert status["status"] == "succeeded", status
        assert status["result"]["format"] == expected_format
        assert (status["result"]["width"], status["result"]["height"]) == expected_size
        content = user.http.get(f"/images/{image_id}/transformations/{tid}/content")
        assert content.status_code == 200, (name, content.text)
        assert sniff_format(content.content) == expected_format, name
        assert dimensions(content.content) == expected_size, name
        etag = content.headers["etag"]
        assert etag.startswith('"') and "immutable" in content.headers["cache-control"]
        again = user.http.get(
            f"/images/{image_id}/transformations/{tid}/content", headers={"If-None-Match": etag}
        )
        assert again.status_code == 304
        # The variant's object (its content address: the etag's digest and the format), to
        # check it is gone after the delete; live messages never say internal keys.
        result_keys.append(f"variants/{etag.strip(chr(34))}.{expected_format}")

        # The same spec again is answered with the existing variant, not new work.
        repeat = user.transform(image_id, spec)
        assert repeat.status_code == 200, repeat.text
        assert repeat.json()["id"] == tid

    others = [user.upload_ok(photo_bytes(name), f"{name}.png") for name in ("chelsea", "astronaut")]
    page1 = user.http.get("/images", params={"page": 1, "limit": 2}).json()
    page2 = user.http.get("/images", params={"page": 2, "limit": 2}).json()
    assert page1["total"] == page2["total"] == 3
    listed = [str(i["id"]) for i in page1["items"] + page2["items"]]
    assert listed == [str(others[1]["id"]), str(others[0]["id"]), image_id], "newest first"

    served = user.http.get(f"/images/{image_id}/content")
    assert served.status_code == 200 and served.content == original
    for fmt in ("png", "jpeg", "webp", "avif"):
        fly = fetch_on_the_fly(user, image_id, {"format": fmt, "w": 240})
        assert sniff_format(fly.content) == fmt
        assert dimensions(fly.content) == (240, 160)

    all_ids = [image_id] + [str(o["id"]) for o in others]
    for some_id in all_ids:
        assert user.http.delete(f"/images/{some_id}").status_code == 204
        assert user.http.get(f"/images/{some_id}").status_code == 404
        assert user.http.get(f"/images/{some_id}/content").status_code == 404
    assert (
        user.http.get(f"/images/{image_id}/transformations/{requested['crop']}").status_code == 404
    )
    assert user.http.get("/images").json()["total"] == 0

    bucket = platform.env["S3_BUCKET"]
    assert keys_under(s3, bucket, f"originals/{user.id}/") == []
    leftovers = [key for key in result_keys if object_exists(s3, bucket, key)]
    assert not leftovers, leftovers


def fetch_on_the_fly(
    user: User, image_id: str, params: dict, timeout: float = 60
) -> httpx.Response:
    """GET the original in another shape; follows a 202 + Location until the variant is ready."""
    deadline = time.monotonic() + timeout
    response = user.http.get(f"/images/{image_id}/content", params=params)
    while response.status_code == 202 and time.monotonic() < deadline:
        time.sleep(0.5)
        response = user.http.get(response.headers["location"])
    assert response.status_code == 200, (params, response.status_code, response.text[:300])
    return response


@pytest.mark.parametrize("name", ["rocket"])
def test_original_served_byte_for_byte(new_user, name: str) -> None:
    user: User = new_user()
    data = photo_bytes(name)
    image = user.upload_ok(data, f"{name}.jpg")
    assert image["format"] == "jpeg" and image["size_bytes"] == len(data)
    served = user.http.get(f"/images/{image['id']}/content")
    assert served.content == data
    assert served.headers["content-type"] == "image/jpeg"
