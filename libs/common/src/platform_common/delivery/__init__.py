"""Signed public delivery URLs in imgproxy's format: the grammar, the signature, the options.

The gateway verifies (signature, expiry, option syntax) before any storage or database work;
the images service turns the options into the same transform spec as `POST /images/{id}/transform`
and signs URLs for owners.
"""

from platform_common.delivery.options import (
    BuiltSpec,
    DeliveryOptions,
    OptionError,
    build_spec,
    check_preset_name,
    parse_options,
)
from platform_common.delivery.signature import (
    SigningPair,
    matching_pair,
    new_secret_hex,
    signature,
)
from platform_common.delivery.url import DeliveryPath, DeliveryUrlError, parse_delivery_path
from platform_common.delivery.urls_out import delivery_path

__all__ = [
    "BuiltSpec",
    "DeliveryOptions",
    "DeliveryPath",
    "DeliveryUrlError",
    "OptionError",
    "SigningPair",
    "build_spec",
    "check_preset_name",
    "delivery_path",
    "matching_pair",
    "new_secret_hex",
    "parse_delivery_path",
    "parse_options",
    "signature",
]
