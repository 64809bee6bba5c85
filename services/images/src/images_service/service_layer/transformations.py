"""Requesting variants and reading their status and results.

A request writes the transformation and its TransformRequested event in ONE transaction (the
outbox), so it survives a Kafka outage and is never published for a rolled-back change. The
variant key is a content address of source + spec, so an identical request finds the existing
row (unique per image) instead of doing the work again.

A caller that will have the work done another way first (on the fly, in one hop) may ask for the
request to be deferred by `defer_seconds`: the outbox row is committed all the same, withdrawn
when the transformation finishes (event_handlers), and published only if it has not by then.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from images_service.domain.errors import (
    ImageNotFound,
    InvalidRequest,
    TransformationNotFound,
    TransformationNotReady,
)
from images_service.domain.image import Image
from images_service.domain.transformation import Transformation, TransformationStatus
from images_service.service_layer.images import utcnow
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.events import TransformRequested
from platform_common.messaging.outbox import Deferral
from platform_common.transform_spec import TransformSpec, variant_key
from platform_common.transform_spec.cost import JobCost, estimate_cost


@dataclass(frozen=True)
class TransformationRequest:
    owner_id: uuid.UUID
    image_id: uuid.UUID
    spec: TransformSpec
    # > 0: the request event waits this long in the outbox (see the module docstring).
    defer_seconds: float = 0.0


def _watermark_assets(
    uow: ImagesUnitOfWork, owner_id: uuid.UUID, spec: TransformSpec
) -> dict[str, str]:
    """S3 keys of the owner's images a spec overlays; another user's id is just 'not found'."""
    assets: dict[str, str] = {}
    for index, op in enumerate(spec.operations):
        image_id = getattr(op, "image_id", None)
        if image_id is None:
            continue
        mark = uow.images.get_owned(image_id, owner_id)
        if mark is None:
            raise InvalidRequest(
                f"operations[{index}].image_id: no image {image_id} among yours to watermark with",
                details=[{"field": f"operations[{index}].image_id", "message": "image not found"}],
            )
        assets[str(image_id)] = mark.s3_key
    return assets


def _requested_event(
    image: Image, transformation: Transformation, spec: TransformSpec, assets: dict[str, str]
) -> TransformRequested:
    return TransformRequested(
        transformation_id=transformation.id,
        image_id=image.id,
        owner_id=image.owner_id,
        source_key=image.s3_key,
        source_checksum=image.checksum_sha256,
        variant_key=transformation.variant_key,
        spec=spec,
        # The format the variant key was made for (the source's when the spec keeps it).
        output_format=spec.resolve_format(image.format),
        requested_at=transformation.last_requested_at,
        assets=assets,
        source_width=image.width,
        source_height=image.height,
    )


def stage_transformation(
    uow: ImagesUnitOfWork,
    image: Image,
    spec: TransformSpec,
    topic: str,
    defer_seconds: float = 0.0,
    *,
    guard_owner: bool = False,
) -> tuple[Transformation, bool]:
    """Inside an open unit of work: find or add the variant and stage its request event.

    guard_owner: check (under the owner's shared lock) that the account is not being deleted,
    only when something is to be created; finding an existing variant needs neither the lock nor
    the tombstone query, which keeps the common read of a stored variant to two queries.
    Returns (transformation, new_work); the caller commits (with whatever else it wrote)."""
    assets = _watermark_assets(uow, image.owner_id, spec)
    key = variant_key(image.checksum_sha256, spec, image.format)
    now = utcnow()
    transformation = uow.transformations.by_variant(image.id, key)
    if transformation is not None and transformation.status != TransformationStatus.FAILED:
        transformation.touch(now)
        return transformation, False
    if guard_owner:
        uow.ensure_owner_exists(image.owner_id)
    if transformation is None:
        transformation = Transformation(
            id=uuid.uuid4(),
            image_id=image.id,
            spec=spec.canonical_json(),
            variant_key=key,
            created_at=now,
            updated_at=now,
            last_requested_at=now,
        )
        uow.transformations.add(transformation)
    else:
        transformation.retry(now)  # asking again for a failed variant tries again
    deferral = Deferral(transformation.id, defer_seconds) if defer_seconds > 0 else None
    event = _requested_event(image, transformation, spec, assets)
    uow.publish(topic, str(image.id), event, deferral)
    return transformation, True


def _request_once(
    uow: ImagesUnitOfWork, request: TransformationRequest, topic: str
) -> tuple[Transformation, bool, JobCost | None]:
    with uow:
        image = uow.images.get_owned(request.image_id, request.owner_id)
        if image is None:
            raise ImageNotFound()
        transformation, new_work = stage_transformation(
            uow, image, request.spec, topic, request.defer_seconds, guard_owner=True
        )
        # From the row read above, before the commit expires it: no second transaction.
        size = (image.width, image.height)
        cost = estimate_cost(request.spec, size, image.format) if new_work else None
        if uow.session.dirty or uow.session.new or new_work:
            uow.commit()
        return transformation, new_work, cost


def request_transformation(
    uow: ImagesUnitOfWork, request: TransformationRequest, topic: str
) -> tuple[Transformation, bool]:
    """Returns (transformation, new_work): new_work is False when an identical one exists."""
    transformation, new_work, _ = request_and_estimate(uow, request, topic)
    return transformation, new_work


def request_and_estimate(
    uow: ImagesUnitOfWork, request: TransformationRequest, topic: str
) -> tuple[Transformation, bool, JobCost | None]:
    """request_transformation and the estimated cost of the work it queued (the gateway charges
    the caller's budget by it); None when it queued none (a repeat costs nothing)."""
    try:
        return _request_once(uow, request, topic)
    except IntegrityError:
        # A concurrent identical request won the unique (image, variant) race: that one stands.
        return _request_once(uow, request, topic)


def release_request(uow: ImagesUnitOfWork, envelope_id: uuid.UUID) -> None:
    """A deferred request is published now (its one-hop render did not happen)."""
    with uow:
        uow.release(envelope_id)
        uow.commit()


def _owned_transformation(
    uow: ImagesUnitOfWork, owner_id: uuid.UUID, image_id: uuid.UUID, transformation_id: uuid.UUID
) -> Transformation:
    if uow.images.get_owned(image_id, owner_id) is None:
        raise ImageNotFound()
    transformation = uow.transformations.get_for_image(image_id, transformation_id)
    if transformation is None:
        raise TransformationNotFound()
    return transformation


def get_transformation(
    uow: ImagesUnitOfWork, owner_id: uuid.UUID, image_id: uuid.UUID, transformation_id: uuid.UUID
) -> Transformation:
    with uow:
        return _owned_transformation(uow, owner_id, image_id, transformation_id)


def transformations_of_owner(
    uow: ImagesUnitOfWork, owner_id: uuid.UUID, statuses: Sequence[str], limit: int
) -> Sequence[Transformation]:
    with uow:
        return uow.transformations.of_owner(owner_id, statuses, limit)


def ready_result(
    uow: ImagesUnitOfWork, owner_id: uuid.UUID, image_id: uuid.UUID, transformation_id: uuid.UUID
) -> Transformation:
    """The finished transformation whose result may be served; remembers the read (retention)."""
    with uow:
        transformation = _owned_transformation(uow, owner_id, image_id, transformation_id)
        if not transformation.is_ready:
            raise TransformationNotReady(transformation.status, transformation.error_code)
        if transformation.touch(utcnow()):
            uow.commit()
        return transformation
