"""An upload's insight, computed once from the header already read and one tiny thumbnail."""

from typing import BinaryIO

from images_service.adapters.exif_reader import icc_description, read_exif
from images_service.adapters.image_pixels import UndecodablePixels, palette, placeholder, thumbnail
from images_service.adapters.image_probe import ImageHeader
from images_service.domain.errors import UndecodableImage
from images_service.domain.insight import ImageInsight


def compute_insight(file: BinaryIO, header: ImageHeader, format_name: str) -> ImageInsight:
    """Raises UndecodableImage when the pixels cannot be decoded: a file whose header reads but
    whose pixels do not is refused at upload, never stored to fail at its first transform."""
    try:
        small = thumbnail(file, hevc=header.heif_compression == "hevc")
    except UndecodablePixels as exc:
        raise UndecodableImage(format_name, str(exc)) from exc
    exif = read_exif(header.exif)
    return ImageInsight(
        frames=header.pages,
        has_alpha=header.has_alpha,
        icc_description=icc_description(header.icc_profile),
        camera=exif.camera,
        lens=exif.lens,
        taken_at=exif.taken_at,
        orientation=exif.orientation,
        gps=exif.gps,
        palette=palette(small),
        placeholder=placeholder(small),
    )
