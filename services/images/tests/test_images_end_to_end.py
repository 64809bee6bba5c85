"""End to end with the real transformer worker (a subprocess on the same Kafka and S3):
upload -> transform -> succeeded -> the content has the requested format and size."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import pyvips


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(process: subprocess.Popen, port: int, log: Path, within_seconds: float) -> None:
    deadline = time.monotonic() + within_seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "worker exited:\n" + log.read_text()[-3000:]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError("transformer worker not ready:\n" + log.read_text()[-3000:])


@pytest.fixture(scope="module")
def transformer_worker(stack, images_settings, tmp_path_factory) -> Iterator[None]:
    """`python -m transformer_service worker` reading this session's topics."""
    port = _free_port()
    log = tmp_path_factory.mktemp("transformer") / "worker.log"
    env = {
        **os.environ,
        **stack.env(),
        "TOPIC_TRANSFORM_REQUESTED": images_settings.topic_transform_requested,
        "TOPIC_TRANSFORM_EVENTS": images_settings.topic_transform_events,
        "TOPIC_TRANSFORM_DLQ": images_settings.topic_transform_dlq,
        "FAUST_APP_ID": f"transformer-images-e2e-{uuid.uuid4().hex[:8]}",
        "TRANSFORMER_POOL_SIZE": "1",
        "LOG_LEVEL": "WARNING",
    }
    with log.open("a") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "transformer_service", "worker", "--web-port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its libvips processes go with it
        )
    try:
        _wait_ready(process, port, log, within_seconds=120)
        yield
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)


async def _finished(client, user, link: str) -> dict:
    deadline = asyncio.get_running_loop().time() + 60
    while asyncio.get_running_loop().time() < deadline:
        body = (await client.get(link, headers=user.headers)).json()
        if body["status"] in ("succeeded", "failed"):
            return body
        await asyncio.sleep(0.2)
    raise AssertionError(f"transformation still {body['status']} after 60 s")


def _decoded(data: bytes) -> pyvips.Image:
    return pyvips.Image.new_from_buffer(data, "")


async def test_upload_transform_and_fetch_the_result(transformer_worker, client, user, uploaded):
    image = await uploaded(user, 200, 150)
    spec = {
        "transformations": {
            "resize": {"width": 100},
            "filters": {"grayscale": True},
            "format": "webp",
        }
    }

    accepted = await client.post(
        f"/images/{image['id']}/transform", headers=user.headers, json=spec
    )
    assert accepted.status_code == 202, accepted.text
    done = await _finished(client, user, accepted.json()["links"]["self"])

    assert done["status"] == "succeeded", done
    assert done["result"]["format"] == "webp"
    assert (done["result"]["width"], done["result"]["height"]) == (100, 75)
    content = await client.get(done["links"]["content"], headers=user.headers)
    assert content.status_code == 200
    assert content.headers["content-type"] == "image/webp"
    assert content.headers["etag"] == done["etag"]
    result = _decoded(content.content)
    assert result.get("vips-loader").startswith("webpload")
    assert (result.width, result.height) == (100, 75)
    assert len(content.content) == done["result"]["bytes"]


async def test_on_the_fly_variant_and_image_watermark(transformer_worker, client, user, uploaded):
    photo, logo = await uploaded(user, 160, 120), await uploaded(user, 32, 32)

    async def variant():
        deadline = asyncio.get_running_loop().time() + 60
        while asyncio.get_running_loop().time() < deadline:
            response = await client.get(
                f"/images/{photo['id']}/content?w=80&h=80&fit=cover&format=png",
                headers=user.headers,
            )
            if response.status_code == 200:
                return response
            assert response.status_code == 202, response.text
            await asyncio.sleep(0.2)
        raise AssertionError("the on-the-fly variant never came")

    response = await variant()
    result = _decoded(response.content)
    assert result.get("vips-loader").startswith("pngload")
    assert (result.width, result.height) == (80, 80)

    spec = {
        "operations": [{"op": "watermark_image", "image_id": logo["id"], "opacity": 0.8}],
        "output": {"format": "jpeg"},
    }
    accepted = await client.post(
        f"/images/{photo['id']}/transform", headers=user.headers, json=spec
    )
    done = await _finished(client, user, accepted.json()["links"]["self"])
    assert done["status"] == "succeeded", done
    marked = _decoded((await client.get(done["links"]["content"], headers=user.headers)).content)
    assert marked.get("vips-loader").startswith("jpegload")
    assert (marked.width, marked.height) == (160, 120)
