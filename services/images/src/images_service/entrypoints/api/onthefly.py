"""On-the-fly variants over HTTP: GET /images/{id}/content?w=&h=&fit=&format=&q=.

The query becomes a transform spec; the use case (service_layer/onthefly.py) gives fresh bytes,
a finished transformation (served from storage, small ones from memory), or one still being made
(202 with its Location).
"""

import uuid

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field, ValidationError
from starlette.concurrency import run_in_threadpool

from images_service.adapters.object_storage import ObjectStorage
from images_service.adapters.variant_bytes import VariantBytes
from images_service.config import Settings
from images_service.domain.errors import InvalidRequest
from images_service.domain.transformation import Transformation
from images_service.entrypoints.api.content import IMMUTABLE, etag_matches, serve_variant
from images_service.entrypoints.api.schemas import TransformationPublic
from images_service.service_layer.onthefly import FreshVariant, VariantRefused
from images_service.service_layer.presets import preset_spec, valid_name
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.errors import AppError
from platform_common.transform_spec import (
    OnTheFlyParams,
    TransformSpec,
    describe_errors,
)


class OnTheFlyQuery(OnTheFlyParams):
    """The on-the-fly parameters, or `preset` naming one of the caller's presets."""

    preset: str | None = Field(
        default=None, max_length=64, description="One of your presets, instead of w/h/fit/format/q"
    )


class TransformationFailed(AppError):
    status_code = 422
    code = "transformation_failed"

    def __init__(self, transformation_id: uuid.UUID, error_code: str | None, message: str) -> None:
        super().__init__(
            f"This variant could not be made: {message or 'unknown error'}",
            details={"error_code": error_code, "transformation_id": str(transformation_id)},
        )


async def spec_of(
    params: OnTheFlyQuery, uow: ImagesUnitOfWork, owner: uuid.UUID
) -> TransformSpec | None:
    """None when no variant parameter is given (the original is wanted). Only a preset reads the
    database (on the thread pool); the query's own parameters are parsed here, on the loop."""
    given = params.model_dump(exclude_none=True)
    if params.preset is not None:
        if len(given) > 1:
            raise InvalidRequest(
                "Give either preset or w/h/fit/format/q, not both",
                details=[{"field": "preset", "message": "combined with other parameters"}],
            )
        return await run_in_threadpool(preset_spec, uow, owner, valid_name(params.preset))
    try:
        return params.spec()  # parsed once, by FastAPI, into the typed parameters
    except ValidationError as exc:
        raise InvalidRequest(f"Invalid variant parameters: {describe_errors(exc)}") from exc


async def respond(
    request: Request,
    outcome: FreshVariant | VariantRefused | Transformation,
    storage: ObjectStorage,
    variant_bytes: VariantBytes,
    settings: Settings,
) -> Response:
    if isinstance(outcome, FreshVariant):
        etag = outcome.transformation.etag
        headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
        if etag_matches(request, etag):
            return Response(status_code=304, headers=headers)
        return Response(outcome.data, media_type=outcome.media_type, headers=headers)
    if isinstance(outcome, VariantRefused):
        raise TransformationFailed(outcome.transformation.id, outcome.code, outcome.message)
    transformation = outcome
    if transformation.is_ready:  # made before (the common case), or while this request waited
        return await serve_variant(request, storage, variant_bytes, settings, transformation)
    if transformation.is_finished:
        raise TransformationFailed(
            transformation.id, transformation.error_code, transformation.error_message or ""
        )
    public = TransformationPublic.of(transformation)
    return JSONResponse(
        public.model_dump(mode="json"),
        status_code=202,
        headers={"Location": public.links["self"], "Retry-After": "1"},
    )
