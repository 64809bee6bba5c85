"""Signing keys for public delivery URLs: create (the secret is shown once), list, delete."""

import uuid

from fastapi import APIRouter, status

from images_service.entrypoints.api.deps import CurrentOwner, UowDep
from images_service.entrypoints.api.schemas import SigningKeyCreated, SigningKeyPublic
from images_service.service_layer.signing_keys import (
    create_signing_key,
    delete_signing_key,
    signing_keys_of,
)

router = APIRouter(prefix="/delivery/keys", tags=["delivery"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a key/salt pair for signing delivery URLs (the only time they are shown)",
)
def create_key(owner: CurrentOwner, uow: UowDep) -> SigningKeyCreated:
    return SigningKeyCreated.of(create_signing_key(uow, owner))


@router.get("", summary="Your signing keys, newest first (without their secrets)")
def list_keys(owner: CurrentOwner, uow: UowDep) -> dict[str, list[SigningKeyPublic]]:
    return {"items": [SigningKeyPublic.of(key) for key in signing_keys_of(uow, owner)]}


@router.delete(
    "/{key_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a key: every URL signed with it stops working",
)
def delete_key(key_id: uuid.UUID, owner: CurrentOwner, uow: UowDep) -> None:
    delete_signing_key(uow, owner, key_id)
