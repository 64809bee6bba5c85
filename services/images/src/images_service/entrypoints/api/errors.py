"""Errors as HTTP answers, in the shared error shape: the domain's refusals by their kind, and
outages of our own dependencies as 503 (never a bare 500)."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from images_service.domain import errors
from platform_common.errors import error_response
from platform_common.s3_client import S3Unavailable

log = logging.getLogger(__name__)
RETRY_AFTER = {"Retry-After": "5"}

# Each kind of refusal and its status; a class takes its nearest listed ancestor's.
STATUS_OF_KIND: dict[type[errors.ImagesError], int] = {
    errors.MalformedOptions: 400,
    errors.Unauthenticated: 401,
    errors.Missing: 404,
    errors.Conflicting: 409,
    errors.Expired: 410,
    errors.TooLarge: 413,
    errors.UnsupportedMedia: 415,
    errors.Invalid: 422,
    errors.OverBudget: 429,
    errors.NotReadyYet: 503,
}


def http_status(error: errors.ImagesError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_OF_KIND:
            return STATUS_OF_KIND[kind]
    return 400


def http_headers(error: errors.ImagesError) -> dict[str, str] | None:
    headers: dict[str, str] = {}
    if isinstance(error, errors.Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if error.retry_after_seconds is not None:
        headers["Retry-After"] = str(error.retry_after_seconds)
    if isinstance(error, errors.NotReadyYet):
        headers["Cache-Control"] = "no-store"  # the answer changes as soon as it is ready
    return headers or None


async def _refused(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.ImagesError)
    return error_response(http_status(exc), exc.code, exc.message, http_headers(exc), exc.details)


async def _storage_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.error("storage error on %s %s: %s", request.method, request.url.path, exc)
    return error_response(
        503, "storage_unavailable", "Image storage is unavailable; try again shortly", RETRY_AFTER
    )


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.error("database error on %s %s: %s", request.method, request.url.path, exc)
    return error_response(
        503, "database_unavailable", "The database is unavailable; try again shortly", RETRY_AFTER
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(errors.ImagesError, _refused)
    app.add_exception_handler(S3Unavailable, _storage_unavailable)
    app.add_exception_handler(OperationalError, _database_unavailable)
