"""Art styles x methods, one module a style, discovered: STYLES[style][method] is a function
image -> image (each style module defines `basic`, `advanced` and `artistic`)."""

import importlib
import pkgutil

import pyvips

from platform_common.transform_spec import METHOD_DESCRIPTIONS
from transformer_service.domain.styles.toolkit import StyleFunction

_SHARED = {"toolkit"}  # the building blocks, not a style

STYLES: dict[str, dict[str, StyleFunction]] = {
    found.name: {
        method: getattr(importlib.import_module(f"{__name__}.{found.name}"), method)
        for method in METHOD_DESCRIPTIONS
    }
    for found in sorted(pkgutil.iter_modules(__path__), key=lambda found: found.name)
    if found.name not in _SHARED
}


def render_style(image: pyvips.Image, style: str, method: str) -> pyvips.Image:
    # Every style reads its source more than once (a reduced copy for washes and regions, the
    # full size for strokes), so the source is rendered to memory once, here.
    return STYLES[style][method](image.copy_memory())
