"""Building a signed delivery path (what the images service hands to owners)."""

import uuid
from collections.abc import Sequence

from platform_common.delivery.signature import DIGEST_SIZE, SigningPair, signature


def delivery_path(
    pair: SigningPair,
    account_id: uuid.UUID,
    image_id: uuid.UUID,
    options: Sequence[str] = (),
    extension: str | None = None,
    size: int = DIGEST_SIZE,
) -> str:
    """`/d/{account}/{signature}/{options}/plain/{image id}[@{extension}]`."""
    signed = "".join(f"/{option}" for option in options) + f"/plain/{image_id}"
    if extension:
        signed += f"@{extension}"
    return f"/d/{account_id}/{signature(pair.key, pair.salt, signed, size)}{signed}"
