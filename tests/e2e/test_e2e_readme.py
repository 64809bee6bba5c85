"""The README's "Use it from Python" and "Use it from the shell" sections run as written, against
the platform (only the address differs: IMAGEPLATFORM_URL points them at the test gateway)."""

import os
import re
import subprocess
import sys
from pathlib import Path

from e2e_kit.api import Gateway

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```(python|bash)\n(.*?)```", re.DOTALL)


def _blocks(title: str) -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    return BLOCK.findall(section)


def _run(language: str, code: str, cwd: Path, env: dict[str, str]) -> None:
    command = (
        [sys.executable, "-c", code]
        if language == "python"
        else ["bash", "-euo", "pipefail", "-c", code]
    )
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, (code, run.stdout[-3000:], run.stderr[-3000:])


def test_readme_python_and_shell_sections_run_as_written(gateway: Gateway, tmp_path: Path) -> None:
    # The README's commands start with `.venv/bin/...` from the repository root.
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    env = {
        **os.environ,
        "IMAGEPLATFORM_URL": gateway.base_url,
        "IMAGEPLATFORM_CREDENTIALS": str(tmp_path / "credentials.json"),
    }
    python_blocks, shell_blocks = _blocks("Use it from Python"), _blocks("Use it from the shell")
    assert [lang for lang, _ in python_blocks] == ["bash", "python"] and shell_blocks
    for language, code in python_blocks + shell_blocks:
        _run(language, code, tmp_path, env)
    assert (tmp_path / "sample-400.webp").read_bytes()[8:12] == b"WEBP"
    assert (tmp_path / "thumb.png").read_bytes().startswith(b"\x89PNG")
