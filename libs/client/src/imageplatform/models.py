"""What the platform answers, as typed, read-only objects (unknown fields are kept in `raw`)."""

from dataclasses import dataclass, field, fields
from typing import Any, Self


@dataclass(frozen=True)
class _Model:
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def of(cls, data: dict[str, Any]) -> Self:
        names = {f.name for f in fields(cls)} - {"raw"}
        return cls(raw=data, **{name: data.get(name) for name in names})


@dataclass(frozen=True)
class User(_Model):
    id: str
    username: str
    email: str
    role: str
    created_at: str


@dataclass(frozen=True)
class Session(_Model):
    access_token: str
    expires_in: int
    user: dict[str, Any]


@dataclass(frozen=True)
class Transformation(_Model):
    id: str
    image_id: str
    status: str  # pending, processing, succeeded, failed
    spec: dict[str, Any]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    created_at: str

    @property
    def finished(self) -> bool:
        return self.status in ("succeeded", "failed")


@dataclass(frozen=True)
class Image(_Model):
    id: str
    owner_id: str
    filename: str | None
    content_type: str
    format: str
    size_bytes: int
    width: int
    height: int
    checksum_sha256: str
    created_at: str
    url: str

    @property
    def transformations(self) -> list[Transformation]:
        return [Transformation.of(t) for t in self.raw.get("transformations") or []]

    @property
    def insight(self) -> dict[str, Any] | None:
        """EXIF subset, palette, placeholder, frames, alpha, ICC description (GPS: owner only)."""
        insight = self.raw.get("insight")
        return insight if isinstance(insight, dict) else None


@dataclass(frozen=True)
class ImagePage(_Model):
    total: int
    page: int
    limit: int
    pages: int

    @property
    def items(self) -> list[Image]:
        return [Image.of(item) for item in self.raw["items"]]


@dataclass(frozen=True)
class UploadTicket(_Model):
    id: str
    upload_url: str
    headers: dict[str, str]
    expires_at: str
    max_bytes: int
    complete_url: str


@dataclass(frozen=True)
class Preset(_Model):
    name: str

    @property
    def spec(self) -> dict[str, Any]:
        return {k: v for k, v in self.raw.items() if k not in ("name", "created_at", "updated_at")}


@dataclass(frozen=True)
class SigningKey(_Model):
    id: str
    key: str | None  # shown once, when created
    salt: str | None
    created_at: str


@dataclass(frozen=True)
class DeliveryUrl(_Model):
    url: str
    expires_at: str | None
