"""Rewrites the shared revocation list from auth's database: at start and periodically, so
entries a failed write or a Redis restart lost are back within seconds."""

from auth_service.service_layer.unit_of_work import AuthUnitOfWork
from platform_common.events import utcnow


def resync_revocations(uow: AuthUnitOfWork) -> None:
    now = utcnow()
    with uow:
        uow.revocations.lock_exclusive()  # no revocation commits between our read and write
        uow.revocations.purge_expired(now)
        uow.publish_revocations(uow.revocations.unexpired(now))
        uow.commit()
