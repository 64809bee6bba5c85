import json
import uuid
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from platform_common.events import Envelope, TransformFailed, TransformRequested, TransformSucceeded
from platform_common.request_context import set_request_id
from platform_common.transform_spec import TransformSpec, variant_key


def test_envelope_round_trips_and_carries_type_version_and_trace():
    set_request_id("req-1")
    event = TransformFailed(
        transformation_id=uuid.uuid4(),
        image_id=uuid.uuid4(),
        owner_id=uuid.uuid4(),
        error_code="source_corrupt",
        message="The source image is damaged",
        retryable=False,
    )
    envelope = Envelope.wrap(event)
    decoded = Envelope.from_bytes(envelope.to_bytes())
    assert decoded.type == "TransformFailed"
    assert decoded.version == 1
    assert decoded.trace == {"request_id": "req-1"}
    assert decoded.id == envelope.id
    assert decoded.event() == event
    set_request_id(None)


def test_envelope_json_has_the_documented_fields():
    envelope = Envelope.wrap(
        TransformRequested(
            transformation_id=uuid.uuid4(),
            image_id=uuid.uuid4(),
            owner_id=uuid.uuid4(),
            source_key="originals/o/i",
            source_checksum="ab" * 32,
            variant_key="variants/x.webp",
            spec=TransformSpec(),
            output_format="webp",
            requested_at=datetime.now(UTC),
        )
    )
    assert set(envelope.model_dump()) == {"type", "version", "id", "occurred_at", "trace", "data"}


def test_unknown_event_types_are_refused():
    envelope = Envelope(type="Nope", version=1, data={})
    with pytest.raises(KeyError):
        envelope.event()


def _requested(spec: TransformSpec, source_format: str) -> TransformRequested:
    checksum = "ab" * 32
    return TransformRequested(
        transformation_id=uuid.uuid4(),
        image_id=uuid.uuid4(),
        owner_id=uuid.uuid4(),
        source_key="originals/o/i",
        source_checksum=checksum,
        variant_key=variant_key(checksum, spec, source_format),
        spec=spec,
        output_format=spec.resolve_format(source_format),
        requested_at=datetime.now(UTC),
    )


def test_the_typed_spec_and_its_format_cross_the_wire_unchanged():
    spec = TransformSpec.model_validate(
        {"transformations": {"resize": {"width": 320, "fit": "cover"}, "rotate": 90, "quality": 70}}
    )
    sent = _requested(spec, "png")
    received = Envelope.from_bytes(Envelope.wrap(sent, {}).to_bytes()).event()
    assert isinstance(received, TransformRequested)
    assert isinstance(received.spec, TransformSpec)
    assert received == sent
    assert received.spec.canonical_json() == spec.canonical_json()
    # The same content address on both sides: the spec means the same after the trip.
    assert variant_key(sent.source_checksum, received.spec, "png") == sent.variant_key
    assert (received.version, received.output_format) == (2, "png")


def _v1_bytes(type_: str, data: dict) -> bytes:
    """A message exactly as the previous release wrote it."""
    envelope = {
        "type": type_,
        "version": 1,
        "id": str(uuid.uuid4()),
        "occurred_at": datetime.now(UTC).isoformat(),
        "trace": {},
        "data": data,
    }
    return json.dumps(envelope).encode()


def test_a_version_1_transform_request_is_read_as_the_current_version():
    current = _requested(TransformSpec.model_validate({"operations": ["grayscale"]}), "jpeg")
    old = current.model_dump(mode="json")
    del old["output_format"]  # v1 left the format in the variant key's extension
    old["spec"] = {"operations": ["grayscale"]}  # as a dict, in the short form v1 allowed
    envelope = Envelope.from_bytes(_v1_bytes("TransformRequested", old))
    assert envelope.version == TransformRequested.version == 2
    assert envelope.event() == current


def test_a_version_1_success_drops_the_echoed_result_key():
    ids = {"transformation_id": uuid.uuid4(), "image_id": uuid.uuid4(), "owner_id": uuid.uuid4()}
    facts = {"format": "webp", "width": 10, "height": 8, "bytes": 99, "duration_ms": 5}
    current = TransformSucceeded(**ids, **facts)
    old = {**current.model_dump(mode="json"), "result_key": "variants/abc.webp"}
    envelope = Envelope.from_bytes(_v1_bytes("TransformSucceeded", old))
    assert "result_key" not in envelope.data and envelope.version == 2
    assert envelope.event() == current


def test_a_request_without_a_valid_spec_is_refused_when_read():
    bad = _requested(TransformSpec(), "png").model_dump(mode="json")
    bad["spec"] = {"operations": [{"op": "resize", "width": -1}]}
    envelope = Envelope.from_bytes(
        Envelope(type="TransformRequested", version=2, data=bad).to_bytes()
    )
    with pytest.raises(ValidationError):
        envelope.event()
