"""Process-wide libvips configuration, applied in every process that decodes images."""

import os

import pyvips


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
