"""How much work a transformation is, estimated before it runs: megapixels x operations.

The transformer schedules by it (a heavy job may not hold every worker) and the gateway charges
by it (an expensive request spends more of the caller's budget). It is an estimate, not a
measurement: each step costs the pixels it touches times a weight, relative to a plain resample
(weight 1), and geometry is followed through the steps (an upscale or a rotation by 45 degrees
makes every later step touch more pixels). Pure: no libvips, no I/O.
"""

import math
from dataclasses import dataclass

from platform_common.transform_spec import (
    Blur,
    Crop,
    Operation,
    Resize,
    Rotate,
    Sharpen,
    Sketch,
    SmartCrop,
    TransformSpec,
)

# Set by the images service on a transform request that queued new work, to its estimate in
# megapixel-operations; the gateway charges the caller's budget by it and strips it.
COST_HEADER = "X-Transform-Cost"
# When the source's size is not known (an older request): a typical 12 MP photo.
ASSUMED_SOURCE_SIZE = (4000, 3000)
# Per pixel, relative to a resample; an operation not listed costs 1.
_FLAT_WEIGHTS = {"flip": 0.5, "mirror": 0.5, "watermark_text": 0.5, "watermark_image": 1.0}
# Calibrated roughly on a 12 MP photo with one libvips thread, where 1 s is about 30 units.
_SKETCH_WEIGHTS = {"basic": 6.0, "advanced": 15.0, "artistic": 30.0}
_ENCODE_WEIGHTS = {"jpeg": 1.0, "webp": 2.0, "avif": 6.0, "gif": 3.0, "tiff": 0.5}
DECODE_WEIGHT = 1.0
MEGA = 1_000_000


@dataclass(frozen=True)
class JobCost:
    """Megapixel-operations: 1.0 is about one resample of a 1 MP image."""

    megapixel_ops: float

    def is_heavy(self, threshold: float) -> bool:
        return self.megapixel_ops >= threshold

    def units(self, unit: float, ceiling: int) -> int:
        """Whole budget units, at least 1 and at most `ceiling`."""
        return max(1, min(ceiling, math.ceil(self.megapixel_ops / unit)))


def _resized(op: Resize, width: int, height: int) -> tuple[int, int]:
    scale_w = op.width / width if op.width else None
    scale_h = op.height / height if op.height else None
    if op.fit == "fill":
        return op.width or width, op.height or height
    scales = [s for s in (scale_w, scale_h) if s is not None]
    scale = max(scales) if op.fit == "cover" else min(scales)
    if not op.upscale:
        scale = min(scale, 1.0)
    if op.fit in ("cover", "contain") and op.width and op.height:
        return op.width, op.height  # cropped or padded to the box
    return max(1, round(width * scale)), max(1, round(height * scale))


def _rotated(op: Rotate, width: int, height: int) -> tuple[int, int]:
    if op.angle % 180 == 0:
        return width, height
    if op.angle % 90 == 0:
        return height, width
    radians = math.radians(op.angle)
    cos, sin = abs(math.cos(radians)), abs(math.sin(radians))
    return math.ceil(width * cos + height * sin), math.ceil(width * sin + height * cos)


def _step(op: Operation, width: int, height: int) -> tuple[float, int, int]:
    """(weight per output pixel, width after, height after) of one operation."""
    if isinstance(op, Resize):
        return 1.0, *_resized(op, width, height)
    if isinstance(op, Crop | SmartCrop):
        analyse = 2.0 if isinstance(op, SmartCrop) else 0.1
        return analyse, min(op.width, width), min(op.height, height)
    if isinstance(op, Rotate):
        return (0.5 if op.angle % 90 == 0 else 2.0), *_rotated(op, width, height)
    if isinstance(op, Blur | Sharpen):
        # A separable Gaussian's kernel grows with sigma (libvips vectorises it well).
        return max(1.0, op.sigma / 5), width, height
    if isinstance(op, Sketch):
        return _SKETCH_WEIGHTS.get(op.method, 10.0), width, height
    return _FLAT_WEIGHTS.get(getattr(op, "op", ""), 1.0), width, height


def estimate_cost(
    spec: TransformSpec, source_size: tuple[int, int] | None, source_format: str | None = None
) -> JobCost:
    """The estimated work of `spec` on a source of `source_size` (width, height) pixels."""
    width, height = source_size or ASSUMED_SOURCE_SIZE
    total = DECODE_WEIGHT * width * height
    for op in spec.operations:
        weight, width, height = _step(op, width, height)
        total += weight * width * height
    output = spec.output
    encoded = spec.resolve_format(source_format)
    if encoded == "png":
        encode_weight = 2.0 + output.png_compression / 2
    else:
        encode_weight = _ENCODE_WEIGHTS.get(encoded, 1.0)
    total += encode_weight * width * height
    return JobCost(total / MEGA)
