"""The transform spec: one model the images service validates and the transformer executes.

    spec = TransformSpec.model_validate(request_json)        # ordered or object form
    key = variant_key(image.checksum, spec, image.format)    # variants/<sha256>.<ext>
    etag = variant_etag(key)

Invalid input raises pydantic.ValidationError; `describe_errors(exc)` names each bad field.
"""

from platform_common.transform_spec.address import (
    SPEC_VERSION,
    VARIANT_PREFIX,
    OnTheFlyParams,
    spec_from_query,
    variant_digest,
    variant_etag,
    variant_key,
)
from platform_common.transform_spec.framing import ANALYSED, GRAVITIES, Focus, Gravity
from platform_common.transform_spec.object_form import OBJECT_FORM_ORDER, normalise_object_form
from platform_common.transform_spec.operations import (
    MAX_DIMENSION,
    MAX_TEXT_LENGTH,
    AnyOperation,
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
    colour_rgba,
    normalise_colour,
)
from platform_common.transform_spec.output import (
    ANIMATED_FORMATS,
    MEDIA_TYPES,
    OUTPUT_FORMATS,
    OutputOptions,
    normalise_format,
)
from platform_common.transform_spec.spec import MAX_OPERATIONS, TransformSpec, describe_errors
from platform_common.transform_spec.styles import (
    GREY_STYLES,
    METHOD_DESCRIPTIONS,
    STYLE_DESCRIPTIONS,
    ArtStyle,
    StyleMethod,
)

__all__ = [
    "ANALYSED",
    "ANIMATED_FORMATS",
    "GRAVITIES",
    "GREY_STYLES",
    "MAX_DIMENSION",
    "MAX_OPERATIONS",
    "MAX_TEXT_LENGTH",
    "MEDIA_TYPES",
    "METHOD_DESCRIPTIONS",
    "OBJECT_FORM_ORDER",
    "OUTPUT_FORMATS",
    "SPEC_VERSION",
    "STYLE_DESCRIPTIONS",
    "VARIANT_PREFIX",
    "AnyOperation",
    "ArtStyle",
    "Blur",
    "Brightness",
    "Contrast",
    "Crop",
    "Flip",
    "Focus",
    "Gravity",
    "Grayscale",
    "Mirror",
    "OnTheFlyParams",
    "Operation",
    "OutputOptions",
    "Resize",
    "Rotate",
    "Sepia",
    "Sharpen",
    "Sketch",
    "SmartCrop",
    "StyleMethod",
    "TransformSpec",
    "WatermarkImage",
    "WatermarkText",
    "colour_rgba",
    "describe_errors",
    "normalise_colour",
    "normalise_format",
    "normalise_object_form",
    "spec_from_query",
    "variant_digest",
    "variant_etag",
    "variant_key",
]
