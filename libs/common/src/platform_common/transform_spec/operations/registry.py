"""The one registry of operations, keyed by their `op` name: an operation module registers its
model with @register and is found by discovery (every module of this package is imported), so
adding an operation is adding its module."""

from typing import TypeVar

from platform_common.transform_spec.operations.base import Operation

OPERATIONS: dict[str, type[Operation]] = {}
Model = TypeVar("Model", bound=type[Operation])


def operation_name(model: type[Operation]) -> str:
    name = model.model_fields["op"].default
    if not isinstance(name, str):
        raise TypeError(f"{model.__name__} needs a default `op` Literal naming it")
    return name


def register(model: Model) -> Model:
    name = operation_name(model)
    if name in OPERATIONS:
        raise RuntimeError(f"operation {name!r} is registered twice")
    OPERATIONS[name] = model
    return model
