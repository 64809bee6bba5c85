"""DeliveryOptions -> the transform spec `POST /images/{id}/transform` takes, so a delivery URL
and the API address the same variant.

Order (as imgproxy's pipeline): crop, resize (dpr, enlarge, extend), rotate, flip, filters,
watermarks. Presets' operations come first, then the URL's own; the URL's output options
override the presets'. The source's size is needed to resolve crop 0 (full), `auto` and dpr.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from platform_common.delivery.options.output import output_format
from platform_common.delivery.options.state import DeliveryOptions, OptionError
from platform_common.transform_spec import MAX_DIMENSION


@dataclass(frozen=True, slots=True)
class BuiltSpec:
    spec: dict[str, Any]
    format_open: bool  # nothing chose the format: negotiation may (and Vary: Accept applies)


def _fit(options: DeliveryOptions, source: tuple[int, int]) -> str:
    kind = options.resizing_type
    both = bool(options.width and options.height)
    if kind == "auto" and both:
        same_orientation = (options.width >= options.height) == (source[0] >= source[1])
        kind = "fill" if same_orientation else "fit"
    if not both or kind in ("fit", "auto"):
        return "contain" if options.extend and both else "inside"
    return "fill" if kind == "force" else "cover"


def _scaled(options: DeliveryOptions, source: tuple[int, int]) -> tuple[int, int]:
    """dpr multiplies the box; without enlarge it never asks for more than the source has."""
    factor = options.dpr
    if not options.enlarge and factor > 1:
        room = [s / d for s, d in zip(source, (options.width, options.height), strict=True) if d]
        factor = min(factor, max(1.0, min(room)))
    return tuple(
        min(MAX_DIMENSION, max(1, round(d * factor))) if d else 0
        for d in (  # type: ignore[return-value]
            options.width,
            options.height,
        )
    )


def _geometry(options: DeliveryOptions, source: tuple[int, int]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    if options.crop is not None:
        box = options.crop
        gravity = box.gravity or options.gravity
        steps.append(
            {
                "op": "crop",
                "width": min(box.width or source[0], source[0]),
                "height": min(box.height or source[1], source[1]),
                **(gravity.spec_fields() if gravity else {}),
            }
        )
    if options.width or options.height:
        width, height = _scaled(options, source)
        fit = _fit(options, source)
        resize: dict[str, Any] = {
            "op": "resize",
            "width": width or None,
            "height": height or None,
            "fit": fit,
            "upscale": options.enlarge,
        }
        if fit == "cover" and options.gravity is not None:
            resize.update(options.gravity.spec_fields())
        if fit == "contain" and options.background:
            resize["background"] = options.background
        steps.append(resize)
    elif options.extend:
        raise OptionError("extend", "needs a width and a height to extend to")
    return steps


def _adjustments(options: DeliveryOptions) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    if options.rotate:
        rotate: dict[str, Any] = {"op": "rotate", "angle": options.rotate}
        if options.background:
            rotate["background"] = options.background
        steps.append(rotate)
    if options.flip_horizontal:
        steps.append({"op": "mirror"})
    if options.flip_vertical:
        steps.append({"op": "flip"})
    if options.grayscale:
        steps.append({"op": "grayscale"})
    if options.sepia:
        steps.append({"op": "sepia"})
    if options.brightness:
        # imgproxy adds -255..255; the spec multiplies: +255 doubles, -255 goes black.
        steps.append({"op": "brightness", "factor": round(1 + options.brightness / 255, 4)})
    if options.contrast is not None and options.contrast != 1:
        steps.append({"op": "contrast", "factor": options.contrast})
    if options.blur:
        steps.append({"op": "blur", "sigma": options.blur})
    if options.sharpen:
        steps.append({"op": "sharpen", "sigma": options.sharpen})
    if options.style:
        steps.append({"op": "sketch", "style": options.style})
    return steps


def build_spec(
    options: DeliveryOptions,
    *,
    source_size: tuple[int, int],
    extension: str | None = None,
    presets: Sequence[dict[str, Any]] = (),
    negotiated_format: str | None = None,
) -> BuiltSpec:
    """The spec dict (validate it with TransformSpec) for a source of `source_size` pixels."""
    if options.background and not (options.extend or options.rotate):
        raise OptionError("background", "fills only what extend or rotate adds")
    operations: list[dict[str, Any]] = []
    output: dict[str, Any] = {}
    for preset in presets:
        operations.extend(preset.get("operations", []))
        output.update(preset.get("output", {}))
    operations += _geometry(options, source_size) + _adjustments(options) + options.watermarks
    if options.quality:
        output["quality"] = options.quality
    if options.strip_metadata is not None:
        output["strip_metadata"] = options.strip_metadata
    chosen = output_format("extension", extension) if extension else options.format
    chosen = chosen or output.get("format")
    if chosen:
        output["format"] = chosen
    elif negotiated_format:
        output["format"] = negotiated_format
    return BuiltSpec({"operations": operations, "output": output}, format_open=not chosen)
