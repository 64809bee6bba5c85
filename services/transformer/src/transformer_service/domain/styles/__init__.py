"""Art styles x methods, registered once: STYLES[style][method] is a function image -> image."""

from collections.abc import Callable

import pyvips

from transformer_service.domain.styles import (
    acrylic,
    charcoal,
    ink,
    oil,
    pastel,
    pencil,
    watercolor,
)

StyleFunction = Callable[[pyvips.Image], pyvips.Image]

STYLES: dict[str, dict[str, StyleFunction]] = {
    module.__name__.rsplit(".", 1)[1]: {
        "basic": module.basic,
        "advanced": module.advanced,
        "artistic": module.artistic,
    }
    for module in (pencil, charcoal, ink, watercolor, pastel, oil, acrylic)
}


def render_style(image: pyvips.Image, style: str, method: str) -> pyvips.Image:
    # Every style reads its source more than once (a reduced copy for washes and regions, the
    # full size for strokes), so the source is rendered to memory once, here.
    return STYLES[style][method](image.copy_memory())
