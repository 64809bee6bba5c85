"""`imageplatform`: the platform from the shell (Typer + Rich). `--help` on any command."""

import json
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

from imageplatform import Client
from imageplatform.cli import config, output
from imageplatform.cli.presets import presets_app
from imageplatform.cli.session import client, run

app = typer.Typer(help="Upload, transform and deliver images from the shell.", no_args_is_help=True)
app.add_typer(presets_app, name="presets")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON, for scripts")]


@app.command()
def register(
    username: str,
    email: Annotated[str, typer.Option(help="Your e-mail address")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    url: Annotated[str, typer.Option(envvar="IMAGEPLATFORM_URL")] = config.DEFAULT_URL,
) -> None:
    """Create an account, and stay logged in as it."""
    with Client(url) as api:
        session = run(lambda: api.register(username, email, password))
    path = config.save(config.Credentials(url, session.access_token, username, session.user["id"]))
    output.console.print(f"Registered and logged in as {username} (token in {path})")


@app.command()
def login(
    username: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    url: Annotated[str, typer.Option(envvar="IMAGEPLATFORM_URL")] = config.DEFAULT_URL,
) -> None:
    """Log in; the token is kept in a file only you can read (mode 0600)."""
    with Client(url) as api:
        session = run(lambda: api.login(username, password))
    path = config.save(config.Credentials(url, session.access_token, username, session.user["id"]))
    output.console.print(f"Logged in as {username} (token in {path})")


@app.command()
def logout() -> None:
    """Forget the saved token."""
    output.console.print("Logged out" if config.forget() else "Was not logged in")


@app.command()
def upload(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, readable=True)],
    direct: Annotated[
        bool | None, typer.Option("--direct/--multipart", help="Default: direct above 16 MiB")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Upload one or more images, with a progress bar."""
    uploaded = []
    with client() as api, Progress(
        "[progress.description]{task.description}", BarColumn(), DownloadColumn(),
        TransferSpeedColumn(), console=output.errors, disable=as_json,
    ) as bars:  # fmt: skip
        for path in files:
            task = bars.add_task(path.name, total=path.stat().st_size)

            def advance(sent: int, total: int, task: Any = task) -> None:
                bars.update(task, completed=sent, total=total)

            uploaded.append(run(partial(api.upload, path, progress=advance, direct=direct)))
    if as_json:
        output.emit_json([image.raw for image in uploaded])
    else:
        for image in uploaded:
            output.console.print(f"{image.id}  {image.filename}  {image.width}x{image.height}")


@app.command("ls")
def list_images(
    page: Annotated[int, typer.Option(min=1)] = 1,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 20,
    as_json: JsonFlag = False,
) -> None:
    """Your images, newest first."""
    with client() as api:
        found = run(lambda: api.list_images(page, limit))
    if as_json:
        output.emit_json(found.raw)
        return
    title = f"Images (page {found.page} of {max(found.pages, 1)}, {found.total} in all)"
    output.console.print(output.images_table(found.items, title))


@app.command()
def info(image_id: str, as_json: JsonFlag = False) -> None:
    """An image's details and its transformations."""
    with client() as api:
        image = run(lambda: api.get_image(image_id))
    if as_json:
        output.emit_json(image.raw)
        return
    output.console.print(output.images_table([image], image.filename or image.id))
    for transformation in image.transformations:
        output.console.print("  " + output.describe_transformation(transformation))


def _spec(
    spec: str | None, width: int | None, height: int | None, fmt: str | None, preset: str | None
) -> dict[str, Any]:
    if preset:
        return {"preset": preset}
    if spec:
        text = Path(spec[1:]).read_text() if spec.startswith("@") else spec
        try:
            parsed: dict[str, Any] = json.loads(text)
            return parsed
        except ValueError as exc:
            raise typer.BadParameter(f"--spec is not JSON: {exc}") from None
    if not (width or height or fmt):
        raise typer.BadParameter(
            "Give --spec, --preset, or at least one of --width, --height, --format"
        )
    operations = [{"op": "resize", "width": width, "height": height}] if width or height else []
    return {"operations": operations, "output": {"format": fmt} if fmt else {}}


@app.command()
def transform(
    image_id: str,
    spec: Annotated[
        str | None, typer.Option(help="A transform request as JSON, or @file.json")
    ] = None,
    width: Annotated[int | None, typer.Option(min=1, help="Resize to this width (px)")] = None,
    height: Annotated[int | None, typer.Option(min=1, help="Resize to this height (px)")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="jpeg, png, webp, avif...")] = None,
    preset: Annotated[str | None, typer.Option(help="Apply a saved preset")] = None,
    wait: Annotated[bool, typer.Option(help="Wait for the result, showing its progress")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Request a variant; with --wait, follow it live until it is ready."""
    body = _spec(spec, width, height, fmt, preset)
    with client() as api:
        job = run(lambda: api.transform(image_id, body))
        if wait:
            with output.errors.status(f"{job.id}: {job.status}", spinner="dots") as status:

                def show(update: Any) -> None:
                    status.update(f"{update.id}: {update.status}")

                job = run(lambda: api.wait(job, on_update=show))
    if as_json:
        output.emit_json(job.raw)
    else:
        output.console.print(output.describe_transformation(job))


@app.command("get")
@app.command("download")
def download(
    image_id: str,
    out: Annotated[Path | None, typer.Option("--output", "-o", help="Default: the name")] = None,
    transformation: Annotated[
        str | None, typer.Option(help="A transformation's result instead of the original")
    ] = None,
    width: Annotated[int | None, typer.Option("--width", "-w", min=1)] = None,
    height: Annotated[int | None, typer.Option("--height", "-h", min=1)] = None,
    fmt: Annotated[str | None, typer.Option("--format")] = None,
) -> None:
    """Save an original, an on-the-fly variant (--width/--height/--format) or a result."""
    with client() as api:
        if transformation:
            data = run(lambda: api.transformation_content(image_id, transformation))
        else:
            data = run(lambda: api.download(image_id, w=width, h=height, format=fmt))
        if out is None:
            image = run(lambda: api.get_image(image_id))
            suffix = f".{fmt}" if fmt else ""
            out = Path(
                Path(image.filename or image_id).stem
                + (suffix or Path(image.filename or ".bin").suffix)
            )
    out.write_bytes(data)
    output.console.print(f"Saved {len(data)} bytes to {out}")


@app.command()
def url(
    image_id: str,
    options: Annotated[str, typer.Option(help='imgproxy options, e.g. "rs:fill:300:200"')] = "",
    preset: Annotated[str | None, typer.Option(help="A preset name (pr:NAME)")] = None,
    extension: Annotated[str | None, typer.Option("--ext", help="jpg, png, webp...")] = None,
    key: Annotated[
        str | None, typer.Option(envvar="IMAGEPLATFORM_SIGNING_KEY", help="Sign locally (hex)")
    ] = None,
    salt: Annotated[str | None, typer.Option(envvar="IMAGEPLATFORM_SIGNING_SALT")] = None,
    as_json: JsonFlag = False,
) -> None:
    """A signed delivery URL: signed here with --key/--salt, otherwise by the platform."""
    saved = config.load()
    with client() as api:
        if key and salt and saved:
            parts = [p for p in (options, f"pr:{preset}" if preset else "") if p]
            link = api.sign_url(
                saved.user_id, image_id, key=key, salt=salt, options="/".join(parts),
                extension=extension,
            )  # fmt: skip
        else:
            made = run(lambda: api.delivery_url(
                image_id, options=options or None, preset=preset, extension=extension
            ))  # fmt: skip
            link = str(api.base_url.join(made.url))
    if as_json:
        output.emit_json({"url": link})
    else:
        print(link)


@app.command()
def rm(image_ids: list[str], yes: Annotated[bool, typer.Option("--yes", "-y")] = False) -> None:
    """Delete images and all their variants."""
    if not yes:
        typer.confirm(f"Delete {len(image_ids)} image(s) and their variants?", abort=True)
    with client() as api:
        for image_id in image_ids:
            run(partial(api.delete_image, image_id))
            output.console.print(f"Deleted {image_id}")
