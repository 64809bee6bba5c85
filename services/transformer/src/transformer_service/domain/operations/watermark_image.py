"""Image watermark: another of the user's images, scaled and faded, composited (see compositing)."""

import pyvips

from platform_common.transform_spec import WatermarkImage
from transformer_service.domain.bands import to_srgb, with_alpha
from transformer_service.domain.errors import InvalidOperation, TransformError
from transformer_service.domain.loading import load_thumbnail, probe
from transformer_service.domain.operations.compositing import composite, fit_within
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.registry import implements


@implements(WatermarkImage)
def watermark_image(
    image: pyvips.Image, op: WatermarkImage, context: OperationContext
) -> pyvips.Image:
    mark_source, limits = context.asset(str(op.image_id)), context.limits
    try:
        probe(mark_source, limits)
    except TransformError as exc:
        raise InvalidOperation(f"the watermark image cannot be used: {exc.message}") from exc
    width = max(1, round(image.width * op.scale))
    mark = load_thumbnail(mark_source, width, height=image.height, size="both")
    mark = fit_within(with_alpha(to_srgb(mark)), image.width, image.height)
    colour, alpha = mark.extract_band(0, n=3), mark.extract_band(3)
    faded = (alpha * op.opacity).cast("uchar")
    return composite(
        image, colour.bandjoin(faded).copy(interpretation="srgb"), op.position, op.margin
    )
