"""The `imageplatform` command against the real platform (Typer's CliRunner, same process)."""

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from e2e_kit.api import PASSWORD, Gateway, unique_name
from e2e_kit.photos import photo_jpeg, sniff_format
from typer.testing import CliRunner

from imageplatform.cli.main import app


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("IMAGEPLATFORM_CREDENTIALS", str(tmp_path / "credentials.json"))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str, ok: bool = True):
        result = runner.invoke(app, list(args))
        if ok:
            assert result.exit_code == 0, (args, result.output, result.exception)
        return result

    return invoke


def test_cli_journey(cli, gateway: Gateway, tmp_path: Path) -> None:
    username = unique_name("cli")
    url = gateway.base_url
    cli(
        "register",
        username,
        "--email",
        f"{username}@example.com",
        "--password",
        PASSWORD,
        "--url",
        url,
    )
    cli("logout")
    cli("login", username, "--password", PASSWORD, "--url", url)
    credentials = tmp_path / "credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert json.loads(credentials.read_text())["username"] == username

    for name in ("one.jpg", "two.jpg"):
        (tmp_path / name).write_bytes(photo_jpeg("chelsea"))
    uploaded = json.loads(cli("upload", "one.jpg", "two.jpg", "--json").stdout)
    assert [image["filename"] for image in uploaded] == ["one.jpg", "two.jpg"]
    first = uploaded[0]["id"]

    listing = json.loads(cli("ls", "--json").stdout)
    assert listing["total"] == 2
    assert first in cli("ls").stdout
    assert json.loads(cli("info", first, "--json").stdout)["id"] == first

    job = json.loads(
        cli("transform", first, "--width", "90", "--format", "png", "--wait", "--json").stdout
    )
    assert job["status"] == "succeeded" and job["result"]["width"] == 90
    spec = json.dumps({"transformations": {"resize": {"width": 70}, "format": "webp"}})
    assert "succeeded" in cli("transform", first, "--spec", spec, "--wait").stdout

    cli("get", first, "--transformation", job["id"], "-o", "small.png")
    assert sniff_format((tmp_path / "small.png").read_bytes()) == "png"
    cli("download", first, "--width", "50", "--format", "webp", "-o", "tiny.webp")
    assert sniff_format((tmp_path / "tiny.webp").read_bytes()) == "webp"
    cli("get", first)
    assert (tmp_path / "one.jpg").read_bytes() == photo_jpeg("chelsea")

    missing = cli("info", "00000000-0000-0000-0000-000000000000", ok=False)
    assert missing.exit_code == 1 and "not_found" in missing.output

    cli("rm", first, uploaded[1]["id"], "--yes")
    assert json.loads(cli("ls", "--json").stdout)["total"] == 0


def test_cli_url_signed_locally(cli, gateway: Gateway) -> None:
    username = unique_name("cli")
    cli("register", username, "--email", f"{username}@example.com", "--password", PASSWORD,
        "--url", gateway.base_url)  # fmt: skip
    image_id = "0b9d3c2a-1111-4222-8333-444455556666"
    printed = cli(
        "url", image_id, "--options", "rs:fill:300:200", "--ext", "webp",
        "--key", "736563726574", "--salt", "68656C6C6F", "--json",
    ).stdout  # fmt: skip
    link = json.loads(printed)["url"]
    assert link.startswith(f"{gateway.base_url}/d/") and link.endswith(f"/plain/{image_id}@webp")


def test_the_console_script_is_installed_with_completion() -> None:
    script = Path(sys.executable).parent / "imageplatform"
    shown = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "transform" in shown.stdout
    assert "--install-completion" in shown.stdout
