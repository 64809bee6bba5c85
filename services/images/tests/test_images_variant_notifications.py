"""On-the-fly waits cross processes: a terminal status committed with `notify` by another
connection (the worker's) wakes the waiter at once, through PostgreSQL LISTEN/NOTIFY.

Each waiter reads the status only when woken (or once when it starts), so a wait that ends True
before its generous timeout proves the notification arrived; nothing here measures time.
"""

import asyncio
import threading
import uuid

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.orm import Session

from images_service.adapters.variant_notifications import VariantNotifications, notify

SPEC = {"operations": [{"op": "resize", "width": 20}]}
GENEROUS = 60.0


class ObservedNotifications(VariantNotifications):
    """Says when the waiter has read the status once (and found it not finished)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.first_read = threading.Event()

    def _is_finished(self, transformation_id: uuid.UUID) -> bool:
        finished = super()._is_finished(transformation_id)
        self.first_read.set()
        return finished


async def _pending_transformation(client, user, uploaded) -> uuid.UUID:
    image = await uploaded(user)
    response = await client.post(
        f"/images/{image['id']}/transform", headers=user.headers, json=SPEC
    )
    assert response.status_code == 202, response.text
    return uuid.UUID(response.json()["id"])


def _finish_elsewhere(
    images_app: FastAPI, transformation_id: uuid.UUID, *, notifying: bool
) -> None:
    """What the worker does: the terminal status and the notification in one transaction."""
    with Session(images_app.state.images.engine) as session, session.begin():
        session.execute(
            text("UPDATE transformations SET status = 'failed' WHERE id = :id"),
            {"id": transformation_id},
        )
        if notifying:
            notify(session, transformation_id)


async def test_a_terminal_status_committed_elsewhere_wakes_the_waiter(
    images_app, client, user, uploaded
) -> None:
    transformation_id = await _pending_transformation(client, user, uploaded)
    notifications = ObservedNotifications(images_app.state.images.engine)
    try:
        waiting = asyncio.create_task(notifications.wait(transformation_id, GENEROUS))
        # The waiter read "pending" and now only a notification can make it read again.
        assert await asyncio.to_thread(notifications.first_read.wait, GENEROUS)
        await asyncio.to_thread(_finish_elsewhere, images_app, transformation_id, notifying=True)
        assert await waiting is True
    finally:
        await notifications.close()


async def test_a_wait_for_what_is_already_finished_returns_at_once(
    images_app, client, user, uploaded
) -> None:
    transformation_id = await _pending_transformation(client, user, uploaded)
    await asyncio.to_thread(_finish_elsewhere, images_app, transformation_id, notifying=False)
    notifications = VariantNotifications(images_app.state.images.engine)
    try:
        assert await notifications.wait(transformation_id, GENEROUS) is True
    finally:
        await notifications.close()


async def test_a_wait_for_what_does_not_finish_ends_false_at_its_timeout(
    images_app, client, user, uploaded
) -> None:
    transformation_id = await _pending_transformation(client, user, uploaded)
    notifications = VariantNotifications(images_app.state.images.engine)
    try:
        assert await notifications.wait(transformation_id, 0.5) is False
    finally:
        await notifications.close()
