"""Transformer test fixtures: real photographs shipped in the scikit-image wheel (see SAMPLES.md),
libvips configured as in the worker, and small helpers to run the pipeline and read results."""

from collections.abc import Callable
from importlib.resources import files
from typing import Any

import numpy as np
import pytest
import pyvips

from platform_common.transform_spec import TransformSpec
from transformer_service.adapters.vips_runtime import configure_libvips
from transformer_service.domain.errors import TransformError
from transformer_service.domain.limits import Limits
from transformer_service.domain.loading import probe
from transformer_service.domain.pipeline import Job, Rendered, run_pipeline

MAGIC = {
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "tiff": (b"II*\x00", b"MM\x00*"),
}


def sniff(data: bytes) -> str:
    """The format by magic bytes, independent of libvips."""
    for name, prefixes in MAGIC.items():
        if data.startswith(prefixes):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:12] in (b"ftypavif", b"ftypavis"):
        return "avif"
    return "unknown"


@pytest.fixture(scope="session", autouse=True)
def _libvips_as_in_the_worker() -> None:
    configure_libvips(2)


@pytest.fixture(scope="session")
def photo() -> Callable[[str], bytes]:
    """Bytes of a photo bundled with scikit-image (no network: the files are in the wheel)."""
    data = files("skimage") / "data"

    def read(name: str) -> bytes:
        return (data / name).read_bytes()

    return read


def requested_format(source: bytes, spec: TransformSpec, limits: Limits | None = None) -> str:
    """The format images would put in the request: the spec's, else the source's (images reads
    it from the upload's header; a source nobody can read fails in the pipeline instead)."""
    try:
        source_format = probe(source, limits or Limits()).format
    except TransformError:
        source_format = None
    return spec.resolve_format(source_format)


@pytest.fixture(scope="session")
def transform() -> Callable[..., Rendered]:
    def run(source: bytes, spec: dict[str, Any], **options: Any) -> Rendered:
        """`format` defaults to what images would request: the spec's, else the source's."""
        limits = options.pop("limits", Limits())
        typed = TransformSpec.model_validate(spec)
        fmt = options.pop("format", None) or requested_format(source, typed, limits)
        return run_pipeline(Job(source, typed, fmt, limits=limits, **options))

    return run


def decode(data: bytes, **options: Any) -> pyvips.Image:
    return pyvips.Image.new_from_buffer(data, "", **options)


def pixels(image_or_bytes: pyvips.Image | bytes) -> np.ndarray:
    """An H x W x bands uint8 array."""
    image = decode(image_or_bytes) if isinstance(image_or_bytes, bytes) else image_or_bytes
    array = image.numpy()
    return array if array.ndim == 3 else array[:, :, np.newaxis]


@pytest.fixture(scope="session")
def helpers() -> Any:
    class Helpers:
        sniff = staticmethod(sniff)
        decode = staticmethod(decode)
        pixels = staticmethod(pixels)

    return Helpers
