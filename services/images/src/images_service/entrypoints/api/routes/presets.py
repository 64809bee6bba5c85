"""Presets: named transformations, validated exactly like POST /images/{id}/transform."""

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from images_service.entrypoints.api.deps import CurrentOwner, UowDep
from images_service.entrypoints.api.schemas import PresetPublic
from images_service.service_layer.presets import (
    delete_preset,
    get_preset,
    list_presets,
    put_preset,
)
from platform_common.openapi import error_responses
from platform_common.transform_spec import TransformSpec

router = APIRouter(prefix="/presets", tags=["presets"])
PresetName = Annotated[str, Path(max_length=64, description="a-z, 0-9, '_' and '-'")]


@router.get(
    "", operation_id="listPresets", summary="Your presets, by name", responses=error_responses(401)
)
def presets_of_owner(owner: CurrentOwner, uow: UowDep) -> dict[str, list[PresetPublic]]:
    return {"items": [PresetPublic.of(preset) for preset in list_presets(uow, owner)]}


@router.put(
    "/{name}",
    operation_id="putPreset",
    summary="Create or replace a preset (body: a transform request)",
    responses={
        201: {"model": PresetPublic, "description": "Created"},
        **error_responses(401, 422),
    },
)
def save_preset(
    name: PresetName, spec: TransformSpec, owner: CurrentOwner, uow: UowDep, response: Response
) -> PresetPublic:
    preset, created = put_preset(uow, owner, name, spec)
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return PresetPublic.of(preset)


@router.get(
    "/{name}", operation_id="getPreset", summary="One preset", responses=error_responses(401, 404)
)
def preset_details(name: PresetName, owner: CurrentOwner, uow: UowDep) -> PresetPublic:
    return PresetPublic.of(get_preset(uow, owner, name))


@router.delete(
    "/{name}",
    operation_id="deletePreset",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a preset",
    responses=error_responses(401, 404),
)
def remove_preset(name: PresetName, owner: CurrentOwner, uow: UowDep) -> None:
    delete_preset(uow, owner, name)
