"""The public shape of a transformation, shared by the images API (REST answers) and the gateway
(live pushes and their snapshots), so a client reads one shape wherever it comes from."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class TransformationResult(BaseModel):
    format: str
    width: int
    height: int
    bytes: int


class TransformationError(BaseModel):
    code: str
    message: str | None


def transformation_links(image_id: uuid.UUID, transformation_id: uuid.UUID) -> dict[str, str]:
    """`self`, `content` (the result's bytes) and `image`; the same paths through the gateway."""
    base = f"/images/{image_id}/transformations/{transformation_id}"
    return {"self": base, "content": f"{base}/content", "image": f"/images/{image_id}"}


class TransformationUpdate(BaseModel):
    """Where a transformation stands: the fields of the REST answer that status events know.

    Live messages carry it; a snapshot (the REST answer, with more fields) is read through it
    too, so both look the same. The rest (spec, etag, created_at) is at `links.self`."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: uuid.UUID
    image_id: uuid.UUID
    status: str
    result: TransformationResult | None = None
    error: TransformationError | None = None
    updated_at: datetime
    links: dict[str, str]
