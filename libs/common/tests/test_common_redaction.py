"""Secrets in any shape are redacted from finished log lines, and the line stays valid JSON."""

import io
import json
import logging

import pytest

from platform_common.logging import json_handler
from platform_common.redaction import REDACTED, redact

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f'127.0.0.1:5 - "WebSocket /ws?token={JWT}" 401', JWT),
        ("GET /ws?token=opaque-token-value&x=1", "opaque-token-value"),
        (f"Authorization: Bearer {JWT}", JWT),
        ("Cookie: access_token=abc.def.ghi; theme=dark", "abc.def.ghi"),
        ("PUT /images/x?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=deadbeef", "deadbeef"),
        ("PUT /images/x?X-Amz-Credential=AKIA%2F1&X-Amz-Signature=deadbeef", "AKIA%2F1"),
        ('{"username": "ann", "password": "hunter2 secret"}', "hunter2 secret"),
        ("username=ann&password=hunter2&grant_type=password", "hunter2"),
        ("GET /d/acct-1/Zm9vYmFyc2ln/rs:fit:300/plain/img@webp", "Zm9vYmFyc2ln"),
    ],
)
def test_each_shape_of_secret_is_redacted(text: str, secret: str) -> None:
    redacted = redact(text)
    assert secret not in redacted and REDACTED in redacted


def test_a_log_line_stays_json_with_iso_utc_time_and_no_ansi_copy() -> None:
    handler = json_handler("svc")
    handler.stream = io.StringIO()
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning(
            '%s - "WebSocket %s" 401',
            "127.0.0.1:1",
            f"/ws?token={JWT}",
            extra={"color_message": "\x1b[1m%s\x1b[0m"},
        )
    finally:
        logger.removeHandler(handler)
    entry = json.loads(handler.stream.getvalue())
    assert JWT not in entry["message"] and entry["service"] == "svc"
    assert entry["time"].endswith("Z") and "T" in entry["time"]
    assert "color_message" not in entry
