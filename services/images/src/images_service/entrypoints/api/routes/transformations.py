"""Transformation requests, their status and their results."""

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Discriminator, Tag
from starlette.concurrency import run_in_threadpool

from images_service.entrypoints.api.content import serve_variant
from images_service.entrypoints.api.deps import (
    CurrentOwner,
    SettingsDep,
    StorageDep,
    UowDep,
    VariantBytesDep,
)
from images_service.entrypoints.api.routes.images import IMAGE_BYTES, ImageId
from images_service.entrypoints.api.schemas import PresetReference, TransformationPublic
from images_service.service_layer.presets import preset_spec, valid_name
from images_service.service_layer.transformations import (
    TransformationRequest,
    get_transformation,
    ready_result,
    request_and_estimate,
    transformations_of_owner,
)
from platform_common.openapi import error_responses
from platform_common.transform_spec import TransformSpec
from platform_common.transform_spec.cost import COST_HEADER

router = APIRouter(prefix="/images/{image_id}", tags=["transformations"])
# Declared on its own router, included before /images/{image_id}, which would otherwise claim
# "transformations" as an image id.
listing_router = APIRouter(prefix="/images", tags=["transformations"])

TransformationId = Annotated[uuid.UUID, Path(description="The transformation's id (a UUID)")]
# Swagger's "Try it out" sends the first example as it is: each must succeed on any image.
TRANSFORM_EXAMPLES = {
    "ordered": {
        "summary": "Ordered operations: resize, then grayscale, as WebP",
        "value": {
            "operations": [{"op": "resize", "width": 800}, {"op": "grayscale"}],
            "output": {"format": "webp", "quality": 80},
        },
    },
    "object": {
        "summary": "The object form: the same request as one object",
        "value": {
            "transformations": {
                "resize": {"width": 800},
                "filters": {"grayscale": True},
                "format": "webp",
                "quality": 80,
            }
        },
    },
}


def _body_kind(value: Any) -> str:
    named = isinstance(value, PresetReference) or (isinstance(value, dict) and "preset" in value)
    return "preset" if named else "spec"


# A transform request is a spec (ordered or object form) or {"preset": name}.
TransformBody = Annotated[
    Annotated[TransformSpec, Tag("spec")] | Annotated[PresetReference, Tag("preset")],
    Discriminator(_body_kind),
    Body(openapi_examples=TRANSFORM_EXAMPLES),
]

STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "unfinished": ("pending", "processing"),
    "pending": ("pending",),
    "processing": ("processing",),
    "succeeded": ("succeeded",),
    "failed": ("failed",),
}


@listing_router.get(
    "/transformations",
    operation_id="listTransformations",
    summary="Your transformations in a status, oldest first (`unfinished` = pending or processing)",
    responses=error_responses(401),
)
def list_transformations(
    owner: CurrentOwner,
    uow: UowDep,
    status: Annotated[
        Literal["unfinished", "pending", "processing", "succeeded", "failed"],
        Query(description="Which to list; `unfinished` is pending or processing"),
    ] = "unfinished",
    limit: Annotated[int, Query(ge=1, le=500, description="At most this many, 1-500")] = 100,
) -> dict[str, list[TransformationPublic]]:
    found = transformations_of_owner(uow, owner, STATUS_FILTERS[status], limit)
    return {"items": [TransformationPublic.of(t) for t in found]}


@router.post(
    "/transform",
    operation_id="requestTransformation",
    status_code=202,
    summary="Request a variant (ordered `operations` or the `transformations` object form)",
    responses={
        200: {"model": TransformationPublic, "description": "An identical request exists"},
        202: {"model": TransformationPublic, "description": "Accepted: the work is queued"},
        **error_responses(401, 404, 422),
    },
)
async def transform_image(
    image_id: ImageId,
    body: TransformBody,
    owner: CurrentOwner,
    uow: UowDep,
    settings: SettingsDep,
) -> JSONResponse:
    if isinstance(body, PresetReference):
        spec = await run_in_threadpool(preset_spec, uow, owner, valid_name(body.preset))
    else:
        spec = body
    transformation, new_work, cost = await run_in_threadpool(
        request_and_estimate,
        uow,
        TransformationRequest(owner, image_id, spec),
        settings.topic_transform_requested,
    )
    public = TransformationPublic.of(transformation)
    headers = {"Location": public.links["self"]}
    if cost is not None:
        headers[COST_HEADER] = f"{cost.megapixel_ops:.6f}"  # for the gateway's budget
    return JSONResponse(
        public.model_dump(mode="json"), status_code=202 if new_work else 200, headers=headers
    )


@router.get(
    "/transformations/{transformation_id}",
    operation_id="getTransformation",
    summary="A transformation's status",
    responses=error_responses(401, 404),
)
def transformation_status(
    image_id: ImageId, transformation_id: TransformationId, owner: CurrentOwner, uow: UowDep
) -> TransformationPublic:
    return TransformationPublic.of(get_transformation(uow, owner, image_id, transformation_id))


@router.get(
    "/transformations/{transformation_id}/content",
    operation_id="getTransformationContent",
    summary="The result's bytes (409 while not ready)",
    response_class=Response,
    responses={
        200: {"content": IMAGE_BYTES, "description": "The result's bytes"},
        304: {"description": "Not modified (If-None-Match matched the ETag)"},
        **error_responses(
            401, 404, 409, _409="Not ready yet (or failed); the message says its status"
        ),
    },
)
async def transformation_content(
    request: Request,
    image_id: ImageId,
    transformation_id: TransformationId,
    owner: CurrentOwner,
    uow: UowDep,
    storage: StorageDep,
    settings: SettingsDep,
    variant_bytes: VariantBytesDep,
) -> Response:
    transformation = await run_in_threadpool(ready_result, uow, owner, image_id, transformation_id)
    return await serve_variant(request, storage, variant_bytes, settings, transformation)
