"""An account's delivery signing keys: created on demand (secret shown once), listed, deleted."""

import uuid
from collections.abc import Sequence

from images_service.domain.delivery import SigningKey
from images_service.domain.errors import SigningKeyNotFound, TooManySigningKeys
from images_service.service_layer.images import utcnow
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.delivery import SigningPair, new_secret_hex

MAX_KEYS_PER_ACCOUNT = 10


def create_signing_key(uow: ImagesUnitOfWork, owner_id: uuid.UUID) -> SigningKey:
    with uow:
        if len(uow.signing_keys.of_owner(owner_id)) >= MAX_KEYS_PER_ACCOUNT:
            raise TooManySigningKeys(MAX_KEYS_PER_ACCOUNT)
        key = SigningKey(uuid.uuid4(), owner_id, new_secret_hex(), new_secret_hex(), utcnow())
        uow.signing_keys.add(key)
        uow.commit()
        return key


def signing_keys_of(uow: ImagesUnitOfWork, owner_id: uuid.UUID) -> Sequence[SigningKey]:
    with uow:
        return uow.signing_keys.of_owner(owner_id)


def delete_signing_key(uow: ImagesUnitOfWork, owner_id: uuid.UUID, key_id: uuid.UUID) -> None:
    with uow:
        key = uow.signing_keys.get_owned(key_id, owner_id)
        if key is None:
            raise SigningKeyNotFound()
        uow.signing_keys.delete(key)
        uow.commit()


def as_pair(key: SigningKey) -> SigningPair:
    return SigningPair.from_hex(str(key.id), key.key, key.salt)


def signing_pair_for(uow: ImagesUnitOfWork, owner_id: uuid.UUID) -> SigningPair:
    """The pair the platform signs an owner's URLs with: the newest, or a new one if none."""
    keys = signing_keys_of(uow, owner_id)
    return as_pair(keys[0] if keys else create_signing_key(uow, owner_id))
