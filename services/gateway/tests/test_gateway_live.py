"""Live status at the gateway: WebSocket and SSE clients receive their own transformations'
events from Kafka, never another user's; SSE clients resume after Last-Event-ID."""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import websockets
from httpx_sse import aconnect_sse

from platform_common.events import Envelope, TransformStarted, TransformSucceeded
from platform_common.messaging.publisher import make_producer, publish

PARTITIONS = 3
WAIT_SECONDS = 60


def succeeded(owner_id: str, image_id: uuid.UUID) -> Envelope:
    return Envelope.wrap(
        TransformSucceeded(
            transformation_id=uuid.uuid4(),
            image_id=image_id,
            owner_id=uuid.UUID(owner_id),
            format="webp",
            width=32,
            height=24,
            bytes=512,
            duration_ms=7,
        )
    )


def started(owner_id: str, image_id: uuid.UUID) -> Envelope:
    return Envelope.wrap(
        TransformStarted(
            transformation_id=uuid.uuid4(), image_id=image_id, owner_id=uuid.UUID(owner_id)
        )
    )


def wait_for_feed(metrics_url: str, partitions: int) -> None:
    """The gateway follows every partition from their end: what is published now arrives."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        metrics = httpx.get(metrics_url, timeout=5).text
        for line in metrics.splitlines():
            if (
                line.startswith("gateway_event_feed_partitions ")
                and float(line.split()[1]) >= partitions
            ):
                return
        time.sleep(0.2)
    raise AssertionError("the gateway never started following the transform events topic")


@pytest.fixture(scope="module")
def events_topic(stack: Any) -> str:
    topic = f"gateway-test.transform.events.{uuid.uuid4().hex[:8]}"
    stack.create_topics([topic], partitions=PARTITIONS)
    return topic


@pytest.fixture(scope="module")
def live_gateway(start_gateway: Any, events_topic: str) -> Any:
    gateway = start_gateway(TOPIC_TRANSFORM_EVENTS=events_topic, LIVE_HEARTBEAT_SECONDS="1")
    wait_for_feed(gateway.metrics_url, PARTITIONS)
    return gateway


@pytest.fixture
async def send_event(stack: Any, events_topic: str) -> AsyncIterator[Any]:
    producer = make_producer(stack.env()["KAFKA_BOOTSTRAP_SERVERS"])
    await producer.start()

    async def send(envelope: Envelope, key: str) -> None:
        await publish(producer, events_topic, key, envelope)

    yield send
    await producer.stop()


async def next_ws_event(ws: Any) -> dict[str, Any]:
    """The next event, past heartbeats."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), WAIT_SECONDS))
        if message["type"] != "ping":
            return message


async def test_websocket_and_sse_clients_get_only_their_own_events(
    live_gateway: Any, make_user: Any, send_event: Any
) -> None:
    alice, bob = make_user(), make_user()
    # One key for every event: one partition, so "bob's came first" is a fact, not a hope.
    key = str(uuid.uuid4())
    ws_url = live_gateway.url.replace("http://", "ws://") + f"/ws?token={alice['token']}"
    async with (
        websockets.connect(ws_url) as ws,
        httpx.AsyncClient(base_url=live_gateway.url, timeout=WAIT_SECONDS) as http,
        aconnect_sse(http, "GET", "/events", headers=bob["headers"]) as sse,
    ):
        assert sse.response.status_code == 200
        bob_events = sse.aiter_sse()
        bob_first, alice_own, bob_own = (
            succeeded(bob["id"], uuid.uuid4()),
            succeeded(alice["id"], uuid.uuid4()),
            succeeded(bob["id"], uuid.uuid4()),
        )
        for envelope in (bob_first, alice_own, bob_own):
            await send_event(envelope, key)

        received = await next_ws_event(ws)
        assert received["id"] == str(alice_own.id)  # bob's earlier event never reached alice
        assert received["type"] == "TransformSucceeded"
        assert received["data"]["id"] == alice_own.data["transformation_id"]

        for expected in (bob_first, bob_own):  # and alice's, in between, never reached bob
            event = await asyncio.wait_for(anext(bob_events), WAIT_SECONDS)
            assert (event.event, event.id) == ("TransformSucceeded", str(expected.id))
            assert json.loads(event.data)["data"]["id"] == expected.data["transformation_id"]


async def test_sse_resumes_after_last_event_id(
    live_gateway: Any, make_user: Any, send_event: Any
) -> None:
    carol = make_user()
    key = str(uuid.uuid4())
    first = started(carol["id"], uuid.uuid4())
    async with httpx.AsyncClient(base_url=live_gateway.url, timeout=WAIT_SECONDS) as http:
        async with aconnect_sse(http, "GET", "/events", headers=carol["headers"]) as sse:
            await send_event(first, key)
            seen = await asyncio.wait_for(anext(sse.aiter_sse()), WAIT_SECONDS)
            assert seen.id == str(first.id)
        # Disconnected: these happen while carol is away.
        missed = [succeeded(carol["id"], uuid.uuid4()) for _ in range(2)]
        async with aconnect_sse(http, "GET", "/events", headers=carol["headers"]) as witness:
            for envelope in missed:
                await send_event(envelope, key)
            witnessed = witness.aiter_sse()
            for envelope in missed:  # once a listener saw them, the gateway has them too
                event = await asyncio.wait_for(anext(witnessed), WAIT_SECONDS)
                assert event.id == str(envelope.id)
        headers = {**carol["headers"], "Last-Event-ID": str(first.id)}
        async with aconnect_sse(http, "GET", "/events", headers=headers) as resumed:
            events = resumed.aiter_sse()
            for envelope in missed:
                event = await asyncio.wait_for(anext(events), WAIT_SECONDS)
                assert event.id == str(envelope.id)


async def test_live_endpoints_need_a_token(live_gateway: Any) -> None:
    async with httpx.AsyncClient(base_url=live_gateway.url) as http:
        refused = await http.get("/events")
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "not_authenticated"
    ws_url = live_gateway.url.replace("http://", "ws://") + "/ws?token=not-a-token"
    with pytest.raises(websockets.InvalidStatus) as denied:
        async with websockets.connect(ws_url):
            pass
    assert denied.value.response.status_code == 401


async def _once_caught_up(http: httpx.AsyncClient, url: str, status: str) -> dict[str, Any]:
    for _ in range(100):
        shown: dict[str, Any] = (await http.get(url)).json()
        if shown["status"] == status:
            break
        await asyncio.sleep(0.05)
    return shown


async def test_a_real_transformation_is_pushed_to_its_owner(
    gateway_url: str,
    gateway_metrics_url: str,
    client: httpx.Client,
    make_user: Any,
    upload_image: Any,
) -> None:
    """The whole way: images -> Kafka -> transformer -> Kafka -> gateway -> WebSocket."""
    wait_for_feed(gateway_metrics_url, 1)
    owner = make_user()
    image = upload_image(client, owner["headers"])
    ws_url = gateway_url.replace("http://", "ws://") + "/ws"
    async with (
        websockets.connect(ws_url, additional_headers=owner["headers"]) as ws,
        httpx.AsyncClient(base_url=gateway_url, headers=owner["headers"], timeout=30) as http,
    ):
        spec = {"transformations": {"resize": {"width": 16}, "format": "png"}}
        accepted = await http.post(f"/images/{image['id']}/transform", json=spec)
        assert accepted.status_code == 202, accepted.text
        transformation_id = accepted.json()["id"]
        while True:
            event = await next_ws_event(ws)
            if event["data"].get("id") != transformation_id:
                continue  # an event of something else of hers
            assert event["type"] in (
                "TransformationStatus",
                "TransformStarted",
                "TransformSucceeded",
            )
            if event["type"] == "TransformSucceeded":
                break
        # The public shape, as GET answers it, with a link to the result and no internal key.
        # GET reads images' copy, written by its own consumer of the same event: it may trail
        # the push by a few milliseconds, so it is read until it has caught up.
        pushed = event["data"]
        shown = await _once_caught_up(http, accepted.json()["links"]["self"], pushed["status"])
        assert set(pushed) <= set(shown), set(pushed) - set(shown)
        for field in ("id", "image_id", "status", "result", "error", "links"):
            assert pushed[field] == shown[field], field
        assert pushed["status"] == "succeeded"
        assert (pushed["result"]["format"], pushed["result"]["width"]) == ("png", 16)
        assert "variants/" not in json.dumps(event) and "owner_id" not in pushed
        content = await http.get(pushed["links"]["content"])
        assert content.status_code == 200 and content.headers["content-type"] == "image/png"
