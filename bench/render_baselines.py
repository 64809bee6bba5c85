"""The render benchmark's two baselines and its photos.

- raw pyvips in this process: the least code libvips needs for "resize to 800 px wide, WebP q80"
  with the encoder settings the transformer uses (ICC kept, everything else stripped; the WebP
  effort and preset of its defaults, on the fly or queued as the platform's request is), on one
  libvips thread, as each of the transformer's pool processes runs;
- Thumbor from PyPI: its file loader over a directory of the same photos, no storage and no
  result storage (every request is a new render), on loopback, one process per core.
"""

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pyvips

from transformer_service.config import Settings as TransformerSettings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # the e2e photo kit: one set of photos

from e2e_kit.photos import photo_megapixels_jpeg  # noqa: E402

WIDTH, QUALITY = 800, 80
# scikit-image's bundled photographs upscaled with libvips (Lanczos 3) to camera sizes: the
# sizes the issue measured, 1.3 to 17.9 MP.
PHOTOS = [
    ("rocket", 1.3),
    ("chelsea", 3.0),
    ("coffee", 6.0),
    ("rocket", 9.0),
    ("coffee", 12.0),
    ("astronaut", 17.9),
]


@dataclass(frozen=True)
class Photo:
    name: str
    data: bytes

    @property
    def megapixels(self) -> float:
        image = pyvips.Image.new_from_buffer(self.data, "")
        return float(image.width * image.height / 1e6)


def photos() -> list[Photo]:
    return [Photo(f"{name}-{mp:g}mp.jpg", photo_megapixels_jpeg(name, mp)) for name, mp in PHOTOS]


def with_comment(data: bytes, comment: str) -> bytes:
    """The same JPEG with a comment segment after SOI: other bytes (so another checksum and a new
    variant address) that decode to exactly the same pixels at exactly the same cost."""
    text = comment.encode()
    return data[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + data[2:]


def _default(setting: str) -> Any:
    return TransformerSettings.model_fields[setting].default


# The transformer's WebP settings (its defaults): a client waiting on the fly, a queued request.
WEBP_ON_THE_FLY = {"effort": _default("webp_effort_on_the_fly"), "preset": _default("webp_preset")}
WEBP_QUEUED = {"effort": _default("webp_effort"), "preset": _default("webp_preset")}


def raw_pyvips(data: bytes, webp: Mapping[str, Any] = WEBP_ON_THE_FLY) -> bytes:
    image = pyvips.Image.thumbnail_buffer(
        data, WIDTH, height=10_000_000, option_string="fail_on=truncated"
    )
    encoded: bytes = image.webpsave_buffer(Q=QUALITY, keep="icc", **webp)
    return encoded


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


THUMBOR_CONF = """
LOADER = 'thumbor.loaders.file_loader'
FILE_LOADER_ROOT_PATH = {root!r}
STORAGE = 'thumbor.storages.no_storage'
RESULT_STORAGE = None
ALLOW_UNSAFE_URL = True
QUALITY = {quality}
WEBP_QUALITY = {quality}
AUTO_WEBP = False
PRESERVE_EXIF_INFO = False
MAX_PIXELS = 100000000
"""


class Thumbor:
    def __init__(self, url: str, process: subprocess.Popen[bytes]) -> None:
        self.url = url
        self.process = psutil.Process(process.pid)

    def path(self, file_name: str) -> str:
        return f"/unsafe/{WIDTH}x0/filters:format(webp):quality({QUALITY})/{file_name}"

    def cpu_seconds(self) -> float:
        total = 0.0
        for process in [self.process, *self.process.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                total += times.user + times.system
        return total


@contextlib.contextmanager
def thumbor(files: dict[str, bytes], processes: int) -> Iterator[Thumbor]:
    with tempfile.TemporaryDirectory(prefix="thumbor-") as root:
        for name, data in files.items():
            (Path(root) / name).write_bytes(data)
        conf = Path(root) / "thumbor.conf"
        conf.write_text(THUMBOR_CONF.format(root=root, quality=QUALITY))
        port = _free_port()
        command = [
            str(Path(sys.executable).parent / "thumbor"),
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "-c",
            str(conf),
            "-l",
            "error",
            "--processes",
            str(processes),
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{url}/healthcheck", timeout=2).status_code == 200:
                        break
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("thumbor did not start")
                time.sleep(0.2)
            yield Thumbor(url, process)
        finally:
            # --processes forks: the children are stopped too, not left running on their own.
            children = psutil.Process(process.pid).children(recursive=True)
            for child in children:
                child.terminate()
            process.terminate()
            process.wait(timeout=10)
            psutil.wait_procs(children, timeout=10)


def _efforts(
    sources: list[Photo], efforts: tuple[int, ...], save: Callable[[pyvips.Image, int], bytes]
) -> dict[int, tuple[float, int]]:
    """Encoder CPU seconds and bytes for the 800 px results of all photos, per effort, on one
    libvips thread (the resize is done once, outside the timing)."""
    cpu = dict.fromkeys(efforts, 0.0)
    size = dict.fromkeys(efforts, 0)
    for photo in sources:
        image = pyvips.Image.thumbnail_buffer(photo.data, WIDTH, height=10_000_000).copy_memory()
        for effort in efforts:
            started = time.process_time()
            data = save(image, effort)
            cpu[effort] += time.process_time() - started
            size[effort] += len(data)
    return {effort: (cpu[effort], size[effort]) for effort in efforts}


def avif_efforts(sources: list[Photo]) -> dict[int, tuple[float, int]]:
    """AVIF at the transformer's efforts (AVIF_EFFORT_ON_THE_FLY, AVIF_EFFORT) and 4."""
    return _efforts(
        sources,
        (0, 2, 4),
        lambda image, effort: image.heifsave_buffer(compression="av1", effort=effort, keep="icc"),
    )


def webp_efforts(sources: list[Photo]) -> dict[int, tuple[float, int]]:
    """WebP q80 at the transformer's efforts (WEBP_EFFORT_ON_THE_FLY, WEBP_EFFORT) and 0."""
    preset = WEBP_QUEUED["preset"]
    return _efforts(
        sources,
        (0, 2, 4),
        lambda image, effort: image.webpsave_buffer(
            Q=QUALITY, effort=effort, preset=preset, keep="icc"
        ),
    )
