"""Is the file complete? A bounded-cost check of each format's own end structure.

Decoding every pixel would prove a file whole but costs in proportion to its size, in the API
process. Instead each format is checked where truncation shows, reading at most TAIL_BYTES from
the end plus a few header bytes, so a 16 MB JPEG costs the same as a 16 KB one:

- JPEG: after the first start-of-scan marker there must be an end-of-image marker (FFD9).
  Entropy-coded data never contains FFD9 (0xFF bytes are stuffed), so its absence after the scan
  starts means the scan was cut. Trailing data after EOI (phone makers append some) is allowed.
- PNG: an IEND chunk must be near the end.
- WebP: the RIFF header declares the file's size; fewer bytes than that means it was cut.
- HEIF/AVIF: the top-level boxes, read by their size fields, must fit in the file.
"""

import struct
from collections.abc import Callable
from typing import BinaryIO

TAIL_BYTES = 1024 * 1024
HEAD_BYTES = 256 * 1024
MAX_HEIF_BOXES = 1000


def _size(file: BinaryIO) -> int:
    return file.seek(0, 2)


def _read(file: BinaryIO, offset: int, count: int) -> bytes:
    file.seek(offset)
    return file.read(count)


def _first_scan_offset(head: bytes) -> int | None:
    """Walk the JPEG marker segments (each length-prefixed) up to the first SOS (FFDA)."""
    position = 2
    while position + 4 <= len(head):
        if head[position] != 0xFF:
            return None
        marker = head[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xDA:
            return position
        (length,) = struct.unpack(">H", head[position + 2 : position + 4])
        position += 2 + length
    return None


def jpeg_problem(file: BinaryIO) -> str | None:
    size = _size(file)
    scan = _first_scan_offset(_read(file, 0, HEAD_BYTES))
    if scan is None:  # no image data yet: the header itself is incomplete (see read_header)
        return None
    start = max(scan, size - TAIL_BYTES)
    if _read(file, start, size - start).rfind(b"\xff\xd9") == -1:
        return "the image data stops before the end-of-image marker"
    return None


def png_problem(file: BinaryIO) -> str | None:
    size = _size(file)
    tail = _read(file, max(8, size - 4096), 4096)
    if b"IEND" not in tail:
        return "it has no IEND chunk, so the image data stops before the end"
    return None


def webp_problem(file: BinaryIO) -> str | None:
    size = _size(file)
    header = _read(file, 0, 12)
    if len(header) < 12:
        return "it is shorter than its 12-byte RIFF header"
    declared = struct.unpack("<I", header[4:8])[0] + 8
    if size < declared:
        return f"its RIFF header declares {declared:,} bytes but only {size:,} arrived"
    return None


def heif_problem(file: BinaryIO) -> str | None:
    size, position = _size(file), 0
    for _ in range(MAX_HEIF_BOXES):
        if position >= size:
            return None
        header = _read(file, position, 16)
        if len(header) < 8:
            return "it ends inside a box header"
        box_size, box_type = struct.unpack(">I4s", header[:8])
        if box_size == 1 and len(header) == 16:
            box_size = struct.unpack(">Q", header[8:16])[0]
        elif box_size == 0:  # the last box runs to the end of the file
            return None
        if box_size < 8 or position + box_size > size:
            name = box_type.decode("latin-1")
            return f"its '{name}' box needs {box_size:,} bytes but the file ends sooner"
        position += box_size
    return None


CHECKS: dict[str, Callable[[BinaryIO], str | None]] = {
    "jpeg": jpeg_problem,
    "png": png_problem,
    "webp": webp_problem,
    "heif": heif_problem,
}


def truncation_problem(file: BinaryIO, format_name: str) -> str | None:
    """What shows the file is cut short, or None (also for formats with no cheap check)."""
    check = CHECKS.get(format_name)
    if check is None:
        return None
    try:
        return check(file)
    finally:
        file.seek(0)
