"""The images unit of work: one transaction, its repositories, and its outbox."""

import uuid

from sqlalchemy.orm import Session

from images_service.adapters.orm import outbox
from images_service.adapters.repositories import (
    ImageRepository,
    OwnerRepository,
    PresetRepository,
    ProcessedEventRepository,
    SigningKeyRepository,
    TransformationRepository,
    UploadRepository,
)
from images_service.adapters.variant_notifications import notify
from images_service.domain.errors import AccountDeleted
from platform_common.db import SqlAlchemyUnitOfWork
from platform_common.events import Envelope, Event
from platform_common.messaging.outbox import (
    Deferral,
    add_to_outbox,
    release_from_outbox,
    withdraw_from_outbox,
)


class ImagesUnitOfWork(SqlAlchemyUnitOfWork):
    """Reusable: each `with uow:` opens a fresh session and transaction.

    Objects read inside stay readable afterwards (detached snapshots), so handlers can return
    them to build responses; leaving without commit still rolls the transaction back.
    """

    images: ImageRepository
    transformations: TransformationRepository
    uploads: UploadRepository
    processed_events: ProcessedEventRepository
    signing_keys: SigningKeyRepository
    presets: PresetRepository
    owners: OwnerRepository

    def _open_repositories(self, session: Session) -> None:
        self.staged: list[Envelope] = []  # this transaction's events, as they will be sent
        self.images = ImageRepository(session)
        self.transformations = TransformationRepository(session)
        self.uploads = UploadRepository(session)
        self.processed_events = ProcessedEventRepository(session)
        self.signing_keys = SigningKeyRepository(session)
        self.presets = PresetRepository(session)
        self.owners = OwnerRepository(session)

    def ensure_owner_exists(self, owner_id: uuid.UUID) -> None:
        """Before creating anything for an owner, in the same transaction (see owners.py)."""
        if self.owners.is_deleted(owner_id):
            raise AccountDeleted()

    def publish(
        self, topic: str, key: str, event: Event, deferral: Deferral | None = None
    ) -> Envelope:
        """Stage an event: it reaches Kafka (via the outbox relay, woken by the commit) only if
        this unit commits; a deferred one only after its grace, unless withdrawn first."""
        envelope = add_to_outbox(self.session, outbox, topic, key, event, deferral)
        self.staged.append(envelope)
        return envelope

    def withdraw_requests(self, transformation_id: uuid.UUID) -> None:
        """The transformation finished: its deferred, unsent request need never be published."""
        withdraw_from_outbox(self.session, outbox, transformation_id)

    def release(self, envelope_id: uuid.UUID) -> None:
        """A deferred event is due now (published once this unit commits)."""
        release_from_outbox(self.session, outbox, envelope_id)

    def notify_finished(self, transformation_id: uuid.UUID) -> None:
        """Wake whoever waits for this transformation (in any process) when this unit commits."""
        notify(self.session, transformation_id)
