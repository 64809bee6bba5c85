"""The transform use case with in-memory stand-ins for S3 and Kafka (the pipeline is real):
idempotency, events, retries of transient failures and the dead-letter path."""

import asyncio
import dataclasses
import hashlib
import uuid
from datetime import UTC, datetime
from importlib.resources import files
from types import SimpleNamespace

import pytest

from platform_common.events import Envelope, TransformRequested
from platform_common.transform_spec import TransformSpec, variant_key
from platform_common.transform_spec.cost import JobCost
from transformer_service.domain.errors import SourceNotFound, StorageUnavailable
from transformer_service.domain.limits import Limits
from transformer_service.domain.pipeline import Job, Rendered, run_pipeline
from transformer_service.domain.variant import StoredVariant
from transformer_service.service_layer.handlers import handle_transform_requested
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


class CountingRenderer:
    def __init__(self) -> None:
        self.jobs = 0

    async def run(self, job: Job) -> Rendered:
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
    return TransformRequested(
        transformation_id=uuid.uuid4(),
        image_id=uuid.uuid4(),
        owner_id=uuid.uuid4(),
        source_key=source_key,
        source_checksum=checksum,
        variant_key=variant_key(checksum, TransformSpec.model_validate(spec), "jpeg"),
        spec=spec,
        requested_at=datetime.now(UTC),
    )


@pytest.fixture
def world(photo):
    store = MemoryStore({"originals/a.jpg": photo("rocket.jpg")})
    renderer, publisher = CountingRenderer(), RecordingPublisher()
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
    assert outcome.result_key == request.variant_key and outcome.bytes == len(
        world.store.objects[request.variant_key]
    )


async def test_a_redelivered_request_reuses_the_stored_variant(world) -> None:
    request = request_for()
    first = await handle(request, world.deps)
    data = world.store.objects[request.variant_key]
    second = await handle(request, world.deps)
    assert world.renderer.jobs == 1
    assert world.store.objects[request.variant_key] is data
    assert (second.result_key, second.width, second.bytes) == (first.result_key, 64, first.bytes)


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


async def test_an_invalid_spec_is_an_invalid_operation(world) -> None:
    request = request_for().model_copy(update={"spec": {"operations": [{"op": "explode"}]}})
    outcome = await handle(request, world.deps)
    assert outcome.error_code == "invalid_operation" and "explode" in outcome.message


async def test_an_unforeseen_error_is_reported_without_details(world) -> None:
    class BrokenRenderer:
        async def run(self, job: Job) -> Rendered:
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
    invalid = request_for().model_copy(update={"spec": {"operations": [{"op": "nope"}]}})
    assert request_cost(invalid).megapixel_ops == 0
