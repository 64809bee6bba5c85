"""One place per operation: the spec's registry and the transformer's agree, name for name."""

from platform_common.transform_spec.operations import OPERATIONS
from transformer_service.domain.operations import IMPLEMENTATIONS


def test_every_spec_operation_has_exactly_one_implementation() -> None:
    assert set(IMPLEMENTATIONS) == set(OPERATIONS)
    assert len(OPERATIONS) == 15  # the operations that existed when the registries were made
