"""Output formats by magic bytes, compression options, metadata policy and animations."""

import io

import pytest
import pyvips
from PIL import Image, TiffImagePlugin

from transformer_service.config import Settings

SMALL = {"op": "resize", "width": 200}


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp", "avif", "gif", "tiff"])
def test_every_output_format(photo, transform, helpers, fmt: str) -> None:
    result = transform(photo("rocket.jpg"), {"operations": [SMALL], "output": {"format": fmt}})
    assert result.format == fmt and helpers.sniff(result.data) == fmt
    image = helpers.decode(result.data)
    assert (image.width, image.height) == (result.width, result.height) == (200, 133)


def test_no_format_keeps_the_source_format(photo, transform, helpers) -> None:
    assert helpers.sniff(transform(photo("coffee.png"), {"operations": [SMALL]}).data) == "png"
    assert helpers.sniff(transform(photo("rocket.jpg"), {"operations": [SMALL]}).data) == "jpeg"


def test_the_requested_format_is_written_when_the_spec_keeps_the_source(photo, transform, helpers):
    result = transform(photo("coffee.png"), {"operations": [SMALL]}, format="webp")
    assert helpers.sniff(result.data) == "webp"


def test_quality_trades_size(photo, transform) -> None:
    def size(quality: int) -> int:
        spec = {"output": {"format": "jpeg", "quality": quality}}
        return len(transform(photo("rocket.jpg"), spec).data)

    assert size(30) < 0.7 * size(90)


def test_a_waiting_client_gets_webp_from_the_fast_encoder_settings(photo, transform) -> None:
    # On the fly the encoder trades a few percent of bytes for about half its CPU (effort 2
    # against 4); both are the photo preset's, at the same quality.
    spec = {"operations": [{"op": "resize", "width": 300}], "output": {"format": "webp"}}
    encoders = Settings().encoders
    fast = transform(photo("rocket.jpg"), spec, encoder=encoders.on_the_fly).data
    queued = transform(photo("rocket.jpg"), spec, encoder=encoders.queued).data
    image = pyvips.Image.thumbnail_buffer(photo("rocket.jpg"), 300, height=10_000_000).copy_memory()
    assert fast == image.webpsave_buffer(Q=80, effort=2, preset="photo", keep="icc")
    assert queued == image.webpsave_buffer(Q=80, effort=4, preset="photo", keep="icc")
    assert len(fast) < 1.15 * len(queued)


def test_png_palette_and_compression(photo, transform, helpers) -> None:
    def encoded(**options) -> bytes:
        return transform(photo("coffee.png"), {"output": {"format": "png", **options}}).data

    palette = encoded(png_palette=True)
    assert len(palette) < 0.6 * len(encoded())
    assert palette[25] == 3  # IHDR colour type 3: indexed colour
    assert len(encoded(png_compression=9)) <= len(encoded(png_compression=1))


def test_lossless_webp_keeps_every_pixel(photo, transform, helpers) -> None:
    result = transform(photo("astronaut.png"), {"output": {"format": "webp", "lossless": True}})
    assert (helpers.pixels(result.data) == helpers.pixels(photo("astronaut.png"))).all()


def with_xmp(source: bytes) -> bytes:
    image = pyvips.Image.new_from_buffer(source, "").copy()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    image.set_type(pyvips.GValue.blob_type, "xmp-data", xmp)
    return image.jpegsave_buffer(Q=95, keep=pyvips.enums.ForeignKeep.ALL)


def test_metadata_is_stripped_but_the_icc_profile_kept(photo, transform, helpers) -> None:
    source = with_xmp(photo("rocket.jpg"))
    fields = helpers.decode(source).get_fields()
    assert "xmp-data" in fields and "icc-profile-data" in fields
    out = helpers.decode(transform(source, {"operations": [SMALL]}).data).get_fields()
    assert "icc-profile-data" in out and "xmp-data" not in out


def test_metadata_can_be_kept_or_everything_stripped(photo, transform, helpers) -> None:
    source = with_xmp(photo("rocket.jpg"))
    kept = transform(source, {"output": {"strip_metadata": False}}).data
    assert "xmp-data" in helpers.decode(kept).get_fields()
    bare = transform(source, {"output": {"keep_icc": False}}).data
    assert "icc-profile-data" not in helpers.decode(bare).get_fields()


@pytest.mark.parametrize("fmt", ["gif", "webp"])
def test_animations_keep_their_frames(photo, transform, helpers, fmt: str) -> None:
    source = photo("no_time_for_that_tiny.gif")  # 24 frames of 14x25
    spec = {
        "operations": [{"op": "resize", "width": 28, "upscale": True}, "mirror"],
        "output": {"format": fmt},
    }
    result = transform(source, spec)
    image = helpers.decode(result.data, n=-1)
    assert helpers.sniff(result.data) == fmt
    assert image.get("n-pages") == 24 and image.get("page-height") == result.height == 50
    assert image.get("delay") == helpers.decode(source, n=-1).get("delay")


def test_a_still_format_takes_the_first_frame(photo, transform, helpers) -> None:
    result = transform(photo("no_time_for_that_tiny.gif"), {"output": {"format": "png"}})
    assert (result.width, result.height) == (14, 25)
    assert "n-pages" not in helpers.decode(result.data).get_fields()


def with_camera_and_position(source: bytes, xmp_gps: bool) -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "Canon EOS 5D"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", tuple(TiffImagePlugin.IFDRational(v) for v in (48, 51, 29))
    gps[3], gps[4] = "E", tuple(TiffImagePlugin.IFDRational(v) for v in (2, 17, 40))
    out = io.BytesIO()
    Image.open(io.BytesIO(source)).convert("RGB").save(out, "JPEG", exif=exif)
    image = pyvips.Image.new_from_buffer(out.getvalue(), "").copy()
    if xmp_gps:
        xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="48,51.5N"/></rdf:RDF></x:xmpmeta>'  # noqa: E501
        image.set_type(pyvips.GValue.blob_type, "xmp-data", xmp)
    return image.jpegsave_buffer(Q=90, keep=pyvips.enums.ForeignKeep.ALL)


@pytest.mark.parametrize("fmt", ["jpeg", "webp", "png"])
def test_kept_metadata_never_carries_the_position(photo, transform, helpers, fmt: str) -> None:
    """Variants are what delivery URLs share: even with strip_metadata false, no GPS leaves."""
    source = with_camera_and_position(photo("rocket.jpg"), xmp_gps=True)
    fields = helpers.decode(source).get_fields()
    assert "exif-ifd3-GPSLatitude" in fields and "xmp-data" in fields
    kept = transform(source, {"output": {"strip_metadata": False, "format": fmt}}).data
    out = helpers.decode(kept)
    names = out.get_fields()
    assert not [name for name in names if name.startswith("exif-ifd3-")]
    assert "xmp-data" not in names
    assert b"GPS" not in kept  # neither a tag name nor a packet mentions it anywhere in the file
    if fmt != "png":  # libvips writes no EXIF into PNG's eXIf on every build; JPEG/WebP keep it
        assert "Canon EOS 5D" in out.get("exif-ifd0-Model")
