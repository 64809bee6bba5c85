"""Where a window sits in a larger picture: the `gravity` and `focus` of resize (cover) and crop.

Gravity values follow what imgproxy and Thumbor users know: the centre, eight compass points,
`smart` (libvips' attention: skin, saturated colour, edges), `entropy` (the busiest window), or
`focus` with an explicit point given as fractions of the width and height.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Gravity = Literal[
    "center",
    "north",
    "northeast",
    "east",
    "southeast",
    "south",
    "southwest",
    "west",
    "northwest",
    "smart",
    "entropy",
    "focus",
]
GRAVITIES: tuple[str, ...] = Gravity.__args__  # type: ignore[attr-defined]
# The gravities libvips answers by looking at the pixels (its `interesting` names).
ANALYSED = {"smart": "attention", "entropy": "entropy"}


class Focus(BaseModel):
    """A focal point: x from the left edge, y from the top, as fractions 0..1."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    x: float = Field(ge=0.0, le=1.0)
    y: float = Field(ge=0.0, le=1.0)


def check_focus(gravity: str | None, focus: Focus | None, op: str) -> None:
    """`focus` goes with gravity="focus", and only with it."""
    if gravity == "focus" and focus is None:
        raise ValueError(f'{op} with gravity "focus" needs focus: {{"x": 0..1, "y": 0..1}}')
    if focus is not None and gravity != "focus":
        raise ValueError(f'{op} focus is used only with gravity "focus"')


def drop_unset_framing(data: dict[str, object]) -> dict[str, object]:
    """Leave gravity/focus out of the serialised form when unused, so specs written before they
    existed keep their canonical JSON (and so their variants' content addresses)."""
    return {k: v for k, v in data.items() if not (k in ("gravity", "focus") and v is None)}
