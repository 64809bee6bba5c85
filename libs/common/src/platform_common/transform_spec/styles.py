"""The art styles and processing methods, with the one-line descriptions the API lists."""

from typing import Literal

ArtStyle = Literal["pencil", "charcoal", "ink", "watercolor", "pastel", "oil", "acrylic"]
StyleMethod = Literal["basic", "advanced", "artistic"]

STYLE_DESCRIPTIONS: dict[str, str] = {
    "pencil": "graphite-grey strokes on white paper",
    "charcoal": "dark, broad, grainy strokes with a smudged tonal wash",
    "ink": "high-contrast black lines on white",
    "watercolor": "soft colour regions bleeding into each other on white paper",
    "pastel": "light, chalky colour with the paper showing through",
    "oil": "thick painterly strokes (Kuwahara smoothing), rich colour",
    "acrylic": "flat, saturated colour areas with crisp edges",
}
METHOD_DESCRIPTIONS: dict[str, str] = {
    "basic": "simple edge detection and tone: the plainest version of the style",
    "advanced": "edge-preserving, with texture (paper grain, brush relief, pigment pooling)",
    "artistic": "enhanced detail and sharpening, bolder contrast or colour",
}
GREY_STYLES = frozenset({"pencil", "charcoal", "ink"})
