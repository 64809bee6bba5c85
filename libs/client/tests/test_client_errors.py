"""Error answers become typed exceptions carrying the platform's ErrorResponse."""

import httpx
import pytest

from imageplatform import Client, NotFound, RateLimited, ValidationFailed
from imageplatform.live import event_about


def _platform(request: httpx.Request) -> httpx.Response:
    if request.url.path == "/images/missing":
        body = {"error": {"code": "not_found", "message": "No such image", "request_id": "r1"}}
        return httpx.Response(404, json=body)
    if request.url.path == "/images":
        details = [{"field": "format", "message": "unknown query parameter"}]
        body = {"error": {"code": "unknown_parameter", "message": "Unknown", "details": details}}
        return httpx.Response(422, json=body)
    body = {"error": {"code": "rate_limited", "message": "Slow down"}}
    return httpx.Response(429, json=body, headers={"Retry-After": "3"})


def test_error_answers_are_typed() -> None:
    client = Client("http://platform.test", token="t", transport=httpx.MockTransport(_platform))
    with pytest.raises(NotFound) as missing:
        client.get_image("missing")
    assert missing.value.code == "not_found" and missing.value.request_id == "r1"
    with pytest.raises(ValidationFailed) as invalid:
        client.list_images()
    assert invalid.value.details[0]["field"] == "format"
    with pytest.raises(RateLimited) as limited:
        client.me()
    assert limited.value.retry_after == 3.0


def test_live_messages_are_matched_to_their_transformation() -> None:
    done = '{"type":"TransformSucceeded","id":"e1","data":{"id":"t1","status":"succeeded"}}'
    assert event_about(done, "t1") == "TransformSucceeded"
    assert event_about(done, "t2") is None
    assert event_about('{"type":"ping"}', "t1") is None
    assert event_about("not json", "t1") is None
    snapshot = '{"type":"TransformationStatus","id":null,"data":{"id":"t1","status":"processing"}}'
    assert event_about(snapshot, "t1") == "TransformStarted"
