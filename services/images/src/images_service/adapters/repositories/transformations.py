"""Querying transformations (variants)."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from images_service.adapters.orm import images, transformations
from images_service.domain.image import Image
from images_service.domain.transformation import Transformation, TransformationStatus


class TransformationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, transformation: Transformation) -> None:
        self.session.add(transformation)

    def get(
        self, transformation_id: uuid.UUID, *, for_update: bool = False
    ) -> Transformation | None:
        query = select(Transformation).where(transformations.c.id == transformation_id)
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def get_for_image(
        self, image_id: uuid.UUID, transformation_id: uuid.UUID
    ) -> Transformation | None:
        transformation = self.get(transformation_id)
        if transformation is None or transformation.image_id != image_id:
            return None
        return transformation

    def by_variant(self, image_id: uuid.UUID, variant_key: str) -> Transformation | None:
        return self.session.scalars(
            select(Transformation).where(
                transformations.c.image_id == image_id, transformations.c.variant_key == variant_key
            )
        ).one_or_none()

    def of_image(self, image_id: uuid.UUID) -> Sequence[Transformation]:
        return self.session.scalars(
            select(Transformation)
            .where(transformations.c.image_id == image_id)
            .order_by(transformations.c.created_at)
        ).all()

    def of_owner(
        self, owner_id: uuid.UUID, statuses: Sequence[str], limit: int
    ) -> Sequence[Transformation]:
        """The owner's transformations in these statuses, oldest first (for live catch-up)."""
        return self.session.scalars(
            select(Transformation)
            .join(Image, images.c.id == transformations.c.image_id)
            .where(images.c.owner_id == owner_id, transformations.c.status.in_(statuses))
            .order_by(transformations.c.created_at)
            .limit(limit)
        ).all()

    def stale(self, requested_before: datetime, limit: int) -> Sequence[Transformation]:
        """Finished variants nobody asked for since `requested_before`."""
        return self.session.scalars(
            select(Transformation)
            .where(
                transformations.c.last_requested_at < requested_before,
                transformations.c.status.in_(
                    [TransformationStatus.SUCCEEDED, TransformationStatus.FAILED]
                ),
            )
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()

    def keys_still_used(
        self, keys: Sequence[str], excluding_images: Sequence[uuid.UUID] = ()
    ) -> set[str]:
        """Variant keys referenced by other rows (identical bytes share content addresses)."""
        if not keys:
            return set()
        query = select(transformations.c.variant_key).where(transformations.c.variant_key.in_(keys))
        if excluding_images:
            query = query.where(transformations.c.image_id.not_in(excluding_images))
        return set(self.session.scalars(query).all())

    def delete(self, transformation: Transformation) -> None:
        self.session.delete(transformation)
