"""The platform's operations as data (method, path, body, how to read the answer), shared by the
sync and async clients so each operation is written once."""

import mimetypes
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

import httpx

from imageplatform.errors import raise_for_error
from imageplatform.models import (
    DeliveryUrl,
    Image,
    ImagePage,
    Preset,
    Session,
    SigningKey,
    Transformation,
    UploadTicket,
    User,
)

T = TypeVar("T")
Spec = Mapping[str, Any]


@dataclass(frozen=True)
class Call(Generic[T]):
    method: str
    path: str
    parse: Callable[[httpx.Response], T]
    json: Any = None
    params: dict[str, Any] | None = None
    files: dict[str, Any] | None = None
    data: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        return http.build_request(
            self.method,
            self.path,
            json=self.json,
            params=self.params,
            files=self.files,
            data=self.data,
            headers=self.headers,
        )

    def read(self, response: httpx.Response) -> T:
        raise_for_error(response)
        return self.parse(response)


def _json_as(kind: Any) -> Callable[[httpx.Response], Any]:
    return lambda response: kind.of(response.json())


def _items_as(kind: Any) -> Callable[[httpx.Response], list[Any]]:
    def parse(response: httpx.Response) -> list[Any]:
        body = response.json()
        items = body["items"] if isinstance(body, dict) else body
        return [kind.of(item) for item in items]

    return parse


def _nothing(_: httpx.Response) -> None:
    return None


def _bytes(response: httpx.Response) -> bytes:
    return response.content


def content_type_of(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


# Accounts
def register(username: str, email: str, password: str) -> Call[Session]:
    body = {"username": username, "email": email, "password": password}
    return Call("POST", "/auth/register", _json_as(Session), json=body)


def login(username: str, password: str) -> Call[Session]:
    body = {"username": username, "password": password}
    return Call("POST", "/auth/login", _json_as(Session), json=body)


def me() -> Call[User]:
    return Call("GET", "/auth/me", _json_as(User))


def delete_account(user_id: str) -> Call[None]:
    return Call("DELETE", f"/auth/users/{user_id}", _nothing)


# Images
def upload(file: IO[bytes], filename: str, presets: list[str] | None = None) -> Call[Image]:
    files = {"file": (filename, file, content_type_of(filename))}
    data = {"presets": ",".join(presets)} if presets else None
    return Call("POST", "/images", _json_as(Image), files=files, data=data)


def list_images(page: int = 1, limit: int = 10) -> Call[ImagePage]:
    return Call("GET", "/images", _json_as(ImagePage), params={"page": page, "limit": limit})


def get_image(image_id: str | uuid.UUID) -> Call[Image]:
    return Call("GET", f"/images/{image_id}", _json_as(Image))


def image_content(image_id: str | uuid.UUID, **variant: Any) -> Call[bytes]:
    """`variant`: the on-the-fly parameters w, h, fit, format, q (none: the original)."""
    params = {k: v for k, v in variant.items() if v is not None} or None
    return Call("GET", f"/images/{image_id}/content", _bytes, params=params)


def delete_image(image_id: str | uuid.UUID) -> Call[None]:
    return Call("DELETE", f"/images/{image_id}", _nothing)


# Direct uploads (large files go straight to storage)
def start_upload(
    filename: str, size_bytes: int, content_type: str | None = None
) -> Call[UploadTicket]:
    body = {
        "filename": Path(filename).name,
        "content_type": content_type or content_type_of(filename),
        "size_bytes": size_bytes,
    }
    return Call("POST", "/images/uploads", _json_as(UploadTicket), json=body)


def complete_upload(upload_id: str, presets: list[str] | None = None) -> Call[Image]:
    body = {"presets": presets} if presets else None
    return Call("POST", f"/images/uploads/{upload_id}/complete", _json_as(Image), json=body)


# Transformations
def transform(image_id: str | uuid.UUID, spec: Spec) -> Call[Transformation]:
    return Call("POST", f"/images/{image_id}/transform", _json_as(Transformation), json=dict(spec))


def get_transformation(image_id: str | uuid.UUID, transformation_id: str) -> Call[Transformation]:
    path = f"/images/{image_id}/transformations/{transformation_id}"
    return Call("GET", path, _json_as(Transformation))


def transformation_content(image_id: str | uuid.UUID, transformation_id: str) -> Call[bytes]:
    path = f"/images/{image_id}/transformations/{transformation_id}/content"
    return Call("GET", path, _bytes)


# Presets and delivery
def list_presets() -> Call[list[Preset]]:
    return Call("GET", "/presets", _items_as(Preset))


def put_preset(name: str, spec: Spec) -> Call[Preset]:
    return Call("PUT", f"/presets/{name}", _json_as(Preset), json=dict(spec))


def get_preset(name: str) -> Call[Preset]:
    return Call("GET", f"/presets/{name}", _json_as(Preset))


def delete_preset(name: str) -> Call[None]:
    return Call("DELETE", f"/presets/{name}", _nothing)


def create_signing_key() -> Call[SigningKey]:
    return Call("POST", "/delivery/keys", _json_as(SigningKey))


def list_signing_keys() -> Call[list[SigningKey]]:
    return Call("GET", "/delivery/keys", _items_as(SigningKey))


def delete_signing_key(key_id: str) -> Call[None]:
    return Call("DELETE", f"/delivery/keys/{key_id}", _nothing)


def delivery_url(
    image_id: str | uuid.UUID,
    options: str | None = None,
    preset: str | None = None,
    extension: str | None = None,
    expires_in: int | None = None,
) -> Call[DeliveryUrl]:
    given = {"options": options, "preset": preset, "extension": extension, "expires_in": expires_in}
    body = {k: v for k, v in given.items() if v is not None}
    return Call("POST", f"/images/{image_id}/delivery-url", _json_as(DeliveryUrl), json=body)
