"""Fakes for the images service layer (cosmicpython's FakeUnitOfWork and friends).

In-memory repositories with the methods the service layer calls, a unit of work that records
its commits and the events it staged (the outbox), and an object store in a dict. Tests here
need no PostgreSQL, Kafka or S3 and run in milliseconds; the integration tests one folder up
keep checking the real adapters.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO, Self

import pytest

from images_service.adapters.object_storage import StoredObject
from images_service.domain.delivery import Preset, SigningKey
from images_service.domain.image import Image, ImageStatus
from images_service.domain.transformation import Transformation
from images_service.domain.upload import Upload
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.events import Envelope, Event
from platform_common.messaging.outbox import Deferral
from platform_common.s3_client import S3Unavailable


class FakeImageRepository:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Image] = {}

    def add(self, image: Image) -> None:
        self.rows[image.id] = image

    def get(self, image_id: uuid.UUID, *, for_update: bool = False) -> Image | None:
        return self.rows.get(image_id)

    def get_owned(self, image_id: uuid.UUID, owner_id: uuid.UUID) -> Image | None:
        image = self.rows.get(image_id)
        if image is None or image.owner_id != owner_id or not image.is_available:
            return None
        return image

    def of_owner(self, owner_id: uuid.UUID) -> Sequence[Image]:
        return [image for image in self.rows.values() if image.owner_id == owner_id]

    def deleting(self, limit: int) -> Sequence[Image]:
        return [i for i in self.rows.values() if i.status == ImageStatus.DELETING][:limit]

    def delete(self, image: Image) -> None:
        del self.rows[image.id]


class FakeTransformationRepository:
    def __init__(self, images: FakeImageRepository) -> None:
        self.rows: dict[uuid.UUID, Transformation] = {}
        self._images = images

    def add(self, transformation: Transformation) -> None:
        self.rows[transformation.id] = transformation

    def get(
        self, transformation_id: uuid.UUID, *, for_update: bool = False
    ) -> Transformation | None:
        return self.rows.get(transformation_id)

    def get_for_image(
        self, image_id: uuid.UUID, transformation_id: uuid.UUID
    ) -> Transformation | None:
        found = self.rows.get(transformation_id)
        return found if found is not None and found.image_id == image_id else None

    def by_variant(self, image_id: uuid.UUID, variant_key: str) -> Transformation | None:
        for row in self.rows.values():
            if row.image_id == image_id and row.variant_key == variant_key:
                return row
        return None

    def of_image(self, image_id: uuid.UUID) -> Sequence[Transformation]:
        # The database cascades an image's deletion to its transformations; so does the fake.
        return [row for row in self.rows.values() if row.image_id == image_id]

    def keys_still_used(
        self, keys: Sequence[str], excluding_images: Sequence[uuid.UUID] = ()
    ) -> set[str]:
        return {
            row.variant_key
            for row in self.rows.values()
            if row.variant_key in keys
            and row.image_id not in excluding_images
            and row.image_id in self._images.rows
        }


class FakePresetRepository:
    def __init__(self) -> None:
        self.rows: dict[tuple[uuid.UUID, str], Preset] = {}

    def get(self, owner_id: uuid.UUID, name: str) -> Preset | None:
        return self.rows.get((owner_id, name))

    def add(self, preset: Preset) -> None:
        self.rows[(preset.owner_id, preset.name)] = preset

    def of_owner(self, owner_id: uuid.UUID) -> Sequence[Preset]:
        return sorted((p for p in self.rows.values() if p.owner_id == owner_id), key=_name)

    def delete(self, preset: Preset) -> None:
        del self.rows[(preset.owner_id, preset.name)]

    def delete_of_owner(self, owner_id: uuid.UUID) -> None:
        for preset in self.of_owner(owner_id):
            self.delete(preset)


def _name(preset: Preset) -> str:
    return preset.name


class FakeSigningKeyRepository:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, SigningKey] = {}

    def add(self, key: SigningKey) -> None:
        self.rows[key.id] = key

    def of_owner(self, owner_id: uuid.UUID) -> Sequence[SigningKey]:
        keys = [key for key in self.rows.values() if key.owner_id == owner_id]
        return sorted(keys, key=lambda key: key.created_at, reverse=True)

    def get_owned(self, key_id: uuid.UUID, owner_id: uuid.UUID) -> SigningKey | None:
        key = self.rows.get(key_id)
        return key if key is not None and key.owner_id == owner_id else None

    def delete(self, key: SigningKey) -> None:
        del self.rows[key.id]

    def delete_of_owner(self, owner_id: uuid.UUID) -> None:
        for key in self.of_owner(owner_id):
            self.delete(key)


class FakeUploadRepository:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Upload] = {}

    def of_owner(self, owner_id: uuid.UUID) -> Sequence[Upload]:
        return [upload for upload in self.rows.values() if upload.owner_id == owner_id]

    def delete(self, upload: Upload) -> None:
        del self.rows[upload.id]


class FakeOwnerRepository:
    def __init__(self) -> None:
        self.buried: dict[uuid.UUID, datetime] = {}

    def is_deleted(self, owner_id: uuid.UUID) -> bool:
        return owner_id in self.buried

    def bury(self, owner_id: uuid.UUID, at: datetime) -> None:
        self.buried[owner_id] = at


class FakeSession:
    """What the service layer asks of the session itself: pending changes and a flush."""

    dirty: frozenset[object] = frozenset()
    new: frozenset[object] = frozenset()

    def flush(self) -> None:
        pass


@dataclass
class StagedEvent:
    topic: str
    key: str
    event: Event


class FakeUnitOfWork(ImagesUnitOfWork):
    """Repositories in dicts that outlive each `with uow:` (as the database would). Rows added
    or removed and events staged (the outbox) are kept only when the unit commits; leaving
    without a commit puts the rows back as they were."""

    def __init__(self) -> None:
        self.images = FakeImageRepository()  # type: ignore[assignment]
        self.transformations = FakeTransformationRepository(self.images)  # type: ignore[assignment]
        self.presets = FakePresetRepository()  # type: ignore[assignment]
        self.signing_keys = FakeSigningKeyRepository()  # type: ignore[assignment]
        self.uploads = FakeUploadRepository()  # type: ignore[assignment]
        self.owners = FakeOwnerRepository()  # type: ignore[assignment]
        self.session = FakeSession()  # type: ignore[assignment]
        self.commits = 0
        self.entries = 0  # units of work begun (`with uow:`): one transaction each
        self.published: list[StagedEvent] = []
        self._staged: list[StagedEvent] = []
        self._snapshot: list[dict[Any, Any]] = []

    def _tables(self) -> list[dict[Any, Any]]:
        repositories: list[Any] = [
            self.images, self.transformations, self.presets, self.signing_keys, self.uploads,
        ]  # fmt: skip
        return [repository.rows for repository in repositories] + [self.owners.buried]

    def __enter__(self) -> Self:
        self.entries += 1
        self._staged = []
        self._snapshot = [dict(table) for table in self._tables()]
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.rollback()  # after a commit there is nothing left to undo

    def commit(self) -> None:
        self.commits += 1
        self.published += self._staged
        self._staged = []
        self._snapshot = [dict(table) for table in self._tables()]

    def rollback(self) -> None:
        self._staged = []
        for table, before in zip(self._tables(), self._snapshot, strict=True):
            table.clear()
            table.update(before)

    def publish(
        self, topic: str, key: str, event: Event, deferral: Deferral | None = None
    ) -> Envelope:
        self._staged.append(StagedEvent(topic, key, event))
        return Envelope.wrap(event)


@dataclass
class FakeStorage:
    """The object store in a dict; `failing` makes every call raise like an S3 outage."""

    objects: dict[str, bytes] = field(default_factory=dict)
    failing: bool = False

    def _check(self) -> None:
        if self.failing:
            raise S3Unavailable("S3 is unreachable: NewConnectionError")

    def put(self, key: str, source: BinaryIO, content_type: str, metadata: dict[str, str]) -> None:
        self._check()
        source.seek(0)
        self.objects[key] = source.read()

    def head(self, key: str) -> StoredObject | None:
        self._check()
        data = self.objects.get(key)
        return None if data is None else StoredObject(key=key, size=len(data))

    def delete(self, keys: Iterable[str]) -> None:
        self._check()
        for key in keys:
            self.objects.pop(key, None)

    def delete_prefix(self, prefix: str) -> int:
        self._check()
        doomed = [key for key in self.objects if key.startswith(prefix)]
        self.delete(doomed)
        return len(doomed)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def storage() -> FakeStorage:
    return FakeStorage()


@pytest.fixture
def owner() -> uuid.UUID:
    return uuid.uuid4()
