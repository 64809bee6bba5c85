"""`imageplatform presets ...`: named transform requests, usable as `pr:NAME` in delivery URLs."""

import json
from pathlib import Path
from typing import Annotated

import typer

from imageplatform.cli import output
from imageplatform.cli.session import client, run

presets_app = typer.Typer(help="Named transform requests (presets).", no_args_is_help=True)
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON, for scripts")]


@presets_app.command("ls")
def list_presets(as_json: JsonFlag = False) -> None:
    """Your presets."""
    with client() as api:
        found = run(api.list_presets)
    if as_json:
        output.emit_json([p.raw for p in found])
    for preset in [] if as_json else found:
        output.console.print(f"{preset.name}  {json.dumps(preset.spec)}")


@presets_app.command("set")
def set_preset(
    name: str, spec: Annotated[str, typer.Argument(help="A transform request as JSON, or @file")]
) -> None:
    """Create or replace a preset."""
    text = Path(spec[1:]).read_text() if spec.startswith("@") else spec
    with client() as api:
        preset = run(lambda: api.put_preset(name, json.loads(text)))
    output.console.print(f"Saved preset {preset.name}")


@presets_app.command("show")
def show_preset(name: str) -> None:
    with client() as api:
        output.emit_json(run(lambda: api.get_preset(name)).raw)


@presets_app.command("rm")
def remove_preset(name: str) -> None:
    with client() as api:
        run(lambda: api.delete_preset(name))
    output.console.print(f"Deleted preset {name}")
