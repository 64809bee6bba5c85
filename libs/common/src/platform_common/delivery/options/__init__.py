"""imgproxy's processing options, one module per group, registered once in `registry`."""

from platform_common.delivery.options import (  # noqa: F401  (registers the options)
    adjustments,
    control,
    geometry,
    output,
    watermarks,
)
from platform_common.delivery.options.build import BuiltSpec, build_spec
from platform_common.delivery.options.control import check_preset_name
from platform_common.delivery.options.registry import known_options, parse_options
from platform_common.delivery.options.state import DeliveryOptions, OptionError

__all__ = [
    "BuiltSpec",
    "DeliveryOptions",
    "OptionError",
    "build_spec",
    "check_preset_name",
    "known_options",
    "parse_options",
]
