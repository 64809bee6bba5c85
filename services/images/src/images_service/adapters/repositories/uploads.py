"""Querying direct uploads."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from images_service.adapters.orm import uploads
from images_service.domain.upload import Upload


class UploadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, upload: Upload) -> None:
        self.session.add(upload)

    def get_owned(self, upload_id: uuid.UUID, owner_id: uuid.UUID) -> Upload | None:
        upload = self.session.scalars(
            select(Upload).where(uploads.c.id == upload_id).with_for_update()
        ).one_or_none()
        if upload is None or upload.owner_id != owner_id:
            return None
        return upload

    def expired_before(self, moment: datetime, limit: int) -> Sequence[Upload]:
        return self.session.scalars(
            select(Upload)
            .where(uploads.c.expires_at < moment)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()

    def of_owner(self, owner_id: uuid.UUID) -> Sequence[Upload]:
        return self.session.scalars(select(Upload).where(uploads.c.owner_id == owner_id)).all()

    def delete(self, upload: Upload) -> None:
        self.session.delete(upload)
