"""Text and image watermarks, composited at one of nine positions.

Compositing touches only the mark's rectangle: pixels elsewhere come out bit-identical.
"""

import html
import math
from pathlib import Path

import pyvips

from platform_common.transform_spec import WatermarkImage, WatermarkText, colour_rgba
from transformer_service.domain.bands import has_alpha, to_srgb, with_alpha
from transformer_service.domain.errors import InvalidOperation, TransformError
from transformer_service.domain.loading import load_thumbnail, probe
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.registry import implements

FONT = "DejaVu Sans Bold"
# Debian's fonts-dejavu-core; when present it is used directly instead of asking fontconfig.
FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def place(position: str, base: pyvips.Image, mark: pyvips.Image, margin: int) -> tuple[int, int]:
    """Top-left corner of `mark` on `base` for a position such as "bottom_right"."""
    free_x, free_y = base.width - mark.width, base.height - mark.height
    x = margin if "left" in position else free_x - margin if "right" in position else free_x // 2
    vertical = position.split("_")[0]
    y = margin if vertical == "top" else free_y - margin if vertical == "bottom" else free_y // 2
    return max(0, min(x, free_x)), max(0, min(y, free_y))


def composite(base: pyvips.Image, mark: pyvips.Image, position: str, margin: int) -> pyvips.Image:
    """Blend an sRGBA mark over the base; the base keeps its band count."""
    base = to_srgb(base)
    x, y = place(position, base, mark, margin)
    blended = base.composite2(mark, "over", x=x, y=y)
    return blended if has_alpha(base) else blended.extract_band(0, n=3)


def fit_within(mark: pyvips.Image, width: int, height: int) -> pyvips.Image:
    scale = min(1.0, width / mark.width, height / mark.height)
    return mark if scale >= 1.0 else mark.resize(scale)


def fitting_font_size(op: WatermarkText, room_w: int, room_h: int) -> int:
    """The asked size, reduced when the text could not fit the room even when wrapped.

    A glyph is roughly 0.6 em wide and a line 1.25 em high, so n characters wrapped into the room
    need about 0.75 * n * size^2 of area. Sizing before rendering keeps the text crisp and the
    rendered surface small (a huge font on a long text would exceed cairo's surface limits)."""
    by_area = int(math.sqrt(room_w * room_h / (0.75 * len(op.text))))
    return max(1, min(op.font_size, by_area, room_h))


def render_text(op: WatermarkText, room_w: int, room_h: int) -> pyvips.Image:
    """A one-band coverage mask of the text (0 = none, 255 = full ink)."""
    options: dict[str, object] = {"fontfile": str(FONT_FILE)} if FONT_FILE.exists() else {}
    # Pango reads markup: escape so user text is always shown literally.
    try:
        return pyvips.Image.text(
            html.escape(op.text, quote=False),
            font=f"{FONT} {fitting_font_size(op, room_w, room_h)}",
            dpi=72,
            width=room_w,
            wrap="word-char",
            **options,
        )
    except pyvips.Error as exc:
        raise InvalidOperation("the watermark text cannot be laid out on this image") from exc


@implements(WatermarkText)
def watermark_text(
    image: pyvips.Image, op: WatermarkText, context: OperationContext
) -> pyvips.Image:
    room_w, room_h = image.width - 2 * op.margin, image.height - 2 * op.margin
    if room_w < 1 or room_h < 1:
        raise InvalidOperation(
            f"watermark_text margin {op.margin} leaves no room on the "
            f"{image.width}x{image.height} image"
        )
    mask = fit_within(render_text(op, room_w, room_h), room_w, room_h)
    red, green, blue, alpha = colour_rgba(op.color)
    ink = (mask.new_from_image([red, green, blue])).copy(interpretation="srgb")
    coverage = (mask * (op.opacity * alpha / 255)).cast("uchar")
    return composite(image, ink.bandjoin(coverage), op.position, op.margin)


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
