"""Hostile strings and numbers in every field through the gateway: path traversal, SQL and template
metacharacters, NUL, 10,000 characters, huge numbers. Every answer is a clean 4xx (or a success
that stored nothing dangerous), never a 5xx or a trace."""

from urllib.parse import quote

import pytest
from e2e_kit.api import PASSWORD, Gateway, User, unique_name
from e2e_kit.hostile import LONG, NASTY, assert_clean_refusal
from e2e_kit.photos import photo_bytes
from e2e_kit.storage import keys_under


@pytest.mark.parametrize("value", NASTY, ids=lambda v: v[:24])
def test_nasty_strings_in_auth_fields(gateway: Gateway, value: str) -> None:
    register = gateway.http.post(
        "/auth/register",
        json={"username": value, "email": f"{unique_name()}@example.com", "password": PASSWORD},
    )
    assert_clean_refusal(register, 201, 400, 422)
    email = gateway.http.post(
        "/auth/register", json={"username": unique_name(), "email": value, "password": PASSWORD}
    )
    assert_clean_refusal(email, 400, 422)
    password = gateway.http.post(
        "/auth/register",
        json={
            "username": unique_name(),
            "email": f"{unique_name()}@example.com",
            "password": value,
        },
    )
    assert_clean_refusal(password, 201, 400, 422)
    login = gateway.http.post("/auth/login", json={"username": value, "password": value})
    assert_clean_refusal(login, 401, 422, 429)
    form = gateway.http.post("/auth/token", data={"username": value, "password": value})
    assert_clean_refusal(form, 401, 422, 429)


def test_sql_injection_does_not_log_anyone_in(gateway: Gateway, user: User) -> None:
    for username in (f"{user.account.username}' --", "' OR '1'='1' --", "admin'--"):
        response = gateway.http.post(
            "/auth/login", json={"username": username, "password": "' OR '1'='1"}
        )
        assert_clean_refusal(response, 401, 422, 429)


@pytest.mark.parametrize("value", NASTY, ids=lambda v: v[:24])
def test_nasty_strings_in_image_fields(user: User, platform, value: str) -> None:
    upload = user.upload(photo_bytes("chelsea"), value, "image/png")
    assert_clean_refusal(upload, 201, 400, 422)
    if upload.status_code == 201:
        key_names = keys_under(platform.s3, platform.env["S3_BUCKET"], f"originals/{user.id}/")
        assert all(".." not in key and "passwd" not in key for key in key_names), key_names
        user.http.delete(f"/images/{upload.json()['id']}")

    image_id = str(user.upload_ok(photo_bytes("chelsea"), "c.png")["id"])
    quoted = quote(value, safe="")
    refused = (400, 404, 405, 413, 422)
    probes = [
        (user.http.get(f"/images/{quoted}"), refused),
        (user.http.get(f"/images/{quoted}/content"), refused),
        (user.http.delete(f"/images/{quoted}"), refused),
        (user.http.get(f"/images/{image_id}/transformations/{quoted}"), refused),
        (user.http.get("/images", params={"page": value, "limit": value}), refused),
        (
            user.http.get(f"/images/{image_id}/content", params={"format": value, "w": value}),
            refused,
        ),
        (user.http.get(f"/images/{image_id}/content", params={"fit": value, "q": value}), refused),
        (user.transform(image_id, {"operations": [{"op": value}]}), refused),
        (user.transform(image_id, {"transformations": {value: True}}), refused),
        # Any text is a caption: drawn as given (or refused when too long), never interpreted.
        (
            user.transform(image_id, {"operations": [{"op": "watermark_text", "text": value}]}),
            (200, 202, *refused),
        ),
        (user.transform(image_id, {"operations": [{"op": "resize", "width": value}]}), refused),
        (user.transform(image_id, {"operations": [], "output": {"format": value}}), refused),
        (
            user.transform(
                image_id, {"operations": [{"op": "watermark_image", "image_id": value}]}
            ),
            refused,
        ),
        (
            user.transform(
                image_id, {"operations": [{"op": "rotate", "angle": 90, "background": value}]}
            ),
            refused,
        ),
    ]
    if value.isascii() and value.isprintable():
        # A hostile request id is replaced, not refused: the listing itself is fine.
        probes.append((user.http.get("/images", headers={"X-Request-ID": value}), (200,)))
    for response, allowed in probes:
        assert_clean_refusal(response, *allowed)
    # The path never escaped the API: the image is still there and intact.
    assert user.http.get(f"/images/{image_id}").status_code == 200


def test_ten_thousand_character_fields_are_bounded(gateway: Gateway, user: User) -> None:
    image_id = str(user.upload_ok(photo_bytes("chelsea"), "c.png")["id"])
    for response in [
        gateway.http.post(
            "/auth/register",
            json={"username": LONG, "email": "a@example.com", "password": PASSWORD},
        ),
        gateway.http.post(
            "/auth/register",
            json={
                "username": unique_name(),
                "password": LONG,
                "email": f"{unique_name()}@example.com",
            },
        ),
        gateway.http.post(
            "/auth/register",
            json={"username": unique_name(), "password": PASSWORD, "email": f"{LONG}@example.com"},
        ),
        user.transform(image_id, {"operations": [{"op": "watermark_text", "text": LONG}]}),
    ]:
        assert_clean_refusal(response, 400, 413, 422)
    echoed = user.http.get("/images", headers={"X-Request-ID": LONG})
    assert echoed.headers.get("x-request-id") != LONG


MAX_PAGE_SIZE = 100  # images caps a listing page at this many (its documented bound)
HUGE = [str(10**30), "9223372036854775807", "-1", "0", "1e9", "NaN"]


@pytest.mark.parametrize("value", HUGE)
def test_huge_and_odd_numbers_are_refused_not_overflowed(user: User, admin: User, value) -> None:
    image_id = str(user.upload_ok(photo_bytes("chelsea"), "c.png")["id"])
    probes = [
        user.http.get("/images", params={"page": value}),
        admin.http.get("/admin/images", params={"page": value}),
        admin.http.get("/admin/storage/objects", params={"limit": value}),
        admin.http.get("/auth/users", params={"page": value}),
        admin.http.get("/auth/users", params={"limit": value}),
        user.http.get(f"/images/{image_id}/content", params={"w": value, "format": "png"}),
        user.http.get(f"/images/{image_id}/content", params={"q": value, "format": "webp"}),
    ]
    for response in probes:
        assert_clean_refusal(response, 400, 422)
    # The one listing bound that caps rather than refuses: a huge `limit` is the largest page.
    capped = user.http.get("/images", params={"limit": value})
    if value.lstrip("-").isdigit() and int(value) > 0:
        assert capped.status_code == 200, capped.text
        assert capped.json()["limit"] == MAX_PAGE_SIZE, capped.json()
    else:
        assert_clean_refusal(capped, 400, 422)
    for spec in (
        {"operations": [{"op": "resize", "width": value}]},
        {"operations": [{"op": "blur", "sigma": value}]},
        {"operations": [], "output": {"quality": value}},
    ):
        assert_clean_refusal(user.transform(image_id, spec), 422)
    # -1 and 0 degrees are angles like any other; only the rest is out of range.
    rotate = user.transform(image_id, {"operations": [{"op": "rotate", "angle": value}]})
    assert_clean_refusal(rotate, *((200, 202) if value in ("-1", "0") else (422,)))
