"""Deciding whether bytes are an image we accept: real type, size, pixel count, readability."""

import hashlib
from dataclasses import dataclass
from typing import BinaryIO

from images_service.adapters.content_sniffing import sniff_format
from images_service.adapters.image_probe import UnreadableImage, read_header
from images_service.adapters.integrity import truncation_problem
from images_service.domain.errors import (
    CorruptImage,
    TooManyPixels,
    TruncatedImage,
    UnsupportedFormat,
    UnsupportedImageType,
    UploadTooLarge,
)
from images_service.domain.formats import ACCEPTED_FORMATS, media_type_for
from images_service.domain.insight import ImageInsight
from images_service.service_layer.insight import PixelReader, compute_insight

HASH_CHUNK_BYTES = 1024 * 1024
# HEIF compressions the transformer decodes: HEVC through pillow-heif's libheif + libde265,
# AV1 through libvips' own libheif. Others (JPEG-in-HEIF, VVC, uncompressed) would only fail later.
DECODABLE_HEIF = {"hevc": "heif", "av1": "avif"}


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    max_pixels: int


@dataclass(frozen=True)
class InspectedImage:
    format: str
    media_type: str
    width: int
    height: int
    size_bytes: int
    checksum_sha256: str
    insight: ImageInsight | None = None


def _size_and_checksum(file: BinaryIO) -> tuple[int, str]:
    file.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := file.read(HASH_CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    file.seek(0)
    return size, digest.hexdigest()


def _heif_flavour(compression: str | None) -> str:
    if compression not in DECODABLE_HEIF:
        raise UnsupportedFormat(
            f"This HEIF file uses {compression or 'an unknown'} compression, which the platform "
            "cannot decode; HEIF with HEVC (HEIC, as phones write it) or AV1 (AVIF) is accepted"
        )
    return DECODABLE_HEIF[compression]


def inspect_image(file: BinaryIO, limits: UploadLimits, pixels: PixelReader) -> InspectedImage:
    """Raises the client-facing error for the first problem found, cheapest checks first."""
    size, checksum = _size_and_checksum(file)
    if size > limits.max_bytes:
        raise UploadTooLarge(limits.max_bytes)
    format_name = sniff_format(file)
    if format_name is None:
        raise UnsupportedImageType(ACCEPTED_FORMATS)
    try:
        header = read_header(file)
    except UnreadableImage as exc:
        # A cut-short file often fails already at its header: say so when its structure shows it.
        problem = truncation_problem(file, format_name)
        if problem:
            raise TruncatedImage(format_name, problem) from exc
        raise CorruptImage(format_name) from exc
    if header.width < 1 or header.height < 1:
        raise CorruptImage(format_name)
    if header.pixels > limits.max_pixels:
        raise TooManyPixels(header.pixels, limits.max_pixels)
    problem = truncation_problem(file, format_name)
    if problem:
        raise TruncatedImage(format_name, problem)
    if format_name == "heif":
        format_name = _heif_flavour(header.heif_compression)
    insight = compute_insight(file, size, header, format_name, pixels)
    return InspectedImage(
        format=format_name,
        media_type=media_type_for(format_name),
        width=header.width,
        height=header.height,
        size_bytes=size,
        checksum_sha256=checksum,
        insight=insight,
    )
