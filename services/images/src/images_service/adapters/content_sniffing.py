"""What an upload really is, from its bytes (never from the client's Content-Type or filename).

libvips' own magic-number checks pick the loader; only an allowlist of loaders is accepted, so a
file libvips could parse but we do not want (SVG, PDF, matrix text...) is refused before any
loader runs on it.
"""

from typing import BinaryIO

from pyvips import ffi, vips_lib

SNIFF_BYTES = 4096

# libvips loader class name prefix -> our format name.
_LOADERS: dict[str, str] = {
    "VipsForeignLoadJpeg": "jpeg",
    "VipsForeignLoadPng": "png",
    "VipsForeignLoadWebp": "webp",
    "VipsForeignLoadNsgif": "gif",
    "VipsForeignLoadGif": "gif",
    "VipsForeignLoadTiff": "tiff",
    "VipsForeignLoadHeif": "heif",  # refined to avif from the header's compression
}


def sniff_format(source: BinaryIO) -> str | None:
    """The accepted format the bytes start with, or None. Leaves the file at position 0."""
    source.seek(0)
    head = source.read(SNIFF_BYTES)
    source.seek(0)
    if not head:
        return None
    loader = vips_lib.vips_foreign_find_load_buffer(head, len(head))
    if loader == ffi.NULL:
        return None
    name = ffi.string(loader).decode()
    return next((fmt for prefix, fmt in _LOADERS.items() if name.startswith(prefix)), None)
