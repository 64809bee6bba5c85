"""An upload's insight, computed once from the header already read and one tiny thumbnail."""

from typing import BinaryIO, Protocol

from images_service.adapters.exif_reader import icc_description, read_exif
from images_service.adapters.image_pixels import PixelInsight, UndecodablePixels
from images_service.adapters.image_probe import ImageHeader
from images_service.domain.errors import UndecodableImage
from images_service.domain.insight import ImageInsight


class PixelReader(Protocol):
    """Reads an upload's pixels (adapters.pixel_decoder: in a disposable process)."""

    def insight(self, file: BinaryIO, size: int, hevc: bool) -> PixelInsight: ...


def compute_insight(
    file: BinaryIO, size: int, header: ImageHeader, format_name: str, pixels: PixelReader
) -> ImageInsight:
    """Raises UndecodableImage when the pixels cannot be decoded: a file whose header reads but
    whose pixels do not is refused at upload, never stored to fail at its first transform."""
    try:
        seen = pixels.insight(file, size, hevc=header.heif_compression == "hevc")
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
        palette=seen.palette,
        placeholder=seen.placeholder,
    )
