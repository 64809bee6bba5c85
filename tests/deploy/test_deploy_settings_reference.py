"""The settings reference and .env.example say what the code reads, and bad values are one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.settings_reference import (
    ENV_EXAMPLE_PATH,
    REFERENCE_PATH,
    all_settings,
    render_env_example,
    render_reference,
)

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = "regenerate with `.venv/bin/devstack settings`"


def test_the_checked_in_reference_matches_the_settings_classes() -> None:
    assert (ROOT / REFERENCE_PATH).read_text() == render_reference(), REGENERATE


def test_the_checked_in_env_example_matches_the_settings_classes() -> None:
    assert (ROOT / ENV_EXAMPLE_PATH).read_text() == render_env_example(), REGENERATE


def test_every_setting_of_every_service_is_listed() -> None:
    reference, example = render_reference(), render_env_example()
    for service, settings in all_settings().items():
        for setting in settings:
            assert f"`{setting.name}`" in reference, (service, setting.name)
            if setting.name != "SERVICE_NAME":
                assert f"# {setting.name}=" in example, (service, setting.name)


def _serve(module: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", module, "serve", "--port", "1"]
    return subprocess.run(
        command, env={**os.environ, **env}, cwd=cwd, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("module", "variable", "value", "expected"),
    [
        ("gateway_service", "RATE_LIMIT_ENABLED", "perhaps", "expected bool"),
        ("auth_service", "ACCESS_TOKEN_EXPIRE_MINUTES", "soon", "expected int"),
        ("images_service", "ENVIRONMENT", "staging", "expected one of development"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    module: str, variable: str, value: str, expected: str, tmp_path: Path
) -> None:
    result = _serve(module, {variable: value}, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0] and expected in lines[0], lines[0]
    assert "Traceback" not in result.stderr and value not in lines[0]


def test_a_dotenv_file_in_the_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ACCESS_TOKEN_EXPIRE_MINUTES=soon\n")
    result = _serve("auth_service", {}, tmp_path)
    assert result.returncode == 2 and "ACCESS_TOKEN_EXPIRE_MINUTES" in result.stderr
