"""The console's static files (shipped inside this package), addressed by a content version.

The version is a digest of every file, so asset URLs (`/console/<version>/js/main.js`) change
whenever any file does and can be cached forever; only the small index page is revalidated.
"""

import hashlib
import html
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

ASSET_DIR = Path(__file__).resolve().parent.parent / "console"
INDEX = "index.html"
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}


@dataclass(frozen=True, slots=True)
class Asset:
    path: Path
    media_type: str


class ConsoleAssets:
    def __init__(self, root: Path = ASSET_DIR) -> None:
        self.root = root.resolve()

    @cached_property
    def version(self) -> str:
        digest = hashlib.sha256()
        for path in sorted(p for p in self.root.rglob("*") if p.is_file()):
            digest.update(path.relative_to(self.root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
        return digest.hexdigest()[:16]

    def find(self, relative: str) -> Asset | None:
        """The file at `relative` under the asset folder, or None (missing, hidden, outside)."""
        if not relative or any(part.startswith(".") for part in relative.split("/")):
            return None
        path = (self.root / relative).resolve()
        media_type = MEDIA_TYPES.get(path.suffix)
        if media_type is None or not path.is_relative_to(self.root) or not path.is_file():
            return None
        return Asset(path, media_type)

    def index_page(self, settings: dict[str, str]) -> str:
        """index.html with its asset base and the console's settings as `data-` attributes."""
        template = (self.root / INDEX).read_text(encoding="utf-8")
        data = " ".join(
            f'data-{name}="{html.escape(value, quote=True)}"' for name, value in settings.items()
        )
        return template.replace("{{base}}", f"/console/{self.version}").replace(
            "{{settings}}", data
        )
