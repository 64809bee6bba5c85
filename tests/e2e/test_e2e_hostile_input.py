"""Hostile input through the gateway: every answer is a clean 4xx in the one error shape, never
a 5xx, never a stack trace, and nothing is stored that should not be."""

import socket
import time
import uuid
from urllib.parse import quote, urlsplit

import httpx
import pytest
from e2e_kit.api import PASSWORD, Gateway, User, unique_name
from e2e_kit.photos import photo_bytes
from e2e_kit.storage import keys_under

LONG = "x" * 10_000
NASTY = [
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "..\\..\\windows\\win.ini",
    "/etc/passwd\x00.png",
    "'; DROP TABLE users; --",
    "' OR '1'='1",
    '" OR ""="',
    "1; SELECT pg_sleep(10)--",
    "%00",
    "${jndi:ldap://evil.example/a}",
    "{{7*7}}",
    "<script>alert(1)</script>",
    LONG,
]


def assert_clean_refusal(response: httpx.Response, *allowed: int) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:500])
    if allowed:
        assert response.status_code in allowed, (response.status_code, response.text[:500])
    if response.status_code >= 400 and response.content:
        body = response.json()
        assert body["error"]["code"] and body["error"]["message"], body
    for marker in ("Traceback", "psycopg", "sqlalchemy", 'File "/'):
        assert marker not in response.text, response.text[:500]


def test_oversized_upload_is_refused_with_413(user: User, platform) -> None:
    too_big = b"\xff\xd8\xff\xe0" + b"\0" * (26 * 1024 * 1024)
    response = user.upload(too_big, "huge.jpg")
    assert_clean_refusal(response, 413)

    def chunks():  # no Content-Length: the limit must hold while streaming too
        yield b"\xff\xd8\xff\xe0"
        for _ in range(27):
            yield b"\0" * (1024 * 1024)

    boundary = uuid.uuid4().hex

    def body():
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="huge.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        ).encode()
        yield from chunks()
        yield f"\r\n--{boundary}--\r\n".encode()

    streamed = user.http.post(
        "/images",
        content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert_clean_refusal(streamed, 413)
    assert keys_under(platform.s3, platform.env["S3_BUCKET"], f"originals/{user.id}/") == []


def test_oversized_json_bodies_are_refused(gateway: Gateway, user: User) -> None:
    huge = {"username": "a", "password": "b" * (5 * 1024 * 1024)}
    assert_clean_refusal(gateway.http.post("/auth/login", json=huge), 413, 422)
    image_id = str(user.upload_ok(photo_bytes("chelsea"), "chelsea.png")["id"])
    spec = {"operations": [{"op": "watermark_text", "text": "a"}] * 200_000}
    assert_clean_refusal(user.transform(image_id, spec), 413, 422)


def test_slow_upload_is_cut_off_by_the_server(user: User, gateway: Gateway, platform) -> None:
    """A client that stops sending its body mid-way is disconnected (or answered 408) within the
    configured body-read timeout, instead of holding a connection and a worker forever."""
    target = urlsplit(gateway.base_url)
    boundary = uuid.uuid4().hex
    head = (
        f"POST /images HTTP/1.1\r\nHost: {target.netloc}\r\n"
        f"Authorization: Bearer {user.account.token}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: 1000000\r\n\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n"
    ).encode() + photo_bytes("rocket")[:2048]
    limit = platform.body_read_timeout + 15
    started = time.monotonic()
    with socket.create_connection((target.hostname, target.port), timeout=limit) as sock:
        sock.sendall(head)
        try:
            answer = sock.recv(65536)  # blocks until the server answers or closes
        except TimeoutError:
            pytest.fail(f"the gateway kept an idle upload open for over {limit}s")
    waited = time.monotonic() - started
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert waited < limit
    assert keys_under(platform.s3, platform.env["S3_BUCKET"], f"originals/{user.id}/") == []


def test_idle_connection_without_a_request_is_closed(gateway: Gateway, platform) -> None:
    target = urlsplit(gateway.base_url)
    limit = platform.body_read_timeout + 15
    with socket.create_connection((target.hostname, target.port), timeout=limit) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # headers never finished
        try:
            answer = sock.recv(65536)
        except TimeoutError:
            pytest.fail(f"the gateway kept a half-sent request open for over {limit}s")
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]


BOGUS_MULTIPART = {
    "no_boundary": ({"Content-Type": "multipart/form-data"}, b"--x\r\n\r\n--x--"),
    "wrong_boundary": (
        {"Content-Type": "multipart/form-data; boundary=abc"},
        b'--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'
        b"xx\r\n--zzz--",
    ),
    "truncated": (
        {"Content-Type": "multipart/form-data; boundary=abc"},
        b'--abc\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG',
    ),
    "no_file_field": (
        {"Content-Type": "multipart/form-data; boundary=abc"},
        b'--abc\r\nContent-Disposition: form-data; name="other"\r\n\r\nhello\r\n--abc--\r\n',
    ),
    "empty_file": (
        {"Content-Type": "multipart/form-data; boundary=abc"},
        b'--abc\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
        b"Content-Type: image/png\r\n\r\n\r\n--abc--\r\n",
    ),
    "json_instead": ({"Content-Type": "application/json"}, b'{"file": "AAAA"}'),
    "garbage_headers": (
        {"Content-Type": "multipart/form-data; boundary=abc"},
        b"--abc\r\n\xff\xfe\x00garbage\r\n\r\n\x00\x01\r\n--abc--\r\n",
    ),
    "many_parts": (
        {"Content-Type": "multipart/form-data; boundary=abc"},
        b"".join(
            b'--abc\r\nContent-Disposition: form-data; name="f%d"\r\n\r\nv\r\n' % i
            for i in range(5000)
        )
        + b"--abc--\r\n",
    ),
}


@pytest.mark.parametrize("case", sorted(BOGUS_MULTIPART))
def test_bogus_multipart_is_a_clean_4xx(user: User, platform, case: str) -> None:
    headers, body = BOGUS_MULTIPART[case]
    response = user.http.post("/images", content=body, headers=headers)
    assert_clean_refusal(response, 400, 413, 415, 422)
    assert keys_under(platform.s3, platform.env["S3_BUCKET"], f"originals/{user.id}/") == []


def test_a_lying_content_type_and_a_text_file_are_refused(user: User) -> None:
    lying = user.upload(b"#!/bin/sh\nrm -rf /\n" * 50, "photo.jpg", "image/jpeg")
    assert_clean_refusal(lying, 415, 422)
    html = user.upload(b"<html><script>alert(1)</script></html>", "x.png", "image/png")
    assert_clean_refusal(html, 415, 422)


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
    probes = [
        user.http.get(f"/images/{quoted}"),
        user.http.get(f"/images/{quoted}/content"),
        user.http.delete(f"/images/{quoted}"),
        user.http.get(f"/images/{image_id}/transformations/{quoted}"),
        user.http.get("/images", params={"page": value, "limit": value}),
        user.http.get(f"/images/{image_id}/content", params={"format": value, "w": value}),
        user.http.get(f"/images/{image_id}/content", params={"fit": value, "q": value}),
        user.transform(image_id, {"operations": [{"op": value}]}),
        user.transform(image_id, {"transformations": {value: True}}),
        user.transform(image_id, {"operations": [{"op": "watermark_text", "text": value}]}),
        user.transform(image_id, {"operations": [{"op": "resize", "width": value}]}),
        user.transform(image_id, {"operations": [], "output": {"format": value}}),
        user.transform(image_id, {"operations": [{"op": "watermark_image", "image_id": value}]}),
        user.transform(
            image_id, {"operations": [{"op": "rotate", "angle": 90, "background": value}]}
        ),
    ]
    if value.isascii() and value.isprintable():
        probes.append(user.http.get("/images", headers={"X-Request-ID": value}))
    for response in probes:
        assert_clean_refusal(response)
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


HUGE = [str(10**30), "9223372036854775807", "-1", "0", "1e9", "NaN"]


@pytest.mark.parametrize("value", HUGE)
def test_huge_and_odd_numbers_are_refused_not_overflowed(user: User, admin: User, value) -> None:
    image_id = str(user.upload_ok(photo_bytes("chelsea"), "c.png")["id"])
    probes = [
        user.http.get("/images", params={"page": value}),
        user.http.get("/images", params={"limit": value}),
        admin.http.get("/admin/images", params={"page": value}),
        admin.http.get("/admin/storage/objects", params={"limit": value}),
        admin.http.get("/auth/users", params={"page": value}),
        admin.http.get("/auth/users", params={"limit": value}),
        user.http.get(f"/images/{image_id}/content", params={"w": value, "format": "png"}),
        user.http.get(f"/images/{image_id}/content", params={"q": value, "format": "webp"}),
    ]
    for response in probes:
        assert_clean_refusal(response, 200, 202, 400, 422)
    for spec in (
        {"operations": [{"op": "resize", "width": value}]},
        {"operations": [{"op": "rotate", "angle": value}]},
        {"operations": [{"op": "blur", "sigma": value}]},
        {"operations": [], "output": {"quality": value}},
    ):
        assert_clean_refusal(user.transform(image_id, spec), 200, 202, 422)
