"""`Client` (blocking) and `AsyncClient` (asyncio): the same operations, on httpx."""

import asyncio
import contextlib
import io
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

import httpx
import websockets
from websockets.asyncio.client import connect as connect_async
from websockets.sync.client import connect as connect_sync

from imageplatform import calls, live
from imageplatform.errors import TransformationFailed, WaitTimedOut
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
from imageplatform.signing import delivery_path

T = TypeVar("T")
# The platform's address: IMAGEPLATFORM_URL, or `make run`'s gateway.
DEFAULT_BASE_URL = os.environ.get("IMAGEPLATFORM_URL", "http://127.0.0.1:8000")
# Above this, upload() sends the file straight to storage (a presigned PUT) instead of multipart.
DIRECT_UPLOAD_THRESHOLD = 16 * 1024 * 1024
CHUNK = 256 * 1024
Progress = Callable[[int, int], None]  # (bytes sent, total bytes)
OnUpdate = Callable[[Transformation], None]
Source = str | os.PathLike[str] | IO[bytes]


class _ProgressReader:
    """A file whose reads report progress (httpx reads multipart files in chunks)."""

    def __init__(self, file: IO[bytes], total: int, progress: Progress | None) -> None:
        self._file, self._total, self._progress, self._sent = file, total, progress, 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._file.read(size)
        self._sent += len(chunk)
        if self._progress:
            self._progress(min(self._sent, self._total), self._total)
        return chunk

    def __getattr__(self, name: str) -> Any:  # fileno, seek, tell: httpx sizes the body
        return getattr(self._file, name)


def _chunks(file: IO[bytes], total: int, progress: Progress | None) -> Iterator[bytes]:
    reader = _ProgressReader(file, total, progress)
    while chunk := reader.read(CHUNK):
        yield chunk


def _open(source: Source, filename: str | None) -> tuple[IO[bytes], str, int, bool]:
    """(file, name, size, opened here)."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        return path.open("rb"), filename or path.name, path.stat().st_size, True
    size = source.seek(0, os.SEEK_END)
    source.seek(0)
    return source, filename or Path(getattr(source, "name", "upload")).name, size, False


class _Base:
    def __init__(self, base_url: str, token: str | None) -> None:
        self.base_url = httpx.URL(base_url.rstrip("/"))
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def sign_url(
        self,
        account_id: str,
        image_id: str | uuid.UUID,
        *,
        key: str,
        salt: str,
        options: str = "",
        extension: str | None = None,
    ) -> str:
        """A delivery URL signed here, with a key from `create_signing_key()` (no request)."""
        path = delivery_path(
            account_id, str(image_id), key=key, salt=salt, options=options, extension=extension
        )
        return str(self.base_url.join(path))


class Client(_Base):
    """`Client("http://127.0.0.1:8000")`, then `login(...)`, or pass `token=`."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        token: str | None = None,
        *,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(base_url, token)
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _do(self, call: calls.Call[T]) -> T:
        request = call.request(self._http)
        request.headers.update(self._headers())
        return call.read(self._http.send(request))

    # Accounts
    def register(self, username: str, email: str, password: str) -> Session:
        session = self._do(calls.register(username, email, password))
        self.token = session.access_token
        return session

    def login(self, username: str, password: str) -> Session:
        session = self._do(calls.login(username, password))
        self.token = session.access_token
        return session

    def me(self) -> User:
        return self._do(calls.me())

    def delete_account(self, user_id: str) -> None:
        return self._do(calls.delete_account(user_id))

    # Images
    def upload(
        self,
        source: Source,
        *,
        filename: str | None = None,
        presets: list[str] | None = None,
        progress: Progress | None = None,
        direct: bool | None = None,
    ) -> Image:
        """A path or a binary file. Large files (or `direct=True`) go straight to storage."""
        file, name, size, opened = _open(source, filename)
        try:
            if direct if direct is not None else size > DIRECT_UPLOAD_THRESHOLD:
                return self._upload_direct(file, name, size, presets, progress)
            reader: Any = _ProgressReader(file, size, progress)
            return self._do(calls.upload(reader, name, presets))
        finally:
            if opened:
                file.close()

    def _upload_direct(
        self,
        file: IO[bytes],
        name: str,
        size: int,
        presets: list[str] | None,
        progress: Progress | None,
    ) -> Image:
        ticket: UploadTicket = self._do(calls.start_upload(name, size))
        headers = {**ticket.headers, "Content-Length": str(size)}
        # Straight to storage, without our token: the URL itself is the authorisation.
        put = httpx.put(ticket.upload_url, content=_chunks(file, size, progress), headers=headers)
        put.raise_for_status()
        return self._do(calls.complete_upload(ticket.id, presets))

    def list_images(self, page: int = 1, limit: int = 10) -> ImagePage:
        return self._do(calls.list_images(page, limit))

    def get_image(self, image_id: str | uuid.UUID) -> Image:
        return self._do(calls.get_image(image_id))

    def download(self, image_id: str | uuid.UUID, **variant: Any) -> bytes:
        """The original's bytes, or an on-the-fly variant: `download(id, w=400, format="webp")`."""
        return self._do(calls.image_content(image_id, **variant))

    def delete_image(self, image_id: str | uuid.UUID) -> None:
        return self._do(calls.delete_image(image_id))

    # Transformations
    def transform(self, image_id: str | uuid.UUID, spec: calls.Spec) -> Transformation:
        return self._do(calls.transform(image_id, spec))

    def get_transformation(
        self, image_id: str | uuid.UUID, transformation_id: str
    ) -> Transformation:
        return self._do(calls.get_transformation(image_id, transformation_id))

    def transformation_content(self, image_id: str | uuid.UUID, transformation_id: str) -> bytes:
        return self._do(calls.transformation_content(image_id, transformation_id))

    def wait(
        self,
        transformation: Transformation,
        *,
        max_wait: float = 120.0,
        on_update: OnUpdate | None = None,
    ) -> Transformation:
        """Until it succeeds (returned) or fails (TransformationFailed); live through the
        WebSocket, polling if that is unavailable."""
        deadline = time.monotonic() + max_wait
        current = transformation
        # No live channel (or it broke): poll instead.
        with contextlib.suppress(OSError, websockets.exceptions.WebSocketException):
            current = self._wait_live(current, deadline, on_update)
        while not current.finished:
            if time.monotonic() > deadline:
                raise WaitTimedOut(f"transformation {current.id} still {current.status}")
            time.sleep(live.POLL_INTERVAL_SECONDS)
            current = self._refresh(current, on_update)
        if current.status == "failed":
            raise TransformationFailed(current)
        return current

    def _refresh(self, current: Transformation, on_update: OnUpdate | None) -> Transformation:
        fresh = self.get_transformation(current.image_id, current.id)
        if on_update and fresh.status != current.status:
            on_update(fresh)
        return fresh

    def _wait_live(
        self, current: Transformation, deadline: float, on_update: OnUpdate | None
    ) -> Transformation:
        if current.finished or not self.token:
            return current
        url = live.websocket_url(self.base_url, self.token)
        with connect_sync(url, open_timeout=10) as socket:
            current = self._refresh(current, on_update)  # whatever finished before we listened
            while not current.finished:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimedOut(f"transformation {current.id} still {current.status}")
                try:
                    raw = socket.recv(timeout=min(remaining, live.RECHECK_SECONDS))
                except TimeoutError:
                    current = self._refresh(current, on_update)  # a quiet spell: look anyway
                    continue
                if live.event_about(raw, current.id) in live.WORTH_A_LOOK:
                    current = self._refresh(current, on_update)
        return current

    # Presets and delivery
    def list_presets(self) -> list[Preset]:
        return self._do(calls.list_presets())

    def put_preset(self, name: str, spec: calls.Spec) -> Preset:
        return self._do(calls.put_preset(name, spec))

    def get_preset(self, name: str) -> Preset:
        return self._do(calls.get_preset(name))

    def delete_preset(self, name: str) -> None:
        return self._do(calls.delete_preset(name))

    def create_signing_key(self) -> SigningKey:
        return self._do(calls.create_signing_key())

    def list_signing_keys(self) -> list[SigningKey]:
        return self._do(calls.list_signing_keys())

    def delete_signing_key(self, key_id: str) -> None:
        return self._do(calls.delete_signing_key(key_id))

    def delivery_url(self, image_id: str | uuid.UUID, **options: Any) -> DeliveryUrl:
        """Signed by the platform: `options=`, `preset=`, `extension=`, `expires_in=`."""
        return self._do(calls.delivery_url(image_id, **options))


class AsyncClient(_Base):
    """The asyncio twin of Client: the same methods, awaited."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        token: str | None = None,
        *,
        timeout: float = 60.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(base_url, token)
        self._http = httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=transport)

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _do(self, call: calls.Call[T]) -> T:
        request = call.request(self._http)
        request.headers.update(self._headers())
        return call.read(await self._http.send(request))

    async def register(self, username: str, email: str, password: str) -> Session:
        session = await self._do(calls.register(username, email, password))
        self.token = session.access_token
        return session

    async def login(self, username: str, password: str) -> Session:
        session = await self._do(calls.login(username, password))
        self.token = session.access_token
        return session

    async def me(self) -> User:
        return await self._do(calls.me())

    async def delete_account(self, user_id: str) -> None:
        return await self._do(calls.delete_account(user_id))

    async def upload(
        self,
        source: Source,
        *,
        filename: str | None = None,
        presets: list[str] | None = None,
        direct: bool | None = None,
    ) -> Image:
        file, name, size, opened = await asyncio.to_thread(_open, source, filename)
        try:
            if direct if direct is not None else size > DIRECT_UPLOAD_THRESHOLD:
                ticket: UploadTicket = await self._do(calls.start_upload(name, size))
                headers = {**ticket.headers, "Content-Length": str(size)}
                async with httpx.AsyncClient() as storage:
                    content = await asyncio.to_thread(file.read)
                    put = await storage.put(ticket.upload_url, content=content, headers=headers)
                put.raise_for_status()
                return await self._do(calls.complete_upload(ticket.id, presets))
            content = await asyncio.to_thread(file.read)
            return await self._do(calls.upload(io.BytesIO(content), name, presets))
        finally:
            if opened:
                file.close()

    async def list_images(self, page: int = 1, limit: int = 10) -> ImagePage:
        return await self._do(calls.list_images(page, limit))

    async def get_image(self, image_id: str | uuid.UUID) -> Image:
        return await self._do(calls.get_image(image_id))

    async def download(self, image_id: str | uuid.UUID, **variant: Any) -> bytes:
        return await self._do(calls.image_content(image_id, **variant))

    async def delete_image(self, image_id: str | uuid.UUID) -> None:
        return await self._do(calls.delete_image(image_id))

    async def transform(self, image_id: str | uuid.UUID, spec: calls.Spec) -> Transformation:
        return await self._do(calls.transform(image_id, spec))

    async def get_transformation(
        self, image_id: str | uuid.UUID, transformation_id: str
    ) -> Transformation:
        return await self._do(calls.get_transformation(image_id, transformation_id))

    async def transformation_content(
        self, image_id: str | uuid.UUID, transformation_id: str
    ) -> bytes:
        return await self._do(calls.transformation_content(image_id, transformation_id))

    async def wait(
        self,
        transformation: Transformation,
        *,
        max_wait: float = 120.0,
        on_update: OnUpdate | None = None,
    ) -> Transformation:
        deadline = time.monotonic() + max_wait
        current = transformation
        with contextlib.suppress(OSError, websockets.exceptions.WebSocketException):
            current = await self._wait_live(current, deadline, on_update)
        while not current.finished:
            if time.monotonic() > deadline:
                raise WaitTimedOut(f"transformation {current.id} still {current.status}")
            await asyncio.sleep(live.POLL_INTERVAL_SECONDS)
            current = await self._refresh(current, on_update)
        if current.status == "failed":
            raise TransformationFailed(current)
        return current

    async def _refresh(self, current: Transformation, on_update: OnUpdate | None) -> Transformation:
        fresh = await self.get_transformation(current.image_id, current.id)
        if on_update and fresh.status != current.status:
            on_update(fresh)
        return fresh

    async def _wait_live(
        self, current: Transformation, deadline: float, on_update: OnUpdate | None
    ) -> Transformation:
        if current.finished or not self.token:
            return current
        url = live.websocket_url(self.base_url, self.token)
        async with connect_async(url, open_timeout=10) as socket:
            current = await self._refresh(current, on_update)
            while not current.finished:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimedOut(f"transformation {current.id} still {current.status}")
                try:
                    raw = await asyncio.wait_for(
                        socket.recv(), min(remaining, live.RECHECK_SECONDS)
                    )
                except TimeoutError:
                    current = await self._refresh(current, on_update)
                    continue
                if live.event_about(raw, current.id) in live.WORTH_A_LOOK:
                    current = await self._refresh(current, on_update)
        return current

    async def list_presets(self) -> list[Preset]:
        return await self._do(calls.list_presets())

    async def put_preset(self, name: str, spec: calls.Spec) -> Preset:
        return await self._do(calls.put_preset(name, spec))

    async def get_preset(self, name: str) -> Preset:
        return await self._do(calls.get_preset(name))

    async def delete_preset(self, name: str) -> None:
        return await self._do(calls.delete_preset(name))

    async def create_signing_key(self) -> SigningKey:
        return await self._do(calls.create_signing_key())

    async def list_signing_keys(self) -> list[SigningKey]:
        return await self._do(calls.list_signing_keys())

    async def delete_signing_key(self, key_id: str) -> None:
        return await self._do(calls.delete_signing_key(key_id))

    async def delivery_url(self, image_id: str | uuid.UUID, **options: Any) -> DeliveryUrl:
        return await self._do(calls.delivery_url(image_id, **options))
