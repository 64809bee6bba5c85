"""How the CLI prints: Rich tables for people, plain JSON (`--json`) for scripts."""

import json
from typing import Any

from rich.console import Console
from rich.table import Table

from imageplatform.models import Image, Transformation

console = Console()
errors = Console(stderr=True)


def emit_json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))


def images_table(images: list[Image], title: str) -> Table:
    table = Table(title=title)
    table.add_column("id", no_wrap=True, min_width=36)  # ids are for copying: never cut
    for column in ("filename", "format", "size", "bytes", "created"):
        table.add_column(column)
    for image in images:
        table.add_row(
            image.id,
            image.filename or "",
            image.format,
            f"{image.width}x{image.height}",
            str(image.size_bytes),
            image.created_at[:19],
        )
    return table


def describe_transformation(t: Transformation) -> str:
    if t.result:
        result = t.result
        return f"{t.id} {t.status}: {result['format']} {result['width']}x{result['height']}"
    if t.error:
        return f"{t.id} {t.status}: {t.error.get('code')} {t.error.get('message') or ''}"
    return f"{t.id} {t.status}"
