"""run_pipeline: source bytes + spec -> encoded result. Pure computation, no I/O.

The shape follows how libvips is fast: the header is checked first, a leading resize becomes
thumbnail_buffer (shrink-on-load: a 12 MP JPEG is decoded at 1/8 scale when the target is small),
everything else is one lazy, streaming pipeline that the encoder pulls top to bottom, and
operations that need random access render what precedes them to memory at that point only.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyvips

from platform_common.transform_spec import ANIMATED_FORMATS, Operation, Resize, TransformSpec
from transformer_service.domain.colourspace import to_working_space
from transformer_service.domain.encoding import EncoderSettings, check_output_pixels, encode
from transformer_service.domain.errors import SourceTooLarge
from transformer_service.domain.limits import Limits
from transformer_service.domain.loading import (
    SourceInfo,
    check_pixels,
    decode_error,
    load,
    load_thumbnail,
    probe,
)
from transformer_service.domain.operations import OperationContext, apply
from transformer_service.domain.operations.resize import finish_resize, thumbnail_options


@dataclass(frozen=True)
class Rendered:
    data: bytes
    format: str
    width: int
    height: int  # of one frame, for an animation


@dataclass(frozen=True)
class Job:
    source: bytes
    spec: TransformSpec
    # The format to write, as the request says (its producer resolved the source's format).
    format: str
    assets: Mapping[str, bytes] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    encoder: EncoderSettings = field(default_factory=EncoderSettings)


def apply_all(
    image: pyvips.Image, operations: Sequence[Operation], context: OperationContext
) -> pyvips.Image:
    for op in operations:
        image = apply(image, op, context)
        # Geometry is known before any pixel is computed: refuse a huge canvas up front.
        check_output_pixels(image, context.limits)
    return image


def _still(job: Job, info: SourceInfo, context: OperationContext) -> pyvips.Image:
    operations = list(job.spec.operations)
    first = operations[0] if operations else None
    if isinstance(first, Resize):
        width, options = thumbnail_options(first, info.width, info.height)
        image = to_working_space(load_thumbnail(job.source, width, **options))
        return apply_all(finish_resize(image, first), operations[1:], context)
    image = load(job.source)
    if info.orientation > 1:
        # autorot moves rows out of order, so the decoded image is rendered to memory first.
        image = image.copy_memory().autorot()
    return apply_all(to_working_space(image), operations, context)


def _animation(job: Job, info: SourceInfo, context: OperationContext) -> pyvips.Image:
    """Every frame goes through the same operations; the frames are stacked again after."""
    check_pixels(info.width, info.height, info.frames, job.limits)
    if info.frames > job.limits.max_frames:
        raise SourceTooLarge(
            f"the animation has {info.frames} frames; the limit is {job.limits.max_frames}"
        )
    strip = load(job.source, frames=-1, access="random")
    page = strip.get("page-height") if "page-height" in strip.get_fields() else info.height
    frames = [
        apply_all(
            to_working_space(strip.crop(0, top, strip.width, page)), job.spec.operations, context
        )
        for top in range(0, strip.height - page + 1, page)
    ]
    animation = pyvips.Image.arrayjoin(frames, across=1).copy()
    animation.set_type(pyvips.GValue.gint_type, "page-height", frames[0].height)
    for name in ("delay", "loop"):
        if name in strip.get_fields():
            animation.set_type(strip.get_typeof(name), name, strip.get(name))
    return animation


def run_pipeline(job: Job) -> Rendered:
    info = probe(job.source, job.limits)
    fmt = job.format
    context = OperationContext(assets=job.assets, limits=job.limits)
    animated = info.frames > 1 and fmt in ANIMATED_FORMATS
    try:
        image = _animation(job, info, context) if animated else _still(job, info, context)
        data = encode(image, fmt, job.spec.output, job.limits, job.encoder)
    except pyvips.Error as exc:
        raise decode_error(exc) from exc
    height = image.get("page-height") if animated else image.height
    return Rendered(data=data, format=fmt, width=image.width, height=height)
