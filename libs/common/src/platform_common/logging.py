"""Structured JSON logs, one object per line, carrying the service name and request id.

Every line is JSON (uvicorn's, Faust's and the libraries' too), timestamps are ISO-8601 UTC, and
the finished line passes through `redaction.redact`, so no secret reaches the log whatever the
call site formatted into it.
"""

import logging
import sys
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter

from platform_common.redaction import redact
from platform_common.request_context import current_request_id

# uvicorn's sansio WebSocket protocol reports every refusal we answer before the handshake (401,
# 403, 429 as a denial response) with this ERROR, although the client got its answer.
_WEBSOCKET_DENIAL_NOISE = "ASGI callable returned without completing handshake"
# Faust builds its web service class with type(), so mode names that class's logger after the
# metaclass' module: "abc".
_RENAMED_LOGGERS = {"abc": "faust.web"}
# Attributes some libraries attach that must not become JSON fields (uvicorn's ANSI copy).
_DROPPED_ATTRIBUTES = ("color_message",)


class _ContextFilter(logging.Filter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.request_id = current_request_id()
        record.name = _RENAMED_LOGGERS.get(record.name, record.name)
        for attribute in _DROPPED_ATTRIBUTES:
            record.__dict__.pop(attribute, None)
        if record.levelno >= logging.ERROR and str(record.msg).startswith(_WEBSOCKET_DENIAL_NOISE):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


class RedactingJsonFormatter(JsonFormatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def json_handler(service: str) -> logging.Handler:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        RedactingJsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(request_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(_ContextFilter(service))
    return handler


def configure_logging(service: str, level: str = "INFO") -> None:
    root = logging.getLogger()
    root.handlers[:] = [json_handler(service)]
    root.setLevel(level.upper())
    # One line per request comes from access_log.py (with the route template and the user id);
    # uvicorn's own access log would repeat it with the raw path and query string.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    for noisy in ("aiokafka", "botocore", "urllib3", "httpx", "httpcore", "faust", "mode"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
