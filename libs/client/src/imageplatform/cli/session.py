"""What every command shares: the logged-in client, and errors as one line instead of a trace."""

from collections.abc import Callable
from typing import TypeVar

import typer

from imageplatform import Client, ImagePlatformError, TransformationFailed, WaitTimedOut
from imageplatform.cli import config, output

T = TypeVar("T")


def client(url: str | None = None, need_login: bool = True) -> Client:
    saved = config.load()
    if need_login and saved is None:
        output.errors.print("[red]error:[/red] not logged in: run `imageplatform login USERNAME`")
        raise typer.Exit(1)
    base = url or (saved.url if saved else config.DEFAULT_URL)
    return Client(base, token=saved.token if saved else None)


def run(action: Callable[[], T]) -> T:
    """Error answers become one readable line and exit code 1, never a traceback."""
    try:
        return action()
    except (ImagePlatformError, TransformationFailed, WaitTimedOut) as exc:
        output.errors.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
