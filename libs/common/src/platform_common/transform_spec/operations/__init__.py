"""The operations a transform spec may contain: one module per operation, registered once.

Every module of this package is imported here (discovery, not a list), each registers its model
with @register, and the spec's discriminated union `AnyOperation` is built from the registry: a
new operation is one new module here (and one implementation module in the transformer).
The names below are re-exported for the code that names an operation directly.
"""

import functools
import importlib
import operator
import pkgutil
from typing import Annotated, Any

from pydantic import Field

from platform_common.transform_spec.operations.base import (
    MAX_DIMENSION,
    MAX_OFFSET,
    MAX_TEXT_LENGTH,
    Fit,
    ObjectFormEntry,
    Operation,
    colour_rgba,
    normalise_colour,
)
from platform_common.transform_spec.operations.registry import OPERATIONS, operation_name

_INFRASTRUCTURE = {"base", "registry"}
for _module in sorted(pkgutil.iter_modules(__path__), key=lambda found: found.name):
    if _module.name not in _INFRASTRUCTURE:
        importlib.import_module(f"{__name__}.{_module.name}")

# Re-exports (after discovery, so they are the registered classes).
from platform_common.transform_spec.operations.blur import Blur  # noqa: E402
from platform_common.transform_spec.operations.brightness import Brightness  # noqa: E402
from platform_common.transform_spec.operations.contrast import Contrast  # noqa: E402
from platform_common.transform_spec.operations.crop import Crop  # noqa: E402
from platform_common.transform_spec.operations.flip import Flip  # noqa: E402
from platform_common.transform_spec.operations.grayscale import Grayscale  # noqa: E402
from platform_common.transform_spec.operations.mirror import Mirror  # noqa: E402
from platform_common.transform_spec.operations.resize import Resize  # noqa: E402
from platform_common.transform_spec.operations.rotate import Rotate  # noqa: E402
from platform_common.transform_spec.operations.sepia import Sepia  # noqa: E402
from platform_common.transform_spec.operations.sharpen import Sharpen  # noqa: E402
from platform_common.transform_spec.operations.sketch import Sketch  # noqa: E402
from platform_common.transform_spec.operations.smart_crop import SmartCrop  # noqa: E402
from platform_common.transform_spec.operations.watermark_image import (  # noqa: E402
    WatermarkImage,
)
from platform_common.transform_spec.operations.watermark_text import WatermarkText  # noqa: E402


def _in_object_form_order(model: type[Operation]) -> tuple[int, str]:
    entry = model.object_form
    return (entry.rank if entry else 10_000, operation_name(model))


# The union in the object form's order, so the OpenAPI document lists operations that way.
AnyOperation: Any = Annotated[
    functools.reduce(operator.or_, sorted(OPERATIONS.values(), key=_in_object_form_order)),
    Field(discriminator="op"),
]

__all__ = [
    "MAX_DIMENSION",
    "MAX_OFFSET",
    "MAX_TEXT_LENGTH",
    "OPERATIONS",
    "AnyOperation",
    "Blur",
    "Brightness",
    "Contrast",
    "Crop",
    "Fit",
    "Flip",
    "Grayscale",
    "Mirror",
    "ObjectFormEntry",
    "Operation",
    "Resize",
    "Rotate",
    "Sepia",
    "Sharpen",
    "Sketch",
    "SmartCrop",
    "WatermarkImage",
    "WatermarkText",
    "colour_rgba",
    "normalise_colour",
    "operation_name",
]
