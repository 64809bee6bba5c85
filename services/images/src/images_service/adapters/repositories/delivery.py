"""Querying signing keys and presets."""

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from images_service.adapters.orm import presets, signing_keys
from images_service.domain.delivery import Preset, SigningKey


class SigningKeyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, key: SigningKey) -> None:
        self.session.add(key)

    def of_owner(self, owner_id: uuid.UUID) -> Sequence[SigningKey]:
        """Newest first: the first is the one the platform signs owners' URLs with."""
        return self.session.scalars(
            select(SigningKey)
            .where(signing_keys.c.owner_id == owner_id)
            .order_by(signing_keys.c.created_at.desc(), signing_keys.c.id)
        ).all()

    def get_owned(self, key_id: uuid.UUID, owner_id: uuid.UUID) -> SigningKey | None:
        key = self.session.get(SigningKey, key_id)
        return key if key is not None and key.owner_id == owner_id else None

    def delete(self, key: SigningKey) -> None:
        self.session.delete(key)

    def delete_of_owner(self, owner_id: uuid.UUID) -> None:
        self.session.execute(delete(SigningKey).where(signing_keys.c.owner_id == owner_id))


class PresetRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, owner_id: uuid.UUID, name: str) -> Preset | None:
        return self.session.get(Preset, (owner_id, name))

    def add(self, preset: Preset) -> None:
        self.session.add(preset)

    def of_owner(self, owner_id: uuid.UUID) -> Sequence[Preset]:
        return self.session.scalars(
            select(Preset).where(presets.c.owner_id == owner_id).order_by(presets.c.name)
        ).all()

    def delete(self, preset: Preset) -> None:
        self.session.delete(preset)

    def delete_of_owner(self, owner_id: uuid.UUID) -> None:
        self.session.execute(delete(Preset).where(presets.c.owner_id == owner_id))
