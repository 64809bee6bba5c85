"""Querying images."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from images_service.adapters.orm import images
from images_service.domain.image import Image, ImageStatus


class ImageRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, image: Image) -> None:
        self.session.add(image)

    def get(self, image_id: uuid.UUID, *, for_update: bool = False) -> Image | None:
        query = select(Image).where(images.c.id == image_id)
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def get_owned(self, image_id: uuid.UUID, owner_id: uuid.UUID) -> Image | None:
        """An available image of this owner; None for missing, deleting or someone else's."""
        image = self.get(image_id)
        if image is None or image.owner_id != owner_id or not image.is_available:
            return None
        return image

    def page(
        self, owner_id: uuid.UUID | None, offset: int, limit: int
    ) -> tuple[Sequence[Image], int]:
        """Newest first; `owner_id=None` lists everyone's (admin)."""
        where: list[ColumnElement[bool]] = [images.c.status == ImageStatus.AVAILABLE]
        if owner_id is not None:
            where.append(images.c.owner_id == owner_id)
        total = self.session.scalar(select(func.count()).select_from(Image).where(*where)) or 0
        rows = self.session.scalars(
            select(Image)
            .where(*where)
            .order_by(images.c.created_at.desc(), images.c.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        return rows, total

    def of_owner(self, owner_id: uuid.UUID) -> Sequence[Image]:
        return self.session.scalars(select(Image).where(images.c.owner_id == owner_id)).all()

    def deleting(self, limit: int) -> Sequence[Image]:
        return self.session.scalars(
            select(Image).where(images.c.status == ImageStatus.DELETING).limit(limit)
        ).all()

    def delete(self, image: Image) -> None:
        # The database cascades to the image's transformations.
        self.session.delete(image)
