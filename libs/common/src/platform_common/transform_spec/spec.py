"""TransformSpec: the ordered operations plus output options, and its canonical JSON."""

import json
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    ValidationError,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from platform_common.transform_spec.object_form import TransformObjectForm, normalise_object_form
from platform_common.transform_spec.operations import AnyOperation, WatermarkImage
from platform_common.transform_spec.output import OutputFormat, OutputOptions

MAX_OPERATIONS = 20


class TransformSpec(BaseModel):
    """What to do to an image. Two forms: ordered operations,
    `{"operations": [{"op": "resize", "width": 800}, "grayscale"], "output": {"format": "webp"}}`,
    or one object, `{"transformations": {"resize": {"width": 800}, "format": "webp"}}`. An object
    has no order, so the object form always applies crop and smart_crop, then resize, rotate,
    flip, mirror, the filters (grayscale, sepia, brightness, contrast, blur, sharpen, sketch), and
    watermarks last."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    operations: list[AnyOperation] = Field(default_factory=list, max_length=MAX_OPERATIONS)
    output: OutputOptions = Field(default_factory=OutputOptions)

    @model_validator(mode="before")
    @classmethod
    def _accept_both_forms(cls, data: Any) -> Any:
        if isinstance(data, dict) and "transformations" in data:
            if set(data) != {"transformations"}:
                extra = ", ".join(sorted(set(data) - {"transformations"}))
                raise ValueError(f"put {extra} inside transformations (the object form)")
            data = normalise_object_form(data["transformations"])
        if isinstance(data, dict) and isinstance(data.get("operations"), list):
            # "grayscale" is shorthand for {"op": "grayscale"}.
            ops = [{"op": op} if isinstance(op, str) else op for op in data["operations"]]
            data = {**data, "operations": ops}
        return data

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """Documented as `oneOf` its two forms (the object form is its own component)."""
        reference = handler(core_schema)
        schema = handler.resolve_ref_schema(reference)
        ordered = {k: schema.pop(k) for k in list(schema) if k not in ("title", "description")}
        # Through the generator itself, so the object form becomes a component and a $ref.
        # pydantic passes a GenerateJsonSchemaHandler; its protocol does not name the generator.
        object_form = handler.generate_json_schema.generate_inner(  # type: ignore[attr-defined]
            TransformObjectForm.__pydantic_core_schema__
        )
        schema["oneOf"] = [{**ordered, "title": "Ordered operations"}, object_form]
        return reference

    def canonical_json(self) -> str:
        """Sorted keys, no whitespace, every default explicit: equal meaning, equal string."""
        return json.dumps(
            self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )

    def watermark_image_ids(self) -> list[str]:
        """The other images this spec reads (the images service resolves them to S3 keys)."""
        return [str(op.image_id) for op in self.operations if isinstance(op, WatermarkImage)]

    def resolve_format(self, source_format: str | None) -> OutputFormat:
        return self.output.resolve_format(source_format)


def describe_errors(exc: ValidationError) -> str:
    """A person-readable summary naming each bad field: 'operations[0].resize.width: ...'."""
    parts = []
    for error in exc.errors():
        path = ""
        for item in error["loc"]:
            path += f"[{item}]" if isinstance(item, int) else (f".{item}" if path else str(item))
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{path}: {message}" if path else message)
    return "; ".join(parts)
