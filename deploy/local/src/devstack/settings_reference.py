"""The settings reference and `.env.example`, generated from the services' Settings classes.

Name, type, default and meaning of every environment variable, so the documentation cannot
drift from the code (tests/deploy/test_deploy_settings_reference.py compares the checked-in
files with what this renders; `devstack settings` rewrites them). The meaning is the field's
description, else the comment written above the field in its class.
"""

import importlib
import inspect
import json
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic_settings import BaseSettings

SERVICE_SETTINGS = {
    "gateway": "gateway_service.config",
    "auth": "auth_service.config",
    "images": "images_service.config",
    "transformer": "transformer_service.config",
}
SHARED_MODULE = "platform_common.settings"
REFERENCE_PATH = Path("deploy/SETTINGS.md")
ENV_EXAMPLE_PATH = Path(".env.example")
_FIELD_LINE = re.compile(r"^\s+(\w+)\s*:")
# Set per service by whatever starts it (devstack, compose, k8s): never in a shared .env.
PER_SERVICE = frozenset({"SERVICE_NAME"})


@dataclass(frozen=True)
class Setting:
    name: str  # the environment variable
    type: str
    default: str
    meaning: str
    owner: str  # "shared" or the service that defines it


def _comments_above_fields(cls: type) -> dict[str, str]:
    meanings: dict[str, str] = {}
    block: list[str] = []
    group: str | None = None  # the name prefix of the fields the current comment covers
    for line in inspect.getsource(cls).splitlines()[1:]:
        stripped = line.strip()
        if stripped.startswith("#"):
            if group is not None:
                block, group = [], None  # a new comment starts a new meaning
            block.append(stripped.lstrip("#").strip())
        elif match := _FIELD_LINE.match(line):
            # A comment covers the field below it and the next ones of the same family
            # (rate_limit_login, rate_limit_uploads, ...), up to a blank line.
            prefix = match[1].split("_")[0]
            if group is None:
                group = prefix
            if block and prefix == group:
                meanings[match[1]] = " ".join(block)
        elif not stripped or not line.startswith(" " * 8):
            block, group = [], None  # a blank line or a statement ends its reach
    return meanings


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return " | ".join(str(a) for a in typing.get_args(annotation))
    if origin is list:
        return f"JSON list of {_type_name(typing.get_args(annotation)[0])}"
    if origin is dict:
        return "JSON object"
    return getattr(annotation, "__name__", str(annotation))


def _default_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def _defining_class(cls: type[BaseModel], field: str) -> type:
    return next(base for base in cls.__mro__ if field in getattr(base, "__annotations__", {}))


def settings_of(cls: type[BaseSettings], service: str) -> list[Setting]:
    found = []
    for field, info in cls.model_fields.items():
        owner = _defining_class(cls, field)
        meaning = info.description or _comments_above_fields(owner).get(field, "")
        default = info.default_factory() if info.default_factory else info.default  # type: ignore[call-arg]
        found.append(
            Setting(
                name=field.upper(),
                type=_type_name(info.annotation),
                default=_default_text(default),
                meaning=meaning,
                owner="shared" if owner.__module__ == SHARED_MODULE else service,
            )
        )
    return found


def all_settings() -> dict[str, list[Setting]]:
    return {
        service: settings_of(importlib.import_module(module).Settings, service)
        for service, module in SERVICE_SETTINGS.items()
    }


def _shared(settings: dict[str, list[Setting]]) -> dict[str, tuple[Setting, list[str]]]:
    shared: dict[str, tuple[Setting, list[str]]] = {}
    for service, items in settings.items():
        for item in items:
            if item.owner == "shared":
                shared.setdefault(item.name, (item, []))[1].append(service)
    return shared


def _cell(text: str) -> str:
    return text.replace("|", "\\|") if text else " "


def render_reference() -> str:
    settings = all_settings()
    lines = [
        "# Settings reference",
        "",
        "Every service reads its settings from environment variables only; a `.env` file in its",
        "working directory (or at `$ENV_FILE`; `make run` uses the repository's `.env`) fills in",
        "whatever the environment does not set. A bad value stops the service with one line",
        "naming the variable. [`.env.example`](../.env.example) lists them all.",
        "",
        "Generated from the Settings classes by `.venv/bin/devstack settings`; a test fails when",
        "this file and the code disagree.",
        "",
        "## Shared by the services",
        "",
        "| variable | type | default | services | meaning |",
        "|---|---|---|---|---|",
    ]
    for item, services in sorted(_shared(settings).values(), key=lambda s: s[0].name):
        lines.append(
            f"| `{item.name}` | {_cell(item.type)} | `{_cell(item.default)}` | "
            f"{', '.join(services)} | {_cell(item.meaning)} |"
        )
    for service, items in settings.items():
        own = [i for i in items if i.owner == service]
        lines += ["", f"## {service}", "", "| variable | type | default | meaning |"]
        lines.append("|---|---|---|---|")
        for item in own:
            lines.append(
                f"| `{item.name}` | {_cell(item.type)} | `{_cell(item.default)}` | "
                f"{_cell(item.meaning)} |"
            )
    return "\n".join(lines) + "\n"


def render_env_example() -> str:
    settings = all_settings()
    lines = [
        "# Every setting of the platform, with its default (generated by `devstack settings`).",
        "# Copy to .env and uncomment what you change; environment variables win over this file.",
        "# `make run` gives this one file to every service: values that must differ per service",
        "# (DATABASE_URL, the ports) are set by devstack itself.",
        "",
        "# --- shared by the services ---",
    ]
    for item, services in sorted(_shared(settings).values(), key=lambda s: s[0].name):
        meaning = f" {item.meaning}" if item.meaning else ""
        lines.append(f"# [{', '.join(services)}] {item.type}.{meaning}")
        lines.append(f"# {item.name}={item.default}")
    for service, items in settings.items():
        lines += ["", f"# --- {service} ---"]
        for item in (i for i in items if i.owner == service and i.name not in PER_SERVICE):
            meaning = f" {item.meaning}" if item.meaning else ""
            lines += [f"# {item.type}.{meaning}", f"# {item.name}={item.default}"]
    return "\n".join(lines) + "\n"


def write(root: Path) -> list[Path]:
    written = []
    outputs = ((REFERENCE_PATH, render_reference()), (ENV_EXAMPLE_PATH, render_env_example()))
    for path, text in outputs:
        (root / path).write_text(text)
        written.append(root / path)
    return written
