"""Where the CLI keeps its login: one JSON file, readable by its owner only (mode 0600)."""

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_URL = os.environ.get("IMAGEPLATFORM_URL", "http://127.0.0.1:8000")


def credentials_path() -> Path:
    if explicit := os.environ.get("IMAGEPLATFORM_CREDENTIALS"):
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "imageplatform" / "credentials.json"


@dataclass
class Credentials:
    url: str
    token: str
    username: str
    user_id: str


def save(credentials: Credentials) -> Path:
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Created with 0600 from the start: the token is never readable by others, not even briefly.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(asdict(credentials), file)
    path.chmod(0o600)
    return path


def load() -> Credentials | None:
    path = credentials_path()
    if not path.exists():
        return None
    return Credentials(**json.loads(path.read_text()))


def forget() -> bool:
    path = credentials_path()
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed
