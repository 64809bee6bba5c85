"""Encoding: quality/q, format/f/ext, background/bg, strip_metadata/sm."""

from platform_common.delivery.options.args import at_least, at_most, boolean, integer
from platform_common.delivery.options.registry import option
from platform_common.delivery.options.state import DeliveryOptions, OptionError
from platform_common.transform_spec import OUTPUT_FORMATS, normalise_colour, normalise_format


def output_format(name: str, value: str) -> str:
    normalised = normalise_format(value)
    if normalised not in OUTPUT_FORMATS:
        raise OptionError(name, f"{value!r} is not one of {', '.join(OUTPUT_FORMATS)} (or jpg)")
    return normalised


@option("quality", "q")
def quality(options: DeliveryOptions, args: list[str]) -> None:
    at_least("quality", args, 1)
    at_most("quality", args, 1)
    options.quality = integer("quality", args[0], 0, 100)  # 0: the default


@option("format", "f", "ext")
def format_(options: DeliveryOptions, args: list[str]) -> None:
    at_least("format", args, 1)
    at_most("format", args, 1)
    options.format = output_format("format", args[0])


@option("background", "bg")
def background(options: DeliveryOptions, args: list[str]) -> None:
    """`bg:R:G:B` (0..255 each) or `bg:hex`."""
    at_least("background", args, 1)
    at_most("background", args, 3)
    if len(args) == 3:
        red, green, blue = (integer("background", value, 0, 255) for value in args)
        options.background = f"#{red:02x}{green:02x}{blue:02x}"
        return
    if len(args) != 1:
        raise OptionError("background", "give R:G:B or one hex colour")
    try:
        options.background = normalise_colour(args[0])
    except ValueError as exc:
        raise OptionError("background", str(exc)) from None


@option("strip_metadata", "sm")
def strip_metadata(options: DeliveryOptions, args: list[str]) -> None:
    at_least("strip_metadata", args, 1)
    at_most("strip_metadata", args, 1)
    options.strip_metadata = boolean("strip_metadata", args[0])
