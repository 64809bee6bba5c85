"""What an operator relies on: one trace across every service and Kafka hop, one access line per
request, clean JSON logs without secrets, and metrics only on the internal ports."""

import asyncio
import json
import re
import secrets
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer
from e2e_kit.api import User, transformation_id
from e2e_kit.live import LiveFeed
from e2e_kit.photos import photo_bytes
from e2e_kit.platform import PlatformControl

SERVICES = ("gateway", "auth", "images", "images-worker", "transformer")
SPEC = {"operations": [{"op": "resize", "width": 64}], "output": {"format": "webp"}}
WAIT_SECONDS = 60


def _traceparent() -> tuple[str, str, str]:
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    return f"00-{trace_id}-{span_id}-01", trace_id, span_id


def _spans(platform: PlatformControl, trace_id: str) -> list[dict[str, Any]]:
    found = []
    for name in SERVICES:
        path = platform.platform.span_file(name)
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            span = json.loads(line)
            if span["context"]["trace_id"] == f"0x{trace_id}":
                found.append({**span, "service": name})
    return found


def _wait_for_spans(platform: PlatformControl, trace_id: str, wanted: set[tuple[str, str]]):
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        spans = _spans(platform, trace_id)
        have = {(s["service"], s["name"]) for s in spans}
        if wanted <= have or time.monotonic() > deadline:
            return spans, have
        time.sleep(0.2)


async def _request_headers(bootstrap: str, topic: str, tid: str) -> dict[str, bytes]:
    """The Kafka headers of the TransformRequested for `tid`, read back from the topic."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    if tid.encode() in record.value:
                        return {k: v for k, v in record.headers}
    finally:
        await consumer.stop()
    raise AssertionError(f"no TransformRequested for {tid} on {topic}")


def test_one_trace_covers_upload_transform_event_and_live_push(
    platform: PlatformControl, user: User
) -> None:
    traceparent, trace_id, client_span = _traceparent()
    traced = {"traceparent": traceparent}
    with user.live() as live:
        upload = user.http.post(
            "/images",
            files={"file": ("coffee.png", photo_bytes("coffee"), "image/png")},
            headers=traced,
        )
        assert upload.status_code == 201, upload.text
        image_id = upload.json()["id"]
        response = user.http.post(f"/images/{image_id}/transform", json=SPEC, headers=traced)
        assert response.status_code == 202, response.text
        tid = transformation_id(response.json())
        live.wait_terminal([tid], timeout=WAIT_SECONDS)

    wanted = {
        ("gateway", "POST /images"),
        ("images", "POST /images"),
        ("gateway", "POST /images/{image_id}/transform"),
        ("images", "POST /images/{image_id}/transform"),
        ("transformer", "images.transform.requested process"),
        ("images-worker", "images.transform.events process"),
        ("gateway", "live push"),
    }
    spans, have = _wait_for_spans(platform, trace_id, wanted)
    assert wanted <= have, f"missing {wanted - have}"
    # Linked, not just sharing an id: every span's parent is the client's or another of ours.
    ids = {s["context"]["span_id"] for s in spans} | {f"0x{client_span}"}
    assert all(s["parent_id"] in ids for s in spans), [
        (s["service"], s["name"], s["parent_id"]) for s in spans if s["parent_id"] not in ids
    ]
    by_id = {s["context"]["span_id"]: s for s in spans}

    def ancestors(service: str, name: str) -> list[tuple[str, str]]:
        span = next(s for s in spans if (s["service"], s["name"]) == (service, name))
        chain = []
        while (span := by_id.get(span["parent_id"])) is not None:
            chain.append((span["service"], span["name"]))
        return chain

    # The images request is the child of the gateway's; the transformer continues the request
    # that wrote the outbox row; the live push continues the transformer's work.
    transform = "POST /images/{image_id}/transform"
    assert ancestors("images", transform)[0] == ("gateway", transform)
    assert ("images", transform) in ancestors("transformer", "images.transform.requested process")
    assert ancestors("gateway", "live push")[0] == (
        "transformer",
        "images.transform.requested process",
    )
    assert ("transformer", "images.transform.requested process") in ancestors(
        "images-worker", "images.transform.events process"
    )
    # W3C trace context travels in the Kafka headers, next to the request id.
    headers = asyncio.run(
        _request_headers(
            platform.stack.env()["KAFKA_BOOTSTRAP_SERVERS"], "images.transform.requested", tid
        )
    )
    assert trace_id in headers["traceparent"].decode()
    assert headers["X-Request-ID"]


def _log_lines(platform: PlatformControl) -> dict[str, list[str]]:
    lines = {}
    for name in SERVICES:
        path: Path = platform.platform.services[name].log_path
        lines[name] = [
            line
            for line in path.read_text(errors="replace").splitlines()
            if line.strip() and not line.startswith("=== ")  # devstack's own start markers
        ]
    return lines


def _secret_exercise(user: User, platform: PlatformControl) -> list[str]:
    """Requests that put each kind of secret on the wire; returns the secrets to look for."""
    gateway = user.gateway
    # A token in the query string of the WebSocket handshake, and a refused one.
    with LiveFeed(f"{gateway.ws_url}?token={user.account.token}"):
        pass
    bogus = f"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ{secrets.token_hex(8)}.c2lnbmF0dXJl"
    with pytest.raises(Exception):
        LiveFeed(f"{gateway.ws_url}?token={bogus}").__enter__()
    # A cookie-authenticated request, a failed login with a password, a presigned upload.
    login = gateway.login(user.account.username, user.account.password)
    cookie = login.cookies.get("access_token")
    assert cookie
    httpx.get(f"{gateway.base_url}/images", cookies={"access_token": cookie}, timeout=10)
    wrong_password = f"wrong-{secrets.token_hex(6)}"
    assert gateway.login(user.account.username, wrong_password).status_code == 401
    data = photo_bytes("coffee")
    ticket = user.http.post(
        "/images/uploads",
        json={"filename": "c.png", "content_type": "image/png", "size_bytes": len(data)},
    )
    assert ticket.status_code == 201, ticket.text
    upload_url = ticket.json()["upload_url"]
    put = httpx.put(upload_url, content=data, headers=ticket.json()["headers"], timeout=30)
    assert put.status_code == 200, put.text
    signature = re.search(r"X-Amz-Signature=([0-9a-f]+)", upload_url)
    assert signature
    return [
        user.account.token,
        bogus,
        cookie,
        user.account.password,
        wrong_password,
        signature.group(1),
    ]


# Shapes of secrets, whoever's they are: a JWT, a presigned signature, a token parameter.
SECRET_SHAPES = [
    re.compile(r"eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    re.compile(r"X-Amz-(Signature|Credential)=(?!\[REDACTED\])"),
    re.compile(r"[?&]token=(?!\[REDACTED\])"),
    re.compile(r"(?i)\"password\": \"(?!\[REDACTED\])"),
]


def test_no_secret_reaches_any_log(platform: PlatformControl, user: User) -> None:
    wanted = _secret_exercise(user, platform)
    time.sleep(0.5)  # the services flush their lines; an absence cannot be polled for
    leaks = []
    for name, lines in _log_lines(platform).items():
        for number, line in enumerate(lines, 1):
            for secret in wanted:
                if secret in line:
                    leaks.append((name, number, "exact secret", line[:300]))
            for shape in SECRET_SHAPES:
                if shape.search(line):
                    leaks.append((name, number, shape.pattern, line[:300]))
    assert not leaks, leaks[:10]


def test_every_log_line_is_clean_json(platform: PlatformControl, user: User) -> None:
    refused = f"{user.gateway.ws_url}?token=not-a-token"
    with pytest.raises(Exception):
        LiveFeed(refused).__enter__()
    iso_utc = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
    problems = []
    for name, lines in _log_lines(platform).items():
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:
                problems.append((name, "not JSON", line[:200]))
                continue
            if not iso_utc.match(str(entry.get("time"))):
                problems.append((name, "time", entry.get("time")))
            if "color_message" in entry or "\x1b[" in line:
                problems.append((name, "ANSI", line[:200]))
            if entry.get("logger") in ("abc", None, ""):
                problems.append((name, "logger", line[:200]))
            if entry.get("level") == "ERROR" and "handshake" in str(entry.get("message")):
                problems.append((name, "refusal logged as an error", line[:200]))
    assert not problems, problems[:10]


def test_one_access_line_per_request(platform: PlatformControl, user: User) -> None:
    image = user.upload_ok(photo_bytes("coffee"), "coffee.png")
    request_id = uuid.uuid4().hex
    response = user.http.get(f"/images/{image['id']}", headers={"X-Request-ID": request_id})
    assert response.status_code == 200
    deadline = time.monotonic() + 10
    while True:
        found = {
            name: [
                json.loads(line)
                for line in lines
                if request_id in line and '"logger": "access"' in line
            ]
            for name, lines in _log_lines(platform).items()
        }
        if (found["gateway"] and found["images"]) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for name in ("gateway", "images"):
        assert len(found[name]) == 1, (name, found[name])
        entry = found[name][0]
        assert entry["method"] == "GET" and entry["route"] == "/images/{image_id}", entry
        assert entry["status"] == 200 and entry["user_id"] == user.id, entry
        assert entry["request_id"] == request_id and entry["duration_ms"] >= 0, entry
        assert image["id"] not in json.dumps(entry)  # ids stay out of the route


def test_metrics_are_not_served_on_the_public_edge(platform: PlatformControl) -> None:
    public = httpx.get(f"{platform.gateway_url}/metrics", timeout=10)
    assert public.status_code == 404
    internal = httpx.get(platform.platform.metrics_url("gateway"), timeout=10)
    assert internal.status_code == 200 and "http_requests_total" in internal.text
