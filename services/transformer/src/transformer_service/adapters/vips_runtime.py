"""Process-wide libvips configuration, applied in every process that decodes images."""

import logging
import os

import pyvips

from transformer_service.domain.operations.watermark_text import FONT, FONT_FILE

logger = logging.getLogger(__name__)


def configure_libvips(threads: int) -> None:
    os.environ["VIPS_CONCURRENCY"] = str(threads)
    pyvips.concurrency_set(threads)
    # Every job decodes different bytes: the operation cache would only hold memory.
    pyvips.cache_set_max(0)
    pyvips.cache_set_max_mem(0)
    pyvips.cache_set_max_files(0)
    # Loaders libvips marks untrusted (SVG, PDF, ImageMagick, ...) are off; the pipeline's own
    # allow-list refuses the rest.
    pyvips.block_untrusted_set(True)
    pyvips.operation_block_set("VipsForeignLoadSvg", True)
    pyvips.operation_block_set("VipsForeignLoadMagick", True)
    pyvips.operation_block_set("VipsForeignLoadPdf", True)


def check_fonts() -> None:
    """Text watermarks need a real font; without one pango renders boxes or nothing."""
    if not FONT_FILE.exists():
        logger.warning("font %s missing: install fonts-dejavu-core; using fontconfig", FONT_FILE)
    mask = pyvips.Image.text("Ag", font=f"{FONT} 20", dpi=72)
    if mask.max() == 0:
        raise RuntimeError("no usable font for text watermarks (install fonts-dejavu-core)")
