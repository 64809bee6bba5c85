"""Automatic cleanup: stale variants, abandoned direct uploads, interrupted deletions."""

from dataclasses import dataclass
from datetime import timedelta

from images_service.adapters.object_storage import ObjectStorage
from images_service.service_layer.deletion import finish_interrupted_deletions
from images_service.service_layer.direct_uploads import purge_abandoned_uploads
from images_service.service_layer.images import utcnow
from images_service.service_layer.unit_of_work import ImagesUnitOfWork


@dataclass(frozen=True)
class RetentionPolicy:
    variant_max_idle: timedelta
    upload_grace: timedelta
    processed_event_max_age: timedelta


@dataclass(frozen=True)
class RetentionReport:
    variants: int
    uploads: int
    deletions_finished: int
    processed_events: int


def purge_stale_variants(uow: ImagesUnitOfWork, storage: ObjectStorage, idle: timedelta) -> int:
    """Variants nobody requested for `idle`: object and row go; a new request recreates them."""
    with uow:
        stale = list(uow.transformations.stale(utcnow() - idle, limit=500))
        keys = [t.variant_key for t in stale]
        for transformation in stale:
            uow.transformations.delete(transformation)
        # Identical sources share content addresses: keep objects other rows still use.
        still_used = uow.transformations.keys_still_used(keys)
        uow.commit()
    storage.delete(key for key in keys if key not in still_used)
    return len(stale)


def prune_processed_events(uow: ImagesUnitOfWork, max_age: timedelta) -> int:
    with uow:
        pruned = uow.processed_events.prune(utcnow() - max_age)
        uow.commit()
        return pruned


def run_retention(
    uow: ImagesUnitOfWork, storage: ObjectStorage, policy: RetentionPolicy
) -> RetentionReport:
    return RetentionReport(
        variants=purge_stale_variants(uow, storage, policy.variant_max_idle),
        uploads=purge_abandoned_uploads(uow, storage, utcnow(), policy.upload_grace),
        deletions_finished=finish_interrupted_deletions(uow, storage),
        processed_events=prune_processed_events(uow, policy.processed_event_max_age),
    )
