"""Answering a verified delivery URL: its options become a transform spec (presets resolved,
source size known), and the variant is found, or made when the render budget allows.

The gateway has already checked the signature, the expiry and the options' syntax; it says
whether this account may start a new render (`render_allowed`) and counts the renders we start.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import ValidationError

from images_service.domain.errors import (
    ImageNotFound,
    InvalidDeliveryOptions,
    RenderBudgetExceeded,
    UnknownPreset,
)
from images_service.domain.image import Image
from images_service.domain.transformation import Transformation, TransformationStatus
from images_service.service_layer.presets import preset_specs
from images_service.service_layer.transformations import stage_transformation
from images_service.service_layer.unit_of_work import ImagesUnitOfWork
from platform_common.delivery import DeliveryUrlError, build_spec, parse_options
from platform_common.transform_spec import TransformSpec, describe_errors, variant_key


@dataclass(frozen=True)
class DeliveryRequest:
    account_id: uuid.UUID
    image_id: uuid.UUID
    options: Sequence[str]
    extension: str | None
    negotiated_format: str | None  # what the client's Accept prefers, when the URL leaves it open
    render_allowed: bool


@dataclass(frozen=True)
class DeliveryAnswer:
    transformation: Transformation
    rendered: bool  # a new render was started for this request
    format_open: bool  # the format came from negotiation (Vary: Accept)


def delivery_spec(
    uow: ImagesUnitOfWork,
    image: Image,
    options: Sequence[str],
    extension: str | None,
    negotiated_format: str | None = None,
) -> tuple[TransformSpec, bool]:
    """(spec, format_open) for a URL's options on `image`, inside an open unit of work."""
    try:
        parsed = parse_options(options)
        presets = preset_specs(uow, image.owner_id, parsed.presets)
        built = build_spec(
            parsed,
            source_size=(image.width, image.height),
            extension=extension,
            presets=presets,
            negotiated_format=negotiated_format,
        )
        return TransformSpec.model_validate(built.spec), built.format_open
    except DeliveryUrlError as exc:
        raise InvalidDeliveryOptions(exc.message) from exc
    except UnknownPreset as exc:
        raise InvalidDeliveryOptions(f"Processing option 'preset': {exc.message}") from exc
    except ValidationError as exc:
        raise InvalidDeliveryOptions(
            f"The options do not make a valid transformation: {describe_errors(exc)}"
        ) from exc


def answer_delivery(uow: ImagesUnitOfWork, request: DeliveryRequest, topic: str) -> DeliveryAnswer:
    with uow:
        image = uow.images.get_owned(request.image_id, request.account_id)
        if image is None:
            raise ImageNotFound()
        spec, format_open = delivery_spec(
            uow, image, request.options, request.extension, request.negotiated_format
        )
        existing = uow.transformations.by_variant(
            image.id, variant_key(image.checksum_sha256, spec, image.format)
        )
        needs_render = existing is None or existing.status == TransformationStatus.FAILED
        if needs_render and not request.render_allowed:
            raise RenderBudgetExceeded()
        transformation, rendered = stage_transformation(uow, image, spec, topic)
        if rendered or uow.session.dirty:
            uow.commit()
        return DeliveryAnswer(transformation, rendered, format_open)
