"""The gateway's in-process parts: live fan-out, variant cache, rate limiter, edge auth."""

import asyncio
import json
import uuid

import pytest

from gateway_service.adapters.rate_limiter import RateLimiter
from gateway_service.adapters.variant_cache import CachedVariant, VariantCache
from gateway_service.domain.live import live_message_from, status_snapshot
from gateway_service.domain.rate_policy import LimitCategory
from gateway_service.service_layer.edge_auth import EdgeAuthenticator
from gateway_service.service_layer.live_hub import LiveHub
from platform_common.errors import Unauthorized
from platform_common.events import Envelope, TransformSucceeded, UserDeleted
from platform_common.security.dependencies import token_from_headers
from platform_common.security.tokens import TokenVerifier, issue_token
from platform_common.settings import BaseServiceSettings
from platform_common.transformation_shape import TransformationUpdate


def succeeded(owner: str) -> Envelope:
    return Envelope.wrap(
        TransformSucceeded(
            transformation_id=uuid.uuid4(),
            image_id=uuid.uuid4(),
            owner_id=uuid.UUID(owner),
            format="webp",
            width=10,
            height=10,
            bytes=100,
            duration_ms=5,
        )
    )


def test_only_transform_events_with_an_owner_become_live_messages():
    owner = str(uuid.uuid4())
    message = live_message_from(succeeded(owner))
    assert message is not None and message.owner_id == owner
    assert message.type == "TransformSucceeded"
    assert live_message_from(Envelope.wrap(UserDeleted(user_id=uuid.uuid4()))) is None


def test_live_messages_carry_the_public_transformation_never_internal_facts():
    owner = str(uuid.uuid4())
    envelope = succeeded(owner)
    message = live_message_from(envelope)
    assert message is not None
    data = json.loads(message.json)["data"]
    tid, image = envelope.data["transformation_id"], envelope.data["image_id"]
    base = f"/images/{image}/transformations/{tid}"
    assert data == {
        "id": tid,
        "image_id": image,
        "status": "succeeded",
        "result": {"format": "webp", "width": 10, "height": 10, "bytes": 100},
        "error": None,
        "updated_at": data["updated_at"],
        "links": {"self": base, "content": f"{base}/content", "image": f"/images/{image}"},
    }
    assert "owner_id" not in message.json and "variants/" not in message.json


def test_a_snapshot_has_the_same_shape_as_a_pushed_event():
    owner = str(uuid.uuid4())
    pushed = json.loads(live_message_from(succeeded(owner)).json)["data"]  # type: ignore[union-attr]
    # As images answers GET /images/transformations: the REST shape, with more fields.
    rest = {**pushed, "status": "processing", "result": None, "spec": {}, "etag": '"e"'}
    snapshot = json.loads(status_snapshot(owner, TransformationUpdate.model_validate(rest)).json)
    assert set(snapshot["data"]) == set(pushed)
    assert snapshot["data"]["links"] == pushed["links"]


async def test_each_user_receives_only_their_own_messages():
    hub = LiveHub(queue_size=8, replay_per_user=4)
    alice, bob = str(uuid.uuid4()), str(uuid.uuid4())
    with hub.subscribe(alice) as a1, hub.subscribe(alice) as a2, hub.subscribe(bob) as b:
        event = live_message_from(succeeded(alice))
        assert event is not None
        hub.publish(event)
        assert await a1.next() == event and await a2.next() == event
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(b.next(), 0.05)
    assert hub.connection_count() == 0


async def test_a_slow_connection_is_cut_off_without_holding_up_the_others():
    hub = LiveHub(queue_size=2, replay_per_user=0)
    user = str(uuid.uuid4())
    with hub.subscribe(user) as slow, hub.subscribe(user) as fast:
        for _ in range(5):
            event = live_message_from(succeeded(user))
            assert event is not None
            hub.publish(event)  # never waits, however full a queue is
            assert await fast.next() == event
        assert slow.overflowed.is_set()
        assert await slow.next() is None  # the connection's signal to close


async def test_replay_returns_what_was_missed_after_a_known_event_id():
    hub = LiveHub(queue_size=8, replay_per_user=3)
    user = str(uuid.uuid4())
    events = [live_message_from(succeeded(user)) for _ in range(4)]
    for event in events:
        assert event is not None
        hub.publish(event)
    assert hub.replay_after(user, events[1].id) == events[2:]  # type: ignore[union-attr]
    assert hub.replay_after(user, events[0].id) is None  # type: ignore[union-attr]  # evicted
    assert hub.replay_after(str(uuid.uuid4()), "anything") is None


def variant(size: int) -> CachedVariant:
    return CachedVariant([(b"etag", b'"e"')], b"x" * size, b'"e"')


def test_variant_cache_is_bounded_in_bytes_and_keyed_per_user():
    cache = VariantCache(max_bytes=10_000, max_item_bytes=4_000, ttl_seconds=60)
    for n in range(5):
        cache.put("alice", f"/images/i{n}/transformations/t/content", variant(3_000))
    assert cache.current_bytes <= 10_000
    assert cache.get("alice", "/images/i0/transformations/t/content") is None  # evicted first
    assert cache.get("alice", "/images/i4/transformations/t/content") is not None
    assert cache.get("bob", "/images/i4/transformations/t/content") is None
    cache.drop_image("i4")
    assert cache.get("alice", "/images/i4/transformations/t/content") is None


async def test_moving_window_limit_refuses_with_a_retry_time_then_isolates_identities():
    limiter = RateLimiter("memory://", {c: "3/minute" for c in LimitCategory})
    decisions = [await limiter.hit(LimitCategory.LOGIN, "addr:1.2.3.4") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    assert 0 < decisions[-1].reset_after <= 60
    assert (await limiter.hit(LimitCategory.LOGIN, "addr:5.6.7.8")).allowed
    assert (await limiter.hit(LimitCategory.READS, "addr:1.2.3.4")).allowed


SECRET = "gateway-test-signing-key-0123456789abcdef"


def token(subject: str, expires_in: int = 60, secret: str = SECRET) -> str:
    value, _ = issue_token(
        subject=subject,
        role="user",
        signing_key=secret,
        algorithm="HS256",
        issuer="image-platform-auth",
        audience="image-platform",
        expires_in_seconds=expires_in,
    )
    return value


async def test_edge_auth_reads_header_or_cookie_and_rejects_bad_tokens():
    edge = EdgeAuthenticator(TokenVerifier(BaseServiceSettings(jwt_secret=SECRET)), 10)
    good = token("user-1")
    assert token_from_headers([(b"authorization", f"Bearer {good}".encode())]) == good
    assert token_from_headers([(b"cookie", f"a=b; access_token={good}".encode())]) == good
    assert token_from_headers([(b"authorization", b"Basic xyz")]) is None
    assert (await edge.require(good)).subject == "user-1"
    assert (await edge.require(good)).subject == "user-1"  # from the cache this time
    with pytest.raises(Unauthorized):
        await edge.require(None)
    with pytest.raises(Unauthorized):
        await edge.require(token("user-1", secret="another-secret-that-is-long-enough-012345"))
    with pytest.raises(Unauthorized):
        await edge.require(token("user-1", expires_in=-5))
    assert await edge.claims_or_none("garbage") is None


def test_the_memory_storage_still_has_the_pruning_hook_we_throttle():
    # PruningMemoryStorage overrides this private method of `limits`; if an upgrade renames it,
    # the override silently stops working (pruning per hit again): fail loudly instead.
    from limits.aio.storage import MemoryStorage

    assert callable(getattr(MemoryStorage, "_MemoryStorage__schedule_expiry", None))
