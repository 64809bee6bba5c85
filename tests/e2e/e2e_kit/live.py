"""A WebSocket client of the gateway's live status feed (/ws), read on a background thread.

Tests open the feed BEFORE asking for work, so no event can slip by between the request and
the subscription; then they wait for the terminal event of every transformation they asked for.
"""

import json
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

TERMINAL = ("succeeded", "failed")
SNAPSHOT = "TransformationStatus"  # the current state, sent when a client (re)connects
LIVE_TYPES = frozenset({SNAPSHOT, "TransformStarted", "TransformSucceeded", "TransformFailed"})


def transform_status(message: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
    """(transformation id, status, transformation) for a live message, None for anything else
    (heartbeats). Every live message carries the transformation as the REST API shows it."""
    payload = message.get("data")
    if message.get("type") not in LIVE_TYPES or not isinstance(payload, dict):
        return None
    tid, status = payload.get("id"), payload.get("status")
    if not tid or not status:
        return None
    return str(tid), str(status), payload


class LiveFeed:
    def __init__(self, url: str, *, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.headers = headers or {}
        self.messages: list[dict[str, Any]] = []
        self.closed_reason: str | None = None
        self._changed = threading.Condition()
        self._connection: ClientConnection | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "LiveFeed":
        connection = connect(self.url, additional_headers=self.headers, open_timeout=10)
        self._connection = connection.__enter__()  # closed by close()
        self._thread = threading.Thread(target=self._read, name="live-feed", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _read(self) -> None:
        assert self._connection is not None
        try:
            for raw in self._connection:
                try:
                    message = json.loads(raw)
                except ValueError:
                    message = {"unparsed": raw}
                with self._changed:
                    self.messages.append(message if isinstance(message, dict) else {"raw": message})
                    self._changed.notify_all()
        except ConnectionClosed as exc:
            self.closed_reason = str(exc)
        finally:
            with self._changed:
                self.closed_reason = self.closed_reason or "closed"
                self._changed.notify_all()

    def statuses(self) -> dict[str, list[str]]:
        """Every status seen per transformation id, in arrival order."""
        seen: dict[str, list[str]] = {}
        with self._changed:
            for message in self.messages:
                parsed = transform_status(message)
                if parsed:
                    seen.setdefault(parsed[0], []).append(parsed[1])
        return seen

    def wait_for(self, wanted: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
        """The first message (already received or still to come) for which `wanted` is true."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((m for m in self.messages if wanted(m)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no such message within {timeout}s: {self.messages[-5:]}")
                self._changed.wait(timeout=min(left, 1.0))

    def statuses_in(self, wanted: Iterable[str]) -> set[str]:
        """The transformation ids that reached one of the `wanted` statuses."""
        return {tid for tid, seen in self.statuses().items() if set(seen) & set(wanted)}

    def terminal(self, tid: str) -> dict[str, Any] | None:
        with self._changed:
            for message in self.messages:
                parsed = transform_status(message)
                if parsed and parsed[0] == tid and parsed[1] in TERMINAL:
                    return {"status": parsed[1], **parsed[2]}
        return None

    def wait_terminal(self, tids: Iterable[str], timeout: float) -> dict[str, dict[str, Any]]:
        """The terminal event of each id; raises TimeoutError naming the ones still missing."""
        wanted = set(tids)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = {tid: event for tid in wanted if (event := self.terminal(tid))}
                if len(found) == len(wanted):
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or (self.closed_reason and not self._thread_alive()):
                    missing = sorted(wanted - set(found))
                    raise TimeoutError(
                        f"no terminal event over /ws for {missing} within {timeout}s "
                        f"(feed closed: {self.closed_reason}; {len(self.messages)} messages seen)"
                    )
                self._changed.wait(timeout=min(left, 1.0))

    def _thread_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()


def refused(url: str, headers: dict[str, str]) -> bool:
    """True when the server refuses the WebSocket: at the handshake, or by closing it at once
    with a policy code. False when it is accepted (kept open, or it sent a message)."""
    try:
        with connect(url, additional_headers=headers, open_timeout=5) as ws:
            ws.recv(timeout=3)
    except InvalidStatus as exc:
        status = exc.response.status_code
        assert status in (401, 403), f"the handshake failed with {status}, not a refusal"
        return True
    except ConnectionClosed as exc:
        return exc.rcvd is not None and exc.rcvd.code in (1008, 4001, 4003, 4401, 4403)
    except TimeoutError:
        return False
    return False
