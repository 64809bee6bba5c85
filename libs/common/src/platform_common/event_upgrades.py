"""Reading the previous version of an event: each upgrade turns version N-1 data into version N.

During a rolling deploy old producers keep publishing the previous shape for a while, so every
consumer accepts it. An upgrade is a pure function of the data, registered once here; one is
dropped when no producer of its old version can still be running.
"""

from collections.abc import Callable
from typing import Any

Data = dict[str, Any]


def _requested_v1(data: Data) -> Data:
    """v1 sent the spec as it was validated and left the format in the variant key's extension
    (the key was made from the resolved format, so the extension is that format)."""
    upgraded = dict(data)
    upgraded["output_format"] = str(data.get("variant_key", "")).rsplit(".", 1)[-1]
    return upgraded


def _succeeded_v1(data: Data) -> Data:
    """v1 echoed the request's variant key as `result_key`: the requester has it already."""
    return {key: value for key, value in data.items() if key != "result_key"}


# (event type, version it reads) -> the upgrade to the next version.
UPGRADES: dict[tuple[str, int], Callable[[Data], Data]] = {
    ("TransformRequested", 1): _requested_v1,
    ("TransformSucceeded", 1): _succeeded_v1,
}


def upgrade(event_type: str, version: int, data: Data) -> tuple[int, Data]:
    """(version, data) at the newest version this code knows; unknown ones are returned as is."""
    while (step := UPGRADES.get((event_type, version))) is not None:
        data, version = step(data), version + 1
    return version, data
