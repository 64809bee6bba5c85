"""Orientation and filters: rotate/rot, auto_rotate/ar, flip/fl, blur/bl, sharpen/sh,
brightness/br, contrast/co, and this platform's grayscale/gs, sepia and style (art styles)."""

from platform_common.delivery.options.args import at_least, at_most, boolean, integer, number
from platform_common.delivery.options.registry import option
from platform_common.delivery.options.state import DeliveryOptions, OptionError

STYLES = frozenset({"pencil", "charcoal", "ink"})


def _one(name: str, args: list[str]) -> str:
    at_least(name, args, 1)
    at_most(name, args, 1)
    return args[0]


@option("rotate", "rot")
def rotate(options: DeliveryOptions, args: list[str]) -> None:
    angle = integer("rotate", _one("rotate", args), -360, 360)
    if angle % 90:
        raise OptionError("rotate", "only multiples of 90 are supported")
    options.rotate = angle % 360


@option("auto_rotate", "ar")
def auto_rotate(options: DeliveryOptions, args: list[str]) -> None:
    # Every image is turned upright from its EXIF orientation; that cannot be switched off.
    if not boolean("auto_rotate", _one("auto_rotate", args)):
        raise OptionError("auto_rotate", "images are always oriented by their EXIF data")


@option("flip", "fl")
def flip(options: DeliveryOptions, args: list[str]) -> None:
    at_least("flip", args, 1)
    at_most("flip", args, 2)
    options.flip_horizontal = boolean("flip", args[0]) if args[0] else False
    options.flip_vertical = boolean("flip", args[1]) if len(args) > 1 and args[1] else False


@option("blur", "bl")
def blur(options: DeliveryOptions, args: list[str]) -> None:
    options.blur = number("blur", _one("blur", args), 0.0, 50.0)


@option("sharpen", "sh")
def sharpen(options: DeliveryOptions, args: list[str]) -> None:
    options.sharpen = number("sharpen", _one("sharpen", args), 0.0, 10.0)


@option("brightness", "br")
def brightness(options: DeliveryOptions, args: list[str]) -> None:
    options.brightness = integer("brightness", _one("brightness", args), -255, 255)


@option("contrast", "co")
def contrast(options: DeliveryOptions, args: list[str]) -> None:
    options.contrast = number("contrast", _one("contrast", args), 0.0, 5.0)


@option("grayscale", "gs")
def grayscale(options: DeliveryOptions, args: list[str]) -> None:
    at_most("grayscale", args, 1)
    options.grayscale = boolean("grayscale", args[0]) if args else True


@option("sepia")
def sepia(options: DeliveryOptions, args: list[str]) -> None:
    at_most("sepia", args, 1)
    options.sepia = boolean("sepia", args[0]) if args else True


@option("style", "st")
def style(options: DeliveryOptions, args: list[str]) -> None:
    name = _one("style", args)
    if name not in STYLES:
        raise OptionError("style", f"{name!r} is not one of {', '.join(sorted(STYLES))}")
    options.style = name
