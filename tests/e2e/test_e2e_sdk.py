"""The Python SDK (libs/client) against the real platform, through the gateway."""

import io
import uuid
from pathlib import Path

import pytest
from e2e_kit.api import PASSWORD, Gateway, unique_name
from e2e_kit.photos import dimensions, photo_jpeg, sniff_format

import imageplatform
from imageplatform import AsyncClient, Client, NotFound, ValidationFailed

RESIZE_PNG = {"operations": [{"op": "resize", "width": 160}], "output": {"format": "png"}}


def _registered(_: Client | AsyncClient) -> tuple[str, str, str]:
    username = unique_name("sdk")
    return username, f"{username}@example.com", PASSWORD


def test_sync_journey_upload_transform_wait_download(gateway: Gateway, tmp_path: Path) -> None:
    photo = photo_jpeg("chelsea")
    (tmp_path / "cat.jpg").write_bytes(photo)
    with Client(gateway.base_url) as client:
        session = client.register(*_registered(client))
        assert client.me().id == session.user["id"]

        sent: list[tuple[int, int]] = []
        image = client.upload(
            tmp_path / "cat.jpg", progress=lambda done, total: sent.append((done, total))
        )
        assert image.format == "jpeg" and sent[-1] == (len(photo), len(photo))
        assert client.download(image.id) == photo

        updates: list[str] = []
        job = client.transform(image.id, RESIZE_PNG)
        done = client.wait(job, on_update=lambda t: updates.append(t.status))
        assert done.status == "succeeded" and done.result["format"] == "png"
        assert updates[-1] == "succeeded"
        result = client.transformation_content(image.id, done.id)
        assert sniff_format(result) == "png" and dimensions(result)[0] == 160

        variant = client.download(image.id, w=100, format="webp")
        assert sniff_format(variant) == "webp"
        page = client.list_images()
        assert page.total == 1 and page.items[0].id == image.id


def test_direct_upload_goes_straight_to_storage(gateway: Gateway, tmp_path: Path) -> None:
    photo = photo_jpeg("astronaut")
    (tmp_path / "big.jpg").write_bytes(photo)
    with Client(gateway.base_url) as client:
        client.register(*_registered(client))
        sent: list[int] = []
        image = client.upload(
            tmp_path / "big.jpg", direct=True, progress=lambda d, _: sent.append(d)
        )
        assert sent[-1] == len(photo)
        assert image.size_bytes == len(photo) and client.download(image.id) == photo


def test_wait_falls_back_to_polling_without_the_websocket(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on port 9 of loopback: the live channel fails at once.
    monkeypatch.setattr(imageplatform.live, "websocket_url", lambda *_: "ws://127.0.0.1:9/ws")
    with Client(gateway.base_url) as client:
        client.register(*_registered(client))
        image = client.upload(_photo_file(), filename="cat.jpg")
        done = client.wait(client.transform(image.id, RESIZE_PNG), max_wait=60)
        assert done.status == "succeeded"


def test_errors_are_typed_and_name_the_problem(gateway: Gateway) -> None:
    with Client(gateway.base_url) as client:
        client.register(*_registered(client))
        with pytest.raises(NotFound) as missing:
            client.get_image(uuid.uuid4())
        assert missing.value.code == "image_not_found" and missing.value.request_id
        image = client.upload(_photo_file(), filename="cat.jpg")
        with pytest.raises(ValidationFailed) as unknown:
            client.download(image.id, width=800)
        assert unknown.value.details[0]["field"] == "width"
        client.delete_image(image.id)
        with pytest.raises(NotFound):
            client.get_image(image.id)


async def test_async_client_journey(gateway: Gateway) -> None:
    async with AsyncClient(gateway.base_url) as client:
        await client.register(*_registered(client))
        image = await client.upload(_photo_file(), filename="cat.jpg")
        done = await client.wait(await client.transform(image.id, RESIZE_PNG), max_wait=60)
        assert done.status == "succeeded"
        assert sniff_format(await client.transformation_content(image.id, done.id)) == "png"
        assert (await client.get_image(image.id)).transformations[0].id == done.id


def _photo_file() -> io.BytesIO:
    return io.BytesIO(photo_jpeg("chelsea"))
