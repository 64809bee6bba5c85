"""The one registry of implementations, keyed by the spec's operation name (the same key as
platform_common's OPERATIONS): a module of this package registers each function it implements
with @implements(Model), and is found by discovery."""

from collections.abc import Callable
from typing import Any, TypeVar

import pyvips

from platform_common.transform_spec.operations import Operation, operation_name
from transformer_service.domain.operations.context import OperationContext

Implementation = Callable[[pyvips.Image, Any, OperationContext], pyvips.Image]
IMPLEMENTATIONS: dict[str, Implementation] = {}
Function = TypeVar("Function", bound=Implementation)


def implements(model: type[Operation]) -> Callable[[Function], Function]:
    name = operation_name(model)

    def register(function: Function) -> Function:
        if name in IMPLEMENTATIONS:
            raise RuntimeError(f"operation {name!r} has two implementations")
        IMPLEMENTATIONS[name] = function
        return function

    return register
