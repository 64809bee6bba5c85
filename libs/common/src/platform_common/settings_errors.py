"""A bad setting stops a service with ONE line naming the variable and what it expects.

pydantic reports a malformed environment value as a long traceback; an operator needs only
`CORS_ORIGINS: expected a JSON list, e.g. ["https://app.example"]`. Values are never echoed (the
variable may hold a secret).
"""

import re
import sys
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_settings import SettingsError

T = TypeVar("T")
_FIELD_IN_MESSAGE = re.compile(r'field "(?P<field>[^"]+)"')


def _expected(model: type[BaseModel] | None, field: str) -> str:
    info = model.model_fields.get(field) if model is not None else None
    annotation = info.annotation if info is not None else None
    origin = typing.get_origin(annotation)
    if origin in (list, set, tuple):
        return 'expected a JSON list, e.g. ["https://app.example"]'
    if origin is dict:
        return 'expected a JSON object, e.g. {"key": "value"}'
    if origin is typing.Literal:
        return "expected one of " + ", ".join(map(str, typing.get_args(annotation)))
    if annotation is not None:
        return f"expected {getattr(annotation, '__name__', annotation)}"
    return "expected a valid value"


def describe_settings_error(exc: Exception, model: type[BaseModel] | None = None) -> str:
    """One line for a ValidationError or a pydantic-settings parse error."""
    if isinstance(exc, ValidationError):
        parts = []
        for error in exc.errors():
            location = error.get("loc") or ()
            message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
            if location:
                field = str(location[0])
                parts.append(f"{field.upper()}: {message} ({_expected(model, field)})")
            else:
                parts.append(message)
        return "invalid settings: " + "; ".join(parts)
    match = _FIELD_IN_MESSAGE.search(str(exc))
    if match:
        field = match["field"]
        return f"invalid settings: {field.upper()}: cannot be parsed ({_expected(model, field)})"
    return f"invalid settings: {exc}"


def load_settings(factory: Callable[[], T], model: type[BaseModel] | None = None) -> T:
    """`factory()`, or exit with the one-line explanation (exit status 2, as for bad usage)."""
    try:
        return factory()
    except (ValidationError, SettingsError) as exc:
        print(describe_settings_error(exc, model), file=sys.stderr)
        raise SystemExit(2) from None


def settings_model(factory: Callable[[], Any]) -> type[BaseModel] | None:
    """The Settings class a cached `get_settings` returns (for the expected-type hint)."""
    hints = typing.get_type_hints(getattr(factory, "__wrapped__", factory))
    model = hints.get("return")
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None
