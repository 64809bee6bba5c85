"""Where an upload rests in the API process while it is checked and stored: in memory up to
SPOOL_IN_MEMORY_BYTES, past that in a temporary file on disk (which the pixel process then
opens itself, adapters/pixel_decoder.py). The same size as Starlette spools a multipart
upload's file at, so every way in (form upload, direct upload, fetch from a URL) behaves alike.
"""

import tempfile
from typing import BinaryIO, cast

SPOOL_IN_MEMORY_BYTES = 1024 * 1024


def spooled_file() -> BinaryIO:
    # typeshed's SpooledTemporaryFile is not a BinaryIO, though it behaves as one
    return cast(BinaryIO, tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY_BYTES))
