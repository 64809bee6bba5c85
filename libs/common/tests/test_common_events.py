import uuid
from datetime import UTC, datetime

import pytest

from platform_common.events import Envelope, TransformFailed, TransformRequested
from platform_common.request_context import set_request_id


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
            spec={"operations": []},
            requested_at=datetime.now(UTC),
        )
    )
    assert set(envelope.model_dump()) == {"type", "version", "id", "occurred_at", "trace", "data"}


def test_unknown_event_types_are_refused():
    envelope = Envelope(type="Nope", version=1, data={})
    with pytest.raises(KeyError):
        envelope.event()
