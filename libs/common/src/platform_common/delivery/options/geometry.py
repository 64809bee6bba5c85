"""Size and framing: resize/rs, size/s, resizing_type/rt, width/w, height/h, enlarge/el,
extend/ex, gravity/g, crop/c, dpr."""

from platform_common.delivery.options.args import at_least, at_most, boolean, integer, number
from platform_common.delivery.options.registry import option
from platform_common.delivery.options.state import CropBox, DeliveryOptions, Gravity, OptionError
from platform_common.transform_spec import MAX_DIMENSION

RESIZING_TYPES = frozenset({"fit", "fill", "fill-down", "force", "auto"})
COMPASS = {
    "ce": "center",
    "no": "north",
    "so": "south",
    "ea": "east",
    "we": "west",
    "noea": "northeast",
    "nowe": "northwest",
    "soea": "southeast",
    "sowe": "southwest",
    "sm": "smart",
}
MAX_DPR = 8.0


def _dimension(name: str, value: str) -> int:
    return integer(name, value, 0, MAX_DIMENSION) if value else 0


def _resizing_type(name: str, value: str) -> str:
    if value not in RESIZING_TYPES:
        raise OptionError(name, f"{value!r} is not one of {', '.join(sorted(RESIZING_TYPES))}")
    return value


def gravity_of(name: str, args: list[str]) -> Gravity:
    """`ce`, `no`, ..., `sm`, or `fp:x:y`; offsets are accepted only as 0."""
    at_least(name, args, 1)
    kind, rest = args[0], args[1:]
    if kind == "fp":
        at_least(name, rest, 2)
        at_most(name, rest, 2)
        x, y = (number(name, value, 0.0, 1.0) for value in rest)
        return Gravity("focus", x, y)
    if kind not in COMPASS:
        raise OptionError(name, f"{kind!r} is not one of {', '.join(COMPASS)} or fp:x:y")
    at_most(name, rest, 2)
    if any(value not in ("", "0") for value in rest):
        raise OptionError(name, "gravity offsets are not supported; use fp:x:y for a focus point")
    return Gravity(COMPASS[kind])


def _extend(name: str, options: DeliveryOptions, args: list[str]) -> None:
    if not args:
        return
    options.extend = boolean(name, args[0]) if args[0] else options.extend
    if len(args) > 1 and gravity_of(name, args[1:]).name != "center":
        raise OptionError(name, "extend pads around the centre only")


def _size(name: str, options: DeliveryOptions, args: list[str]) -> None:
    at_most(name, args, 5)  # width, height, enlarge, extend (+ its gravity)
    if len(args) > 0:
        options.width = _dimension(name, args[0])
    if len(args) > 1:
        options.height = _dimension(name, args[1])
    if len(args) > 2 and args[2]:
        options.enlarge = boolean(name, args[2])
    _extend(name, options, args[3:])


@option("resize", "rs")
def resize(options: DeliveryOptions, args: list[str]) -> None:
    at_least("resize", args, 1)
    if args[0]:
        options.resizing_type = _resizing_type("resize", args[0])
    _size("resize", options, args[1:])


@option("size", "s")
def size(options: DeliveryOptions, args: list[str]) -> None:
    _size("size", options, args)


@option("resizing_type", "rt")
def resizing_type(options: DeliveryOptions, args: list[str]) -> None:
    at_least("resizing_type", args, 1)
    at_most("resizing_type", args, 1)
    options.resizing_type = _resizing_type("resizing_type", args[0])


@option("width", "w")
def width(options: DeliveryOptions, args: list[str]) -> None:
    at_least("width", args, 1)
    at_most("width", args, 1)
    options.width = _dimension("width", args[0])


@option("height", "h")
def height(options: DeliveryOptions, args: list[str]) -> None:
    at_least("height", args, 1)
    at_most("height", args, 1)
    options.height = _dimension("height", args[0])


@option("enlarge", "el")
def enlarge(options: DeliveryOptions, args: list[str]) -> None:
    at_most("enlarge", args, 1)
    options.enlarge = boolean("enlarge", args[0]) if args else True


@option("extend", "ex")
def extend(options: DeliveryOptions, args: list[str]) -> None:
    at_least("extend", args, 1)
    at_most("extend", args, 3)
    _extend("extend", options, args)


@option("gravity", "g")
def gravity(options: DeliveryOptions, args: list[str]) -> None:
    options.gravity = gravity_of("gravity", args)


@option("crop", "c")
def crop(options: DeliveryOptions, args: list[str]) -> None:
    at_least("crop", args, 2)
    box_gravity = gravity_of("crop", args[2:]) if len(args) > 2 else None
    options.crop = CropBox(_dimension("crop", args[0]), _dimension("crop", args[1]), box_gravity)


@option("dpr")
def dpr(options: DeliveryOptions, args: list[str]) -> None:
    at_least("dpr", args, 1)
    at_most("dpr", args, 1)
    value = number("dpr", args[0], 0.0, MAX_DPR)
    if value <= 0:
        raise OptionError("dpr", "must be greater than 0")
    options.dpr = value
