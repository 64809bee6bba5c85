"""Signing keys for public delivery URLs: create (the secret is shown once), list, delete."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, status

from images_service.entrypoints.api.deps import CurrentOwner, UowDep
from images_service.entrypoints.api.schemas import SigningKeyCreated, SigningKeyPublic
from images_service.service_layer.signing_keys import (
    create_signing_key,
    delete_signing_key,
    signing_keys_of,
)
from platform_common.openapi import error_responses

router = APIRouter(prefix="/delivery/keys", tags=["delivery"])


KeyId = Annotated[uuid.UUID, Path(description="The signing key's id (a UUID)")]


@router.post(
    "",
    operation_id="createSigningKey",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 409),
    summary="Create a key/salt pair for signing delivery URLs (the only time they are shown)",
)
def create_key(owner: CurrentOwner, uow: UowDep) -> SigningKeyCreated:
    return SigningKeyCreated.of(create_signing_key(uow, owner))


@router.get(
    "",
    operation_id="listSigningKeys",
    summary="Your signing keys, newest first (without their secrets)",
    responses=error_responses(401),
)
def list_keys(owner: CurrentOwner, uow: UowDep) -> dict[str, list[SigningKeyPublic]]:
    return {"items": [SigningKeyPublic.of(key) for key in signing_keys_of(uow, owner)]}


@router.delete(
    "/{key_id}",
    operation_id="deleteSigningKey",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(401, 404),
    summary="Delete a key: every URL signed with it stops working",
)
def delete_key(key_id: KeyId, owner: CurrentOwner, uow: UowDep) -> None:
    delete_signing_key(uow, owner, key_id)
