"""The explicit resource limits a job runs under (settings fill them in)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    # Checked on the header, before a single pixel is decoded: width * height * frames.
    max_source_pixels: int = 100_000_000
    max_source_bytes: int = 100 * 1024 * 1024
    max_frames: int = 500
    max_output_pixels: int = 100_000_000
    max_output_bytes: int = 64 * 1024 * 1024
