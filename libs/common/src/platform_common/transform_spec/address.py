"""Content addresses of variants, and the spec for on-the-fly query parameters."""

import hashlib
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from platform_common.transform_spec.operations import MAX_DIMENSION, AnyOperation, Fit, Resize
from platform_common.transform_spec.output import OutputFormat, OutputOptions
from platform_common.transform_spec.spec import TransformSpec

# Bumped when an operation's meaning changes, so old variants are not served for new semantics.
SPEC_VERSION = 1
VARIANT_PREFIX = "variants/"
QUERY_KEYS = ("w", "h", "fit", "format", "q")


def variant_digest(source_checksum: str, spec: TransformSpec) -> str:
    payload = f"v{SPEC_VERSION}:{source_checksum}:{spec.canonical_json()}"
    return hashlib.sha256(payload.encode()).hexdigest()


def variant_key(source_checksum: str, spec: TransformSpec, source_format: str | None = None) -> str:
    """`variants/<sha256>.<ext>`: the same source and the same spec always give the same key.

    `source_format` is needed only when the spec keeps the source's format (output.format unset).
    """
    if spec.output.format is None and not source_format:
        raise ValueError("source_format is needed to address a spec that keeps the source format")
    extension = spec.resolve_format(source_format)
    return f"{VARIANT_PREFIX}{variant_digest(source_checksum, spec)}.{extension}"


def variant_etag(key: str) -> str:
    """The strong ETag for a variant: its content hash, quoted."""
    digest = key.removeprefix(VARIANT_PREFIX).split(".", 1)[0]
    return f'"{digest}"'


class OnTheFlyParams(BaseModel):
    """?w=800&h=600&fit=cover&format=webp&q=80 -- validation errors name the query parameter."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    w: int | None = Field(
        default=None, ge=1, le=MAX_DIMENSION, description=f"Width in pixels, 1-{MAX_DIMENSION}"
    )
    h: int | None = Field(
        default=None, ge=1, le=MAX_DIMENSION, description=f"Height in pixels, 1-{MAX_DIMENSION}"
    )
    fit: Fit | None = Field(default=None, description="How w and h are met (default: inside)")
    format: OutputFormat | Literal["jpg"] | None = Field(
        default=None, description="Output format (default: the original's)"
    )
    q: int | None = Field(default=None, ge=1, le=100, description="Quality, 1-100 (lossy formats)")

    def spec(self) -> TransformSpec | None:
        """The spec these (already parsed) parameters ask for, or None when none is given (the
        original). Built from the typed values: the query is not parsed again."""
        if self.w is None and self.h is None and self.format is None and self.q is None:
            return None
        operations: list[AnyOperation] = []
        if self.w or self.h:
            fit: dict[str, Any] = {"fit": self.fit} if self.fit else {}
            operations.append(Resize(width=self.w, height=self.h, **fit))
        output: dict[str, Any] = {}  # unset ones keep OutputOptions' defaults
        if self.format:
            output["format"] = self.format  # "jpg" is normalised by OutputOptions
        if self.q:
            output["quality"] = self.q
        return TransformSpec(operations=operations, output=OutputOptions(**output))


def spec_from_query(params: Mapping[str, str]) -> TransformSpec | None:
    """The spec for raw on-the-fly query parameters (None: the original); empty ones are unset.

    Raises pydantic.ValidationError naming the parameter (loc ("w",) etc.)."""
    given = {key: params[key] for key in QUERY_KEYS if params.get(key) not in (None, "")}
    return OnTheFlyParams.model_validate(given).spec()
