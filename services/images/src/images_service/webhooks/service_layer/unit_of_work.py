"""The webhooks unit of work: one transaction over endpoints, deliveries and attempts."""

from sqlalchemy.orm import Session

from images_service.webhooks.adapters.repositories import (
    AttemptRepository,
    DeliveryRepository,
    EndpointRepository,
)
from platform_common.db import SqlAlchemyUnitOfWork


class WebhooksUnitOfWork(SqlAlchemyUnitOfWork):
    endpoints: EndpointRepository
    deliveries: DeliveryRepository
    attempts: AttemptRepository

    def _open_repositories(self, session: Session) -> None:
        self.endpoints = EndpointRepository(session)
        self.deliveries = DeliveryRepository(session)
        self.attempts = AttemptRepository(session)
