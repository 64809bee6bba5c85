"""Repositories: the only place that knows how the domain objects are queried."""

from images_service.adapters.repositories.delivery import PresetRepository, SigningKeyRepository
from images_service.adapters.repositories.images import ImageRepository
from images_service.adapters.repositories.owners import OwnerRepository
from images_service.adapters.repositories.processed_events import ProcessedEventRepository
from images_service.adapters.repositories.transformations import TransformationRepository
from images_service.adapters.repositories.uploads import UploadRepository

__all__ = [
    "ImageRepository",
    "OwnerRepository",
    "PresetRepository",
    "ProcessedEventRepository",
    "SigningKeyRepository",
    "TransformationRepository",
    "UploadRepository",
]
