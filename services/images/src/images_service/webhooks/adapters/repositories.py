"""Querying endpoints, deliveries and attempts."""

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from images_service.webhooks.adapters.orm import (
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
)
from images_service.webhooks.domain.model import Attempt, Delivery, DeliveryStatus, Endpoint


class EndpointRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, endpoint: Endpoint) -> None:
        self.session.add(endpoint)

    def get_owned(self, endpoint_id: uuid.UUID, owner_id: uuid.UUID) -> Endpoint | None:
        endpoint = self.session.get(Endpoint, endpoint_id)
        return endpoint if endpoint is not None and endpoint.owner_id == owner_id else None

    def of_owner(self, owner_id: uuid.UUID) -> Sequence[Endpoint]:
        return self.session.scalars(
            select(Endpoint)
            .where(webhook_endpoints.c.owner_id == owner_id)
            .order_by(webhook_endpoints.c.created_at)
        ).all()

    def subscribed(self, owner_id: uuid.UUID, since: datetime) -> Sequence[Endpoint]:
        """Enabled endpoints that existed when an event happened (no history for new ones)."""
        return self.session.scalars(
            select(Endpoint).where(
                webhook_endpoints.c.owner_id == owner_id,
                webhook_endpoints.c.enabled.is_(True),
                webhook_endpoints.c.created_at <= since,
            )
        ).all()

    def delete(self, endpoint: Endpoint) -> None:
        self.session.delete(endpoint)  # the database cascades to deliveries and attempts


class DeliveryRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_once(self, delivery: Delivery) -> bool:
        """Insert unless this endpoint already has a delivery of this event; True if new."""
        values = {k: v for k, v in asdict(delivery).items()}
        result = self.session.execute(
            insert(webhook_deliveries)
            .values(**values)
            .on_conflict_do_nothing(constraint="uq_webhook_deliveries_endpoint_event")
        )
        return bool(cast(CursorResult[Any], result).rowcount)  # an INSERT's result has one

    def get(
        self, delivery_id: uuid.UUID, endpoint_id: uuid.UUID | None = None, *,
        for_update: bool = False,
    ) -> Delivery | None:  # fmt: skip
        query = select(Delivery).where(webhook_deliveries.c.id == delivery_id)
        if endpoint_id is not None:
            query = query.where(webhook_deliveries.c.endpoint_id == endpoint_id)
        if for_update:
            query = query.with_for_update()
        return self.session.scalars(query).one_or_none()

    def of_endpoint(
        self, endpoint_id: uuid.UUID, status: str | None, limit: int
    ) -> Sequence[Delivery]:
        query = select(Delivery).where(webhook_deliveries.c.endpoint_id == endpoint_id)
        if status is not None:
            query = query.where(webhook_deliveries.c.status == status)
        return self.session.scalars(
            query.order_by(webhook_deliveries.c.created_at.desc(), webhook_deliveries.c.id).limit(
                limit
            )
        ).all()

    def claim_due(self, now: datetime, limit: int) -> Sequence[tuple[Delivery, Endpoint]]:
        """Due deliveries of enabled endpoints, locked; SKIP LOCKED lets replicas share them."""
        return self.session.execute(
            select(Delivery, Endpoint)
            .join(Endpoint, webhook_endpoints.c.id == webhook_deliveries.c.endpoint_id)
            .where(
                webhook_deliveries.c.status == DeliveryStatus.PENDING,
                webhook_deliveries.c.next_attempt_at <= now,
                webhook_endpoints.c.enabled.is_(True),
            )
            .order_by(webhook_deliveries.c.next_attempt_at)
            .limit(limit)
            .with_for_update(of=webhook_deliveries, skip_locked=True)
        ).all()


class AttemptRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, attempt: Attempt) -> None:
        self.session.add(attempt)

    def of_deliveries(self, delivery_ids: Sequence[uuid.UUID]) -> Sequence[Attempt]:
        if not delivery_ids:
            return []
        return self.session.scalars(
            select(Attempt)
            .where(webhook_attempts.c.delivery_id.in_(delivery_ids))
            .order_by(webhook_attempts.c.attempted_at)
        ).all()
