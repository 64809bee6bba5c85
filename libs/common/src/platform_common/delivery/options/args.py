"""Reading one option's arguments: imgproxy's booleans, bounded numbers, argument counts."""

from collections.abc import Sequence

from platform_common.delivery.options.state import OptionError

TRUE = frozenset({"1", "t", "true"})
FALSE = frozenset({"0", "f", "false"})


def at_most(name: str, args: Sequence[str], count: int) -> None:
    if len(args) > count:
        raise OptionError(name, f"takes at most {count} argument(s), got {len(args)}")


def at_least(name: str, args: Sequence[str], count: int) -> None:
    if len(args) < count:
        raise OptionError(name, f"needs {count} argument(s), got {len(args)}")


def boolean(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise OptionError(name, f"{value!r} is not a boolean (use 1/0, t/f or true/false)")


def integer(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise OptionError(name, f"{value!r} is not an integer") from None
    if not low <= number <= high:
        raise OptionError(name, f"{number} is outside {low}..{high}")
    return number


def number(name: str, value: str, low: float, high: float) -> float:
    try:
        parsed = float(value)
    except ValueError:
        raise OptionError(name, f"{value!r} is not a number") from None
    if not low <= parsed <= high or parsed != parsed:
        raise OptionError(name, f"{value} is outside {low:g}..{high:g}")
    return parsed
