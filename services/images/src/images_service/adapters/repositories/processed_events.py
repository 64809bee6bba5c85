"""Envelope ids already handled: how redelivered events are recognised."""

import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from images_service.adapters.orm import processed_events


class ProcessedEventRepository:
    """Envelope ids already handled, written in the same transaction as their effect."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, event_id: uuid.UUID) -> bool:
        """Record the id; False when it was already processed (a redelivery)."""
        result = self.session.execute(
            insert(processed_events)
            .values(event_id=event_id)
            .on_conflict_do_nothing(index_elements=["event_id"])
        )
        return cast(CursorResult[Any], result).rowcount == 1

    def prune(self, processed_before: datetime) -> int:
        result = self.session.execute(
            delete(processed_events).where(processed_events.c.processed_at < processed_before)
        )
        return cast(CursorResult[Any], result).rowcount
