"""The OpenAPI conventions every route follows, in one place.

- Every error answer is one `ErrorResponse` (the shape platform_common.errors produces).
- A route lists the errors it can answer with `error_responses(401, 404, ...)`.
- `install_openapi_conventions` adds what every operation can answer by construction (422: the
  unknown-parameter check and validation; 503: a dependency outage; 400 where a body is read:
  one that cannot be parsed) and drops FastAPI's
  `{"detail": [...]}` 422 schema, which no service ever sends.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

ERROR_SCHEMA_REF = "#/components/schemas/ErrorResponse"


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable, machine-readable: `not_found`, `validation_error`...")
    message: str = Field(description="What went wrong and what to do, for a person to read")
    request_id: str | None = Field(
        default=None, description="Also in the `X-Request-ID` header; quote it when reporting"
    )
    details: Any = Field(
        default=None,
        description="Optional specifics; for 422, a list of `{field, message}` per bad input",
    )


class ErrorResponse(BaseModel):
    """Every 4xx and 5xx answer of the platform."""

    error: ErrorDetail


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "The body could not be parsed, or the request conflicts with the current state",
    401: "Missing, expired or invalid token",
    403: "Authenticated, but not allowed (an admin-only operation)",
    404: "No such resource, or not yours",
    408: "The request body arrived too slowly",
    409: "Not in a state that allows this yet (the message says which)",
    410: "Expired",
    413: "The body is larger than allowed",
    415: "Not an accepted media type",
    422: "Invalid input: `error.details` names each bad field or unknown parameter",
    429: "Too many requests; see `Retry-After`",
    503: "A dependency is unavailable; try again after `Retry-After` seconds",
    504: "An upstream service did not answer in time",
}
# Every operation can answer these, whatever it does (see the module docstring).
ALWAYS_POSSIBLE = (422, 503)


def error_responses(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """`responses=error_responses(401, 404)`; `descriptions` override by status: `_404="..."`."""
    return {
        status: {
            "model": ErrorResponse,
            "description": descriptions.get(f"_{status}", ERROR_DESCRIPTIONS[status]),
        }
        for status in statuses
    }


def error_response_object(status: int) -> dict[str, Any]:
    """The OpenAPI response object for an error status (for documents built by hand)."""
    return {
        "description": ERROR_DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}},
    }


def add_errors_to_every_operation(document: dict[str, Any], statuses: tuple[int, ...]) -> None:
    for item in document.get("paths", {}).values():
        for method, operation in item.items():
            if method in {"get", "put", "post", "delete", "patch"}:
                responses = operation.setdefault("responses", {})
                for status in statuses:
                    responses.setdefault(str(status), error_response_object(status))


def _conventional_document(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorResponse"] = ErrorResponse.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    schemas.update(schemas["ErrorResponse"].pop("$defs", {}))
    for item in document.get("paths", {}).values():
        for operation in item.values():
            responses = operation.get("responses", {})
            if "HTTPValidationError" in str(responses.get("422", "")):
                responses["422"] = error_response_object(422)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    add_errors_to_every_operation(document, ALWAYS_POSSIBLE)
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if "requestBody" in operation:  # a body that is not even parseable is a 400
                operation["responses"].setdefault("400", error_response_object(400))
    return document


def install_openapi_conventions(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _conventional_document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
