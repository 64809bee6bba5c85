"""The operations' implementations, one registry keyed by operation name; `apply` dispatches.

Every module of this package is imported here (discovery, not a list); each registers what it
implements with @implements(Model). Adding an operation: see the transformer's README.
"""

import importlib
import pkgutil

import pyvips

from platform_common.transform_spec import Operation
from transformer_service.domain.errors import InvalidOperation
from transformer_service.domain.operations.context import OperationContext
from transformer_service.domain.operations.registry import IMPLEMENTATIONS

_INFRASTRUCTURE = {"context", "registry"}
for _module in sorted(pkgutil.iter_modules(__path__), key=lambda found: found.name):
    if _module.name not in _INFRASTRUCTURE:
        importlib.import_module(f"{__name__}.{_module.name}")


def apply(image: pyvips.Image, op: Operation, context: OperationContext) -> pyvips.Image:
    name = getattr(op, "op", None)
    implementation = IMPLEMENTATIONS.get(name) if isinstance(name, str) else None
    if implementation is None:
        raise InvalidOperation(f"operation {name!r} is not supported")
    return implementation(image, op, context)


__all__ = ["IMPLEMENTATIONS", "OperationContext", "apply"]
