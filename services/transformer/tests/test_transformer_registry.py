"""One place per operation: the spec's registry and the transformer's agree, name for name."""

from platform_common.transform_spec.operations import OPERATIONS
from transformer_service.domain.operations import IMPLEMENTATIONS


def test_every_spec_operation_has_exactly_one_implementation() -> None:
    assert set(IMPLEMENTATIONS) == set(OPERATIONS)
    assert len(OPERATIONS) == 15  # the operations that existed when the registries were made


def test_every_listed_style_has_its_module_and_nothing_else_does() -> None:
    from platform_common.transform_spec import METHOD_DESCRIPTIONS, STYLE_DESCRIPTIONS
    from transformer_service.domain.styles import STYLES

    assert set(STYLES) == set(STYLE_DESCRIPTIONS)
    assert all(set(methods) == set(METHOD_DESCRIPTIONS) for methods in STYLES.values())
