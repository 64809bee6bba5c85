"""Pure rules: the status lifecycle, content sniffing, filenames (no infrastructure needed)."""

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import pyvips

from images_service.adapters.content_sniffing import sniff_format
from images_service.domain.transformation import Transformation, VariantResult
from images_service.service_layer.images import clean_filename

NOW = datetime(2025, 1, 1, tzinfo=UTC)
RESULT = VariantResult("png", 1, 1, 1)


def _transformation() -> Transformation:
    return Transformation(
        id=uuid.uuid4(),
        image_id=uuid.uuid4(),
        spec="{}",
        variant_key="variants/abc.png",
        created_at=NOW,
        updated_at=NOW,
        last_requested_at=NOW,
    )


def test_status_moves_forward_only():
    t = _transformation()

    assert t.mark_processing(1, NOW)
    assert t.mark_succeeded(RESULT, NOW)
    assert not t.mark_processing(2, NOW)
    assert not t.mark_failed("late", "late failure", NOW)
    assert not t.mark_succeeded(RESULT, NOW)
    assert t.status == "succeeded" and t.error_code is None


def test_a_late_success_supersedes_a_failure_but_not_the_reverse():
    t = _transformation()
    t.mark_failed("timeout", "took too long", NOW)

    assert not t.mark_processing(2, NOW)
    assert t.mark_succeeded(RESULT, NOW)
    assert t.status == "succeeded" and t.error_code is None


def test_success_straight_from_pending_is_fine():
    t = _transformation()

    assert t.mark_succeeded(RESULT, NOW)
    assert (t.status, t.result_format) == ("succeeded", "png")


def test_an_owner_retry_restarts_a_failed_transformation():
    t = _transformation()
    t.mark_failed("boom", "boom", NOW)

    t.retry(NOW + timedelta(minutes=1))

    assert t.status == "pending" and t.error_code is None


def test_touch_is_coarse_so_reads_rarely_write():
    t = _transformation()

    assert not t.touch(NOW + timedelta(minutes=5))
    assert t.touch(NOW + timedelta(hours=2))


def test_the_etag_is_the_content_address():
    assert _transformation().etag == '"abc"'


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [("jpg", "jpeg"), ("png", "png"), ("webp", "webp"), ("gif", "gif"), ("tif", "tiff")],
)
def test_sniffing_reads_the_magic_bytes(suffix, expected):
    data = pyvips.Image.black(4, 4).write_to_buffer(f".{suffix}")

    assert sniff_format(io.BytesIO(data)) == expected


def test_avif_is_sniffed_as_heif_family():
    data = pyvips.Image.black(4, 4).write_to_buffer(".avif")

    assert sniff_format(io.BytesIO(data)) == "heif"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"hello world",
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"%PDF-1.7\n",
        b"P6\n1 1\n255\n\0\0\0",
    ],
)
def test_sniffing_refuses_everything_else(data):
    assert sniff_format(io.BytesIO(data)) is None


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("photo.jpg", "photo.jpg"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\cat.png", "cat.png"),
        ("", None),
        (None, None),
        ("x" * 300, "x" * 255),
    ],
)
def test_filenames_keep_only_a_bounded_last_segment(given, kept):
    assert clean_filename(given) == kept
