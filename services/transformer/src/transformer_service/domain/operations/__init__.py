"""One function per operation; `apply` dispatches a spec operation to it."""

from collections.abc import Mapping
from dataclasses import dataclass, field

import pyvips

from platform_common.transform_spec import (
    Blur,
    Brightness,
    Contrast,
    Crop,
    Flip,
    Grayscale,
    Mirror,
    Operation,
    Resize,
    Rotate,
    Sepia,
    Sharpen,
    Sketch,
    SmartCrop,
    WatermarkImage,
    WatermarkText,
)
from transformer_service.domain.errors import InvalidOperation
from transformer_service.domain.limits import Limits
from transformer_service.domain.operations import filters, geometry, sketch, watermark


@dataclass(frozen=True)
class OperationContext:
    """What an operation may need beyond the image: other images' bytes (image watermarks)."""

    assets: Mapping[str, bytes] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)

    def asset(self, image_id: str) -> bytes:
        if image_id not in self.assets:
            raise InvalidOperation(f"watermark image {image_id} was not found among your images")
        return self.assets[image_id]


def apply(image: pyvips.Image, op: Operation, context: OperationContext) -> pyvips.Image:
    match op:
        case Resize():
            return geometry.resize(image, op)
        case Crop():
            return geometry.crop(image, op)
        case SmartCrop():
            return geometry.smart_crop(image, op)
        case Rotate():
            return geometry.rotate(image, op)
        case Flip():
            return geometry.flip(image)
        case Mirror():
            return geometry.mirror(image)
        case Grayscale():
            return filters.grayscale(image)
        case Sepia():
            return filters.sepia(image)
        case Blur():
            return filters.blur(image, op)
        case Sharpen():
            return filters.sharpen(image, op)
        case Brightness():
            return filters.brightness(image, op)
        case Contrast():
            return filters.contrast(image, op)
        case Sketch():
            return sketch.sketch(image, op)
        case WatermarkText():
            return watermark.watermark_text(image, op)
        case WatermarkImage():
            mark = context.asset(str(op.image_id))
            return watermark.watermark_image(image, op, mark, context.limits)
    raise InvalidOperation(f"operation {getattr(op, 'op', op)!r} is not supported")
