"""The upload's pixels are decoded in a process of their own (adapters/pixel_decoder.py), on the
real libvips: a large spooled upload is read there from its file, not copied across, and a
decode that hangs is stopped and refused while the service goes on."""

import io
import tempfile
from collections.abc import Iterator

import pytest
import pyvips

from images_service.adapters.image_pixels import UndecodablePixels
from images_service.adapters.pixel_decoder import PixelDecoder, pixel_source
from images_service.adapters.spooling import SPOOL_IN_MEMORY_BYTES


def noisy_png(width: int, height: int) -> bytes:
    # Noise does not compress: a file of about width x height x 3 bytes.
    noise = pyvips.Image.gaussnoise(width, height, mean=128, sigma=60).cast("uchar")
    return noise.bandjoin([noise, noise]).pngsave_buffer(compression=1)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def decoder() -> Iterator[PixelDecoder]:
    decoder = PixelDecoder(timeout=30, decodes_per_process=100)
    yield decoder
    decoder.close()


def test_a_large_spooled_upload_is_read_from_its_file_with_the_same_insight(decoder) -> None:
    data = noisy_png(1200, 1000)
    assert len(data) > SPOOL_IN_MEMORY_BYTES
    with tempfile.TemporaryFile() as spooled:  # what an upload past its in-memory size is
        spooled.write(data)
        spooled.seek(123)
        assert pixel_source(spooled, len(data), hevc=False).data is None  # by reference
        from_file = decoder.insight(spooled, len(data), hevc=False)
        assert spooled.tell() == 123  # the upload's own position is not moved by the decode
    inline = decoder.insight(io.BytesIO(data), len(data), hevc=False)
    assert from_file == inline
    assert from_file.placeholder and from_file.palette


def test_a_decode_past_its_time_limit_is_stopped_and_refused_and_the_next_one_runs() -> None:
    # Stopping a libvips decode at all shows it ran in another process: it cannot be
    # interrupted in this one.
    decoder = PixelDecoder(timeout=0.05, decodes_per_process=100)
    try:
        decoder.insight(io.BytesIO(noisy_png(8, 8)), 0, hevc=False)  # the process started
        big = noisy_png(6000, 4000)  # a PNG does not shrink on load: the whole image is read
        with pytest.raises(UndecodablePixels, match=r"longer than 0\.05 s"):
            decoder.insight(io.BytesIO(big), len(big), hevc=False)
        assert decoder.insight(io.BytesIO(noisy_png(8, 8)), 0, hevc=False).palette
    finally:
        decoder.close()
