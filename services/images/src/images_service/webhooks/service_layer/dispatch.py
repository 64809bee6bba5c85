"""Working through owed deliveries: claim the due ones, send them, record each attempt.

A claim pushes `next_attempt_at` a lease into the future and commits before anything is sent,
so no transaction stays open across HTTP calls and a crash mid-send only delays the retry until
the lease ends (at-least-once: the receiver may see that message id again, and dedupes it).
"""

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from images_service.adapters.pinned_http import Resolver
from images_service.domain.address_policy import AddressPolicy
from images_service.webhooks.adapters.sender import SendOutcome, send_webhook
from images_service.webhooks.domain.model import Attempt
from images_service.webhooks.domain.retry import RetryPolicy
from images_service.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork


@dataclass(frozen=True)
class Claimed:
    delivery_id: uuid.UUID
    url: str
    secret: str
    payload: bytes


@dataclass(frozen=True)
class Dispatcher:
    new_uow: Callable[[], WebhooksUnitOfWork]  # one per call: a unit holds one session
    policy: AddressPolicy
    resolver: Resolver
    retry: RetryPolicy
    lease: timedelta
    send_timeout_seconds: float = 10.0
    batch_size: int = 50

    def claim(self) -> list[Claimed]:
        now = datetime.now(UTC)
        with self.new_uow() as uow:
            claimed = []
            for delivery, endpoint in uow.deliveries.claim_due(now, self.batch_size):
                delivery.next_attempt_at = now + self.lease
                claimed.append(
                    Claimed(delivery.id, endpoint.url, endpoint.secret, delivery.payload.encode())
                )
            uow.commit()
            return claimed

    def record(self, claimed: Claimed, outcome: SendOutcome) -> None:
        now = datetime.now(UTC)
        with self.new_uow() as uow:
            delivery = uow.deliveries.get(claimed.delivery_id, for_update=True)
            if delivery is None:  # its endpoint was deleted meanwhile
                return
            delivery.record_attempt(now, outcome.status_code, outcome.error, self.retry)
            attempt = Attempt(uuid.uuid4(), delivery.id, now, outcome.status_code,
                              outcome.error, outcome.duration_ms)  # fmt: skip
            uow.attempts.add(attempt)
            uow.commit()

    async def _deliver(self, client: httpx.AsyncClient, claimed: Claimed) -> None:
        outcome = await send_webhook(client, claimed.url, claimed.secret,
                                     str(claimed.delivery_id), claimed.payload,
                                     self.policy, self.resolver,
                                     self.send_timeout_seconds)  # fmt: skip
        await asyncio.to_thread(self.record, claimed, outcome)

    async def dispatch_due(self, client: httpx.AsyncClient) -> int:
        """One round: every due delivery (up to a batch) sent concurrently; returns how many."""
        claimed = await asyncio.to_thread(self.claim)
        await asyncio.gather(*(self._deliver(client, c) for c in claimed))
        return len(claimed)
