"""A render described by reference: which stored objects to read, not their bytes.

The pool's worker processes read the source and the watermark images themselves (through a
bounded cache), so the source is never pickled across the process boundary and the worker's
parent never holds it.
"""

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from platform_common.transform_spec import TransformSpec
from platform_common.transform_spec.output import OutputFormat
from transformer_service.domain.encoding import EncoderSettings
from transformer_service.domain.errors import (
    InvalidOperation,
    SourceChecksumMismatch,
    SourceNotFound,
)
from transformer_service.domain.limits import Limits
from transformer_service.domain.pipeline import Job, Rendered, run_pipeline


@dataclass(frozen=True)
class RenderTask:
    image_id: str
    source_key: str
    source_checksum: str
    spec: TransformSpec
    format: OutputFormat  # explicit in the request: never worked out again here
    asset_keys: Mapping[str, str] = field(default_factory=dict)  # watermark image id -> key
    limits: Limits = field(default_factory=Limits)
    encoder: EncoderSettings = field(default_factory=EncoderSettings)


def verify_source(source: bytes, checksum: str, image_id: str) -> None:
    """The variant's address is (source checksum, spec) and is shared by every owner of those
    bytes, so only bytes that hash to that checksum may be rendered into it."""
    actual = hashlib.sha256(source).hexdigest()
    if not hmac.compare_digest(actual, checksum.lower()):
        raise SourceChecksumMismatch(
            f"the stored source of image {image_id} is not the verified upload "
            "(its checksum differs); it was not rendered"
        )


def read_sources(task: RenderTask, read: Callable[[str], bytes]) -> Job:
    """The job with its bytes: the source verified, the watermark images read."""
    source = read(task.source_key)
    verify_source(source, task.source_checksum, task.image_id)
    assets: dict[str, bytes] = {}
    for image_id in task.spec.watermark_image_ids():
        key = task.asset_keys.get(image_id)
        if key is None:
            continue  # the operation reports it as an invalid watermark image
        try:
            assets[image_id] = read(key)
        except SourceNotFound as exc:
            raise InvalidOperation(f"watermark image {image_id} no longer exists") from exc
    return Job(source, task.spec, task.format, assets, task.limits, task.encoder)


def render(task: RenderTask, read: Callable[[str], bytes]) -> Rendered:
    return run_pipeline(read_sources(task, read))
