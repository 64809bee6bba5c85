"""The transform use case with in-memory stand-ins for S3 and Kafka (the pipeline is real):
idempotency, events, retries of transient failures and the dead-letter path."""

import asyncio
import dataclasses
import hashlib
import json
import uuid
from datetime import UTC, datetime
from importlib.resources import files
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from platform_common.events import Envelope, TransformRequested
from platform_common.transform_spec import TransformSpec, variant_key
from platform_common.transform_spec.cost import JobCost
from transformer_service.domain.errors import SourceNotFound, StorageUnavailable
from transformer_service.domain.limits import Limits
from transformer_service.domain.pipeline import Rendered, run_pipeline
from transformer_service.domain.render_task import RenderTask, read_sources
from transformer_service.domain.variant import StoredVariant
from transformer_service.service_layer.handlers import (
    handle_transform_requested,
    refuse_unreadable_request,
)
from transformer_service.service_layer.render_now import RenderFailed, render_now
from transformer_service.service_layer.render_registry import RenderRegistry
from transformer_service.service_layer.retry import RetryPolicy
from transformer_service.service_layer.scheduling import FairScheduler, request_cost
from transformer_service.service_layer.variants import Dependencies

SPEC = {"operations": [{"op": "resize", "width": 64}], "output": {"format": "webp"}}


class MemoryStore:
    def __init__(self, objects: dict[str, bytes], outages: int = 0) -> None:
        self.objects = objects
        self.variants: dict[str, StoredVariant] = {}
        self.outages = outages  # the next N calls fail as if S3 were down

    def _maybe_down(self) -> None:
        if self.outages:
            self.outages -= 1
            raise StorageUnavailable("object storage is unavailable: EndpointConnectionError")

    async def get(self, key: str) -> bytes:
        self._maybe_down()
        if key not in self.objects:
            raise SourceNotFound(f"the source object {key} does not exist")
        return self.objects[key]

    async def variant(self, key: str) -> StoredVariant | None:
        self._maybe_down()
        return self.variants.get(key)

    async def put_variant(self, key: str, data: bytes, media_type: str, variant) -> None:
        self._maybe_down()
        self.objects[key], self.variants[key] = data, variant

    def read(self, key: str) -> bytes:
        """As a pool process reads its sources (blocking, in that process)."""
        self._maybe_down()
        if key not in self.objects:
            raise SourceNotFound(f"the source object {key} does not exist")
        return self.objects[key]


class CountingRenderer:
    """The pool's contract: reads the task's sources itself, then runs the pipeline."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.jobs = 0

    async def render(self, task: RenderTask) -> Rendered:
        job = read_sources(task, self.store.read)
        self.jobs += 1
        return run_pipeline(job)


class RecordingPublisher:
    def __init__(self) -> None:
        self.events: list[tuple[str, Envelope]] = []
        self.dead: list[tuple[str, Envelope]] = []

    async def status(self, key: str, envelope: Envelope) -> None:
        self.events.append((key, envelope))

    async def dead_letter(self, key: str, envelope: Envelope) -> None:
        self.dead.append((key, envelope))

    def types(self) -> list[str]:
        return [envelope.type for _, envelope in self.events]


ROCKET_SHA256 = hashlib.sha256((files("skimage") / "data" / "rocket.jpg").read_bytes()).hexdigest()


def request_for(
    source_key: str = "originals/a.jpg", spec: dict = SPEC, checksum: str | None = None
) -> TransformRequested:
    checksum = checksum or ROCKET_SHA256
    typed = TransformSpec.model_validate(spec)
    return TransformRequested(
        transformation_id=uuid.uuid4(),
        image_id=uuid.uuid4(),
        owner_id=uuid.uuid4(),
        source_key=source_key,
        source_checksum=checksum,
        variant_key=variant_key(checksum, typed, "jpeg"),
        spec=typed,
        output_format=typed.resolve_format("jpeg"),
        requested_at=datetime.now(UTC),
    )


@pytest.fixture
def world(photo):
    store = MemoryStore({"originals/a.jpg": photo("rocket.jpg")})
    renderer, publisher = CountingRenderer(store), RecordingPublisher()
    deps = Dependencies(store, renderer, publisher, Limits(), RetryPolicy(3, 0.001, 0.01))
    return SimpleNamespace(store=store, renderer=renderer, publisher=publisher, deps=deps)


async def handle(request: TransformRequested, deps: Dependencies):
    envelope = Envelope.wrap(request, {"request_id": "req-1"})
    return await handle_transform_requested(envelope, request, deps)


async def test_success_stores_the_variant_and_emits_started_then_succeeded(world) -> None:
    request = request_for()
    outcome = await handle(request, world.deps)
    assert world.publisher.types() == ["TransformStarted", "TransformSucceeded"]
    assert all(key == str(request.image_id) for key, _ in world.publisher.events)
    assert world.publisher.events[1][1].trace == {"request_id": "req-1"}
    assert (outcome.format, outcome.width, outcome.height) == ("webp", 64, 42)
    assert outcome.bytes == len(world.store.objects[request.variant_key])


async def test_a_redelivered_request_reuses_the_stored_variant(world) -> None:
    request = request_for()
    first = await handle(request, world.deps)
    data = world.store.objects[request.variant_key]
    second = await handle(request, world.deps)
    assert world.renderer.jobs == 1
    assert world.store.objects[request.variant_key] is data
    assert (second.format, second.width, second.bytes) == (first.format, 64, first.bytes)


async def test_storage_outages_are_retried(world) -> None:
    world.store.outages = 2
    outcome = await handle(request_for(), world.deps)
    assert outcome.type == "TransformSucceeded" and not world.publisher.dead


async def test_a_long_outage_fails_retryable_and_is_dead_lettered(world) -> None:
    world.store.outages = 100
    outcome = await handle(request_for(), world.deps)
    assert (outcome.error_code, outcome.retryable) == ("storage_unavailable", True)
    dead = world.publisher.dead[0][1]
    assert dead.type == "TransformDeadLettered" and dead.data["attempts"] == 3
    assert world.store.outages == 97  # three attempts, no more


async def test_a_permanent_failure_fails_at_once_with_the_reason(world) -> None:
    spec = {"operations": [{"op": "crop", "x": 0, "y": 0, "width": 5000, "height": 10}]}
    request = request_for(spec=spec)
    outcome = await handle(request, world.deps)
    assert world.publisher.types() == ["TransformStarted", "TransformFailed"]
    assert (outcome.error_code, outcome.retryable) == ("invalid_operation", False)
    assert "outside the 640x427 image" in outcome.message
    dead = world.publisher.dead[0][1]
    assert dead.data["attempts"] == 1
    assert dead.data["request"]["data"]["transformation_id"] == str(request.transformation_id)


async def test_a_missing_source_is_permanent(world) -> None:
    outcome = await handle(request_for(source_key="originals/gone.jpg"), world.deps)
    assert (outcome.error_code, outcome.retryable) == ("source_not_found", False)
    assert world.renderer.jobs == 0


async def test_a_spec_this_release_cannot_read_fails_and_its_requester_is_told(world) -> None:
    # Validated once, by the producer: a spec the transformer cannot read (an operation of a
    # newer release) is refused as the envelope is read, never re-validated later from a dict.
    request = request_for()
    data = {**request.model_dump(mode="json"), "spec": {"operations": [{"op": "explode"}]}}
    envelope = Envelope(type=request.type, version=request.version, data=data)
    with pytest.raises(ValidationError) as unreadable:
        envelope.event()
    outcome = await refuse_unreadable_request(envelope, unreadable.value, world.deps)
    assert outcome is not None and outcome.transformation_id == request.transformation_id
    assert outcome.error_code == "invalid_operation" and "explode" in outcome.message
    assert world.publisher.types() == ["TransformFailed"] and world.renderer.jobs == 0
    assert world.publisher.dead[0][1].data["request"]["data"]["spec"] == data["spec"]


async def test_a_request_without_ids_is_left_to_the_raw_dead_letter(world) -> None:
    envelope = Envelope(type="TransformRequested", version=2, data={"spec": {}})
    with pytest.raises(ValidationError) as unreadable:
        envelope.event()
    assert await refuse_unreadable_request(envelope, unreadable.value, world.deps) is None
    assert not world.publisher.events and not world.publisher.dead


async def test_an_unforeseen_error_is_reported_without_details(world) -> None:
    class BrokenRenderer:
        async def render(self, task: RenderTask) -> Rendered:
            raise RuntimeError("secret internal detail")

    deps = Dependencies(world.store, BrokenRenderer(), world.publisher, Limits(), RetryPolicy())
    outcome = await handle(request_for(), deps)
    assert outcome.error_code == "internal_error" and "secret" not in outcome.message
    assert world.publisher.dead


async def test_a_source_that_is_not_the_verified_upload_is_never_rendered(world, photo) -> None:
    # The bytes behind the key changed after they were checked (the checksum is the upload's):
    # rendering them would put someone else's picture at a shared content address.
    world.store.objects["originals/a.jpg"] = photo("coffee.png")
    request = request_for()
    outcome = await handle(request, world.deps)
    assert (outcome.error_code, outcome.retryable) == ("source_checksum_mismatch", False)
    assert world.renderer.jobs == 0
    assert request.variant_key not in world.store.objects


def _as_version_1(request: TransformRequested) -> bytes:
    """The request as the previous release of images wrote it: the spec as a plain dict and no
    output format (the transformer read it back out of the variant key's extension)."""
    data = request.model_dump(mode="json")
    del data["output_format"]
    old = Envelope(type=request.type, version=2, data=data).model_dump(mode="json")
    return json.dumps({**old, "version": 1}).encode()


@pytest.mark.parametrize(
    "spec",
    [SPEC, {"operations": [{"op": "resize", "width": 64}]}],  # the second keeps the source's
    ids=["explicit format", "source format"],
)
async def test_a_version_1_request_is_accepted_and_handled_the_same(world, spec) -> None:
    """A rolling deploy: images still on the previous release while the transformer is new."""
    current = request_for(spec=spec)
    envelope = Envelope.from_bytes(_as_version_1(current))
    upgraded = envelope.event()
    assert upgraded == current
    old_outcome = await handle_transform_requested(envelope, upgraded, world.deps)
    old_bytes = world.store.objects.pop(current.variant_key)
    world.store.variants.clear()
    # The same request in a fresh process (one process handles a request once, and remembers
    # the variants it has just stored).
    fresh = dataclasses.replace(world.deps, registry=RenderRegistry())
    new_outcome = await handle(current, fresh)
    assert world.renderer.jobs == 2
    assert old_outcome.model_dump(exclude={"duration_ms"}) == new_outcome.model_dump(
        exclude={"duration_ms"}
    )
    assert world.store.objects[current.variant_key] == old_bytes
    assert new_outcome.format == current.output_format == spec_format(spec)


def spec_format(spec: dict) -> str:
    return TransformSpec.model_validate(spec).resolve_format("jpeg")


async def test_on_the_fly_and_its_kafka_copy_render_once_and_end_as_the_async_path(world) -> None:
    request = request_for()
    envelope = Envelope.wrap(request, {"request_id": "req-1"})
    rendered, kafka_copy = await asyncio.gather(
        render_now(envelope, request, world.deps), handle(request, world.deps)
    )
    assert world.renderer.jobs == 1
    assert rendered.data == world.store.objects[request.variant_key]
    assert (rendered.format, rendered.width) == ("webp", 64)
    assert kafka_copy.type == "TransformSucceeded"
    await asyncio.sleep(0.05)  # the on-the-fly handler's S3 write and events follow the bytes
    # The Kafka copy waited for the on-the-fly handling of the same request: no second events.
    assert world.publisher.types() == ["TransformStarted", "TransformSucceeded"]


async def test_the_kafka_copy_of_an_answered_request_publishes_nothing_more(world) -> None:
    request = request_for()
    await render_now(Envelope.wrap(request, {}), request, world.deps)
    await asyncio.sleep(0.05)
    published = len(world.publisher.events)
    outcome = await handle(request, world.deps)
    assert outcome.type == "TransformSucceeded" and world.renderer.jobs == 1
    assert len(world.publisher.events) == published


async def test_on_the_fly_a_variant_that_cannot_be_made_says_why(world) -> None:
    spec = {"operations": [{"op": "crop", "x": 0, "y": 0, "width": 5000, "height": 10}]}
    request = request_for(spec=spec)
    with pytest.raises(RenderFailed) as failed:
        await render_now(Envelope.wrap(request, {}), request, world.deps)
    assert (failed.value.code, failed.value.retryable) == ("invalid_operation", False)
    await asyncio.sleep(0.05)
    assert world.publisher.types() == ["TransformStarted", "TransformFailed"]


async def test_started_is_published_once_the_job_has_its_fair_slot(world) -> None:
    scheduler = FairScheduler(slots=1, heavy_slots=1, heavy_cost=150)
    deps = dataclasses.replace(world.deps, scheduler=scheduler)
    request = request_for()
    async with scheduler.slot("someone else", JobCost(10)):
        waiting = asyncio.create_task(handle(request, deps))
        await asyncio.sleep(0)
        assert scheduler.waiting == 1
        assert world.publisher.types() == [], "queued, not started"
    await waiting
    assert world.publisher.types() == ["TransformStarted", "TransformSucceeded"]
    assert scheduler.running == 0


def test_a_requests_cost_uses_its_sources_size() -> None:
    small = request_for().model_copy(update={"source_width": 640, "source_height": 427})
    large = small.model_copy(update={"source_width": 8000, "source_height": 6000})
    assert request_cost(large).megapixel_ops > 50 * request_cost(small).megapixel_ops
    unknown = request_for()  # an older producer: a typical photo is assumed
    assert request_cost(small).megapixel_ops < request_cost(unknown).megapixel_ops
