"""Hostile bodies through the gateway: oversized, stalled, malformed multipart, lying types. Every
answer is a clean 4xx in the one error shape (never a 5xx or a trace), and nothing is stored."""

import socket
import time
import uuid
from urllib.parse import urlsplit

import pytest
from e2e_kit.api import Gateway, User
from e2e_kit.hostile import assert_clean_refusal
from e2e_kit.photos import photo_bytes
from e2e_kit.storage import keys_under


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
