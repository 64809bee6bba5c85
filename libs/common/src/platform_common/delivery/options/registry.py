"""The option table: each option module registers its names (long and short) once, here."""

from collections.abc import Callable, Iterable, Sequence

from platform_common.delivery.options.state import DeliveryOptions, OptionError

Handler = Callable[[DeliveryOptions, list[str]], None]
HANDLERS: dict[str, Handler] = {}


def option(*names: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for name in names:
            if name in HANDLERS:
                raise RuntimeError(f"processing option {name!r} is registered twice")
            HANDLERS[name] = handler
        return handler

    return register


def parse_options(segments: Iterable[str]) -> DeliveryOptions:
    """Raw segments ("rs:fill:300:200", "q:80") -> options; OptionError names the bad one."""
    options = DeliveryOptions()
    for segment in segments:
        name, *args = segment.split(":")
        handler = HANDLERS.get(name)
        if handler is None:
            raise OptionError(name, "unknown option; see the README's list of processing options")
        handler(options, args)
    return options


def known_options() -> Sequence[str]:
    return sorted(HANDLERS)
