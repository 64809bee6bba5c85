"""The current status of a user's unfinished transformations, asked of images on (re)connect.

Live events only say what happens from now on; a client that connects (or reconnects after
missing events) first needs to know where its transformations stand.
"""

import logging

import httpx
from pydantic import BaseModel, ValidationError

from gateway_service.domain.live import LiveMessage, status_snapshot
from gateway_service.service_layer.live_hub import LiveHub
from platform_common.transformation_shape import TransformationUpdate

log = logging.getLogger(__name__)
SNAPSHOT_TIMEOUT_SECONDS = 3.0


class PendingTransformations(BaseModel):
    """What images answers for `GET /images/transformations?status=unfinished`."""

    items: list[TransformationUpdate]


async def pending_snapshot(
    client: httpx.AsyncClient, url: str, user_id: str, token: str
) -> list[LiveMessage]:
    """Best effort: live events keep flowing even if images cannot answer right now."""
    try:
        response = await client.get(
            url, headers={"authorization": f"Bearer {token}"}, timeout=SNAPSHOT_TIMEOUT_SECONDS
        )
        response.raise_for_status()
        pending = PendingTransformations.model_validate_json(response.content)
    except (httpx.HTTPError, ValidationError) as exc:
        log.warning("no pending-transformations snapshot for a live connection: %s", exc)
        return []
    return [status_snapshot(user_id, item) for item in pending.items]


async def catch_up(
    hub: LiveHub,
    client: httpx.AsyncClient,
    pending_url: str,
    user_id: str,
    token: str,
    last_event_id: str | None,
) -> list[LiveMessage]:
    """What a (re)connecting client sees first: the events it missed when this replica still
    remembers them, otherwise where its unfinished transformations stand now."""
    if last_event_id:
        missed = hub.replay_after(user_id, last_event_id)
        if missed is not None:
            return missed
    return await pending_snapshot(client, pending_url, user_id, token)
