"""What an upload really is, from its bytes (never from the client's Content-Type or filename).

libvips' own loaders decide, each by its own test (`is_a`) over a source that reads the file on
demand: most look at the first bytes, but TIFF's test follows the header to the first directory,
wherever in the file it is (a libvips-written TIFF has it after the pixels). Only an allowlist of
loaders is accepted, so a file libvips could parse but we do not want (SVG, PDF, matrix text...)
is refused before any loader runs on it.
"""

from typing import BinaryIO

import pyvips
from pyvips import ffi, vips_lib

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


def source_for(file: BinaryIO) -> pyvips.SourceCustom:
    """A libvips source reading the upload on demand (nothing is copied into memory)."""
    source = pyvips.SourceCustom()
    source.on_read(file.read)
    source.on_seek(file.seek)
    return source


def sniff_format(file: BinaryIO) -> str | None:
    """The accepted format the bytes are, or None. Leaves the file at position 0."""
    file.seek(0)
    try:
        if not file.read(1):
            return None
        file.seek(0)
        source = source_for(file)  # kept referenced: libvips calls back into it
        loader = vips_lib.vips_foreign_find_load_source(source.pointer)
        if loader == ffi.NULL:
            vips_lib.vips_error_clear()
            return None
        name = ffi.string(loader).decode()
        return next((fmt for prefix, fmt in _LOADERS.items() if name.startswith(prefix)), None)
    finally:
        file.seek(0)
