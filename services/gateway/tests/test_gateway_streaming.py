"""Big bodies stream through the gateway: a 20 MB upload and its download never sit whole in the
gateway's memory (measured on the gateway process itself)."""

import io
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

MIB = 1024 * 1024
# Far less than the 20 MB that crosses: buffering the body would show up as >= 20 MiB here.
MAX_PEAK_GROWTH_KIB = 8 * 1024


@pytest.fixture(scope="module")
def big_tiff(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uncompressed ~20 MB TIFF of noise (a real image images accepts, that cannot shrink)."""
    width, height = 2700, 2600
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="TIFF")
    path = tmp_path_factory.mktemp("big") / "noise.tiff"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size >= 20 * MIB
    return path


def reset_peak(gateway: Any) -> int:
    """Restart the VmHWM count from now (clear_refs "5"); returns the current VmRSS in KiB."""
    Path(f"/proc/{gateway.pid}/clear_refs").write_text("5")
    return gateway.memory_kib("VmRSS")


def test_a_20_mb_upload_and_download_stream_through(
    start_gateway: Any, client: httpx.Client, make_user: Any, upload_image: Any, big_tiff: Path
) -> None:
    gateway = start_gateway()
    user = make_user()
    with httpx.Client(base_url=gateway.url, timeout=120) as edge:
        upload_image(edge, user["headers"])  # warm up: imports, pools, caches
        before = reset_peak(gateway)
        with big_tiff.open("rb") as body:
            files = {"file": ("noise.tiff", body, "image/tiff")}
            created = edge.post("/images", headers=user["headers"], files=files)
        assert created.status_code == 201, created.text
        assert created.json()["size_bytes"] == big_tiff.stat().st_size
        upload_growth = gateway.memory_kib("VmHWM") - before

        before = reset_peak(gateway)
        received = 0
        with edge.stream("GET", created.json()["url"], headers=user["headers"]) as response:
            assert response.status_code == 200
            assert response.headers["content-length"] == str(big_tiff.stat().st_size)
            for chunk in response.iter_raw():
                received += len(chunk)
        download_growth = gateway.memory_kib("VmHWM") - before

    assert received == big_tiff.stat().st_size
    assert upload_growth < MAX_PEAK_GROWTH_KIB, f"upload grew the gateway by {upload_growth} KiB"
    assert download_growth < MAX_PEAK_GROWTH_KIB, f"download grew it by {download_growth} KiB"
