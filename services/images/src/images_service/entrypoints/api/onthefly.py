"""On-the-fly variants: GET /images/{id}/content?w=&h=&fit=&format=&q=.

The query becomes a transform spec; an existing variant is served at once, otherwise it is
requested (like POST /transform) and awaited for a bounded time, then served or answered with
202 and the transformation's Location.
"""

import uuid
from dataclasses import dataclass

from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field, ValidationError
from starlette.concurrency import run_in_threadpool

from images_service.adapters.object_storage import ObjectStorage
from images_service.config import Settings
from images_service.domain.errors import InvalidRequest
from images_service.domain.transformation import Transformation
from images_service.entrypoints.api.content import serve_object
from images_service.entrypoints.api.schemas import TransformationPublic
from images_service.service_layer.notifications import (
    FinishedNotifications,
    wait_until_finished,
)
from images_service.service_layer.presets import preset_spec, valid_name
from images_service.service_layer.transformations import (
    TransformationRequest,
    request_transformation,
)
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.errors import AppError
from platform_common.transform_spec import (
    MEDIA_TYPES,
    OnTheFlyParams,
    TransformSpec,
    describe_errors,
    spec_from_query,
)


class OnTheFlyQuery(OnTheFlyParams):
    """The on-the-fly parameters, or `preset` naming one of the caller's presets."""

    preset: str | None = Field(
        default=None, max_length=64, description="One of your presets, instead of w/h/fit/format/q"
    )


@dataclass(frozen=True)
class Context:
    uow: ImagesUnitOfWork
    storage: ObjectStorage
    settings: Settings
    notifications: FinishedNotifications


class TransformationFailed(AppError):
    status_code = 422
    code = "transformation_failed"

    def __init__(self, transformation: Transformation) -> None:
        super().__init__(
            f"This variant could not be made: {transformation.error_message or 'unknown error'}",
            details={
                "error_code": transformation.error_code,
                "transformation_id": str(transformation.id),
            },
        )


def spec_of(params: OnTheFlyQuery, uow: ImagesUnitOfWork, owner: uuid.UUID) -> TransformSpec | None:
    """None when no variant parameter is given (the original is wanted)."""
    given = params.model_dump(exclude_none=True)
    if params.preset is not None:
        if len(given) > 1:
            raise InvalidRequest(
                "Give either preset or w/h/fit/format/q, not both",
                details=[{"field": "preset", "message": "combined with other parameters"}],
            )
        return preset_spec(uow, owner, valid_name(params.preset))
    try:
        return spec_from_query(given)
    except ValidationError as exc:
        raise InvalidRequest(f"Invalid variant parameters: {describe_errors(exc)}") from exc


async def serve_variant(
    request: Request, context: Context, owner: uuid.UUID, image_id: uuid.UUID, spec: TransformSpec
) -> Response:
    transformation, _new_work = await run_in_threadpool(
        request_transformation,
        context.uow,
        TransformationRequest(owner, image_id, spec),
        context.settings.topic_transform_requested,
    )
    transformation = await wait_until_finished(
        context.uow,
        context.notifications,
        transformation,
        owner,
        context.settings.onthefly_wait_seconds,
    )
    if transformation.is_ready:
        return await serve_object(
            request,
            context.storage,
            context.settings,
            key=transformation.result_key or transformation.variant_key,
            media_type=MEDIA_TYPES.get(
                transformation.result_format or "", "application/octet-stream"
            ),
            etag=transformation.etag,
        )
    if transformation.is_finished:
        raise TransformationFailed(transformation)
    location = TransformationPublic.of(transformation).links["self"]
    return JSONResponse(
        TransformationPublic.of(transformation).model_dump(mode="json"),
        status_code=202,
        headers={"Location": location, "Retry-After": "1"},
    )
