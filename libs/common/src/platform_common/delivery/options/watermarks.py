"""This platform's watermarks: watermark_text/wmt and watermark_image/wmi.

    wmt:{base64url text}[:{opacity}[:{position}[:{font size}]]]
    wmi:{image id}[:{opacity}[:{position}[:{scale}]]]

Positions use imgproxy's compass names (no, so, ea, we, noea, nowe, soea, sowe, ce).
"""

import base64
import binascii
import uuid
from typing import Any

from platform_common.delivery.options.args import at_least, at_most, integer, number
from platform_common.delivery.options.registry import option
from platform_common.delivery.options.state import DeliveryOptions, OptionError

POSITIONS = {
    "ce": "center",
    "no": "top",
    "so": "bottom",
    "ea": "right",
    "we": "left",
    "noea": "top_right",
    "nowe": "top_left",
    "soea": "bottom_right",
    "sowe": "bottom_left",
}


def _common(name: str, args: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if len(args) > 1 and args[1]:
        fields["opacity"] = number(name, args[1], 0.0, 1.0)
    if len(args) > 2 and args[2]:
        if args[2] not in POSITIONS:
            raise OptionError(name, f"position {args[2]!r} is not one of {', '.join(POSITIONS)}")
        fields["position"] = POSITIONS[args[2]]
    return fields


@option("watermark_text", "wmt")
def watermark_text(options: DeliveryOptions, args: list[str]) -> None:
    at_least("watermark_text", args, 1)
    at_most("watermark_text", args, 4)
    try:
        padded = args[0] + "=" * (-len(args[0]) % 4)
        text = base64.urlsafe_b64decode(padded).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise OptionError("watermark_text", "the text must be URL-safe base64 of UTF-8") from None
    mark = {"op": "watermark_text", "text": text, **_common("watermark_text", args)}
    if len(args) > 3 and args[3]:
        mark["font_size"] = integer("watermark_text", args[3], 6, 1000)
    options.watermarks.append(mark)


@option("watermark_image", "wmi")
def watermark_image(options: DeliveryOptions, args: list[str]) -> None:
    at_least("watermark_image", args, 1)
    at_most("watermark_image", args, 4)
    try:
        image_id = str(uuid.UUID(args[0]))
    except ValueError:
        raise OptionError("watermark_image", f"{args[0][:80]!r} is not an image id") from None
    mark = {"op": "watermark_image", "image_id": image_id, **_common("watermark_image", args)}
    if len(args) > 3 and args[3]:
        mark["scale"] = number("watermark_image", args[3], 0.01, 1.0)
    options.watermarks.append(mark)
