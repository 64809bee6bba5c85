"""Waiting for a transformation: live through the gateway's WebSocket, polling when it is not
available. Only the decisions live here; the sync and async clients do the I/O."""

import json
from urllib.parse import urlencode

import httpx

FINISHED_EVENTS = frozenset({"TransformSucceeded", "TransformFailed"})
STARTED_EVENT = "TransformStarted"
SNAPSHOT = "TransformationStatus"
WORTH_A_LOOK = FINISHED_EVENTS | {STARTED_EVENT}
POLL_INTERVAL_SECONDS = 1.0
# Live, the status is still read after this long without news: a missed event costs seconds.
RECHECK_SECONDS = 5.0


def websocket_url(base_url: httpx.URL, token: str) -> str:
    scheme = "wss" if base_url.scheme == "https" else "ws"
    return str(
        base_url.copy_with(scheme=scheme, path="/ws", query=urlencode({"token": token}).encode())
    )


def event_about(raw: str | bytes, transformation_id: str) -> str | None:
    """The event type of a message about this transformation (None: another's, or a ping)."""
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(message, dict):
        return None
    data = message.get("data") or {}
    if str(data.get("id")) != transformation_id:  # every live message: the public shape
        return None
    if message.get("type") == SNAPSHOT:
        status = data.get("status")
        return STARTED_EVENT if status == "processing" else None
    return message.get("type")
