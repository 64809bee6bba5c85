"""One JSON error shape for every service: {"error": {"code", "message", "request_id"}}.

Handlers turn every failure into that shape; a 500 says "internal_error" and nothing else, so no
stack trace or SQL ever reaches a client (the details go to the log with the request id).
"""

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from platform_common.request_context import (
    REQUEST_ID_HEADER,
    REQUEST_ID_SCOPE_KEY,
    current_request_id,
    set_request_id,
)

log = logging.getLogger(__name__)


class AppError(Exception):
    """An error a client can act on. Subclass per meaning or instantiate with a code."""

    status_code: int = 400
    code: str = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
        details: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status_code = status_code or self.status_code
        self.headers = headers
        self.details = details


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Unauthorized(AppError):
    status_code = 401
    code = "not_authenticated"

    def __init__(self, message: str = "Authentication required", **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(message, **kwargs)


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "request_id": current_request_id()}
    if details is not None:
        error["details"] = details
    return {"error": error}


def error_response(
    status_code: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    details: Any = None,
) -> JSONResponse:
    body = error_body(code, message, details)
    return JSONResponse(body, status_code=status_code, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    # ("body", "transformations", "resize", "width") -> "transformations.resize.width"
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or (str(loc[0]) if loc else "request")


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return error_response(exc.status_code, exc.code, exc.message, exc.headers, exc.details)


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = HTTPStatus(exc.status_code)
    code = status.phrase.lower().replace(" ", "_").replace("-", "_")
    message = exc.detail if isinstance(exc.detail, str) else status.phrase
    return error_response(exc.status_code, code, message, getattr(exc, "headers", None))


def _readable(error: dict[str, Any]) -> str:
    # pydantic prefixes messages raised by our own validators with "Value error, "; the person
    # reading the message needs only what follows.
    return str(error.get("msg", "invalid")).removeprefix("Value error, ")


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"field": _field_path(tuple(err.get("loc", ()))), "message": _readable(err)}
        for err in exc.errors()
    ]
    summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:5])
    return error_response(422, "validation_error", f"Invalid request: {summary}", details=problems)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette runs this in its outermost middleware, after the request-id middleware has
    # unwound: the id comes back from the scope, so the log line and the answer still carry it.
    request_id = request.scope.get(REQUEST_ID_SCOPE_KEY)
    set_request_id(request_id)
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    headers = {REQUEST_ID_HEADER: request_id} if request_id else None
    message = "Something went wrong on our side; try again."
    return error_response(500, "internal_error", message, headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected_error)
