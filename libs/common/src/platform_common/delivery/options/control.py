"""Options about the URL rather than the pixels: expires/exp and preset/pr."""

import re

from platform_common.delivery.options.args import at_least, at_most, integer
from platform_common.delivery.options.registry import option
from platform_common.delivery.options.state import DeliveryOptions, OptionError

PRESET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MAX_TIMESTAMP = 2**53


def check_preset_name(name: str) -> str:
    if not PRESET_NAME.match(name):
        raise ValueError(
            f"preset name {name[:80]!r} must be 1-64 of a-z, 0-9, '_' or '-', starting with a "
            "letter or digit"
        )
    return name


@option("expires", "exp")
def expires(options: DeliveryOptions, args: list[str]) -> None:
    at_least("expires", args, 1)
    at_most("expires", args, 1)
    options.expires = integer("expires", args[0], 0, MAX_TIMESTAMP) or None


@option("preset", "pr")
def preset(options: DeliveryOptions, args: list[str]) -> None:
    at_least("preset", args, 1)
    for name in args:
        try:
            options.presets.append(check_preset_name(name))
        except ValueError as exc:
            raise OptionError("preset", str(exc)) from None
