"""Text watermark: the text rendered as a coverage mask, coloured, composited (see compositing)."""

import html
import math
from pathlib import Path

import pyvips

from platform_common.transform_spec import WatermarkText, colour_rgba
from transformer_service.domain.errors import InvalidOperation
from transformer_service.domain.operations.compositing import composite, fit_within
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.registry import implements

FONT = "DejaVu Sans Bold"
# Debian's fonts-dejavu-core; when present it is used directly instead of asking fontconfig.
FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


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
