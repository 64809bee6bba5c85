"""Outages of our own dependencies answer 503 with the shared error shape, not a bare 500."""

import logging

from botocore.exceptions import BotoCoreError, ClientError
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from platform_common.errors import error_response

log = logging.getLogger(__name__)
RETRY_AFTER = {"Retry-After": "5"}


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


def install_dependency_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(BotoCoreError, _storage_unavailable)
    app.add_exception_handler(ClientError, _storage_unavailable)
    app.add_exception_handler(OperationalError, _database_unavailable)
