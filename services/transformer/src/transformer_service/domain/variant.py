"""What is known about a stored result without reading it back."""

from dataclasses import dataclass


@dataclass(frozen=True)
class StoredVariant:
    format: str
    width: int
    height: int
    bytes: int
