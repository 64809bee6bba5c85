"""The auth unit of work: one transaction over users, login failures, refresh tokens,
revocations and the audit log, plus the outbox.

On commit, the events raised by every user the repository handed out become outbox rows in that
same transaction, so an event is published if and only if its change is committed.

Revocations put in this transaction are copied to the shared Redis list just before the commit,
while a shared advisory lock keeps the periodic resync (which takes it exclusively) from writing
an older value over them. Before the commit, because a copy that fails must fail the change (a
503, "try again") rather than leave a revoked token working; and a copy whose commit then fails
only refuses tokens a little early, never accepts one: even lowering DISABLED to a re-enabled
account's new version admits only tokens issued after the commit.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from auth_service.adapters.audit import AuditLog
from auth_service.adapters.login_failures import LoginFailureStore
from auth_service.adapters.orm import outbox
from auth_service.adapters.refresh_tokens import RefreshTokenStore
from auth_service.adapters.repository import SqlAlchemyUserRepository
from auth_service.adapters.revocations import Entry, RevocationStore
from platform_common.db import SqlAlchemyUnitOfWork
from platform_common.messaging.outbox import add_to_outbox
from platform_common.security.revocation import RevocationCheckUnavailable, RevocationList

log = logging.getLogger(__name__)


class AuthUnitOfWork(SqlAlchemyUnitOfWork):
    users: SqlAlchemyUserRepository
    login_failures: LoginFailureStore
    refresh_tokens: RefreshTokenStore
    revocations: RevocationStore
    audit: AuditLog

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        user_events_topic: str,
        revocation_list: RevocationList | None = None,
    ) -> None:
        super().__init__(session_factory)
        self.user_events_topic = user_events_topic
        self.revocation_list = revocation_list

    def _open_repositories(self, session: Session) -> None:
        self.users = SqlAlchemyUserRepository(session)
        self.login_failures = LoginFailureStore(session)
        self.refresh_tokens = RefreshTokenStore(session)
        self.revocations = RevocationStore(session)
        self.audit = AuditLog(session)
        self._revoked: list[Entry] = []

    def revoke(self, key: str, value: int, *, now: datetime, lifetime: timedelta) -> None:
        """Refuse what `key` names, everywhere, when this transaction commits."""
        if not self._revoked:
            self.revocations.lock_shared()
        self._revoked.append(self.revocations.put(key, value, now=now, lifetime=lifetime))

    def publish_revocations(self, entries: list[Entry]) -> None:
        if not entries or self.revocation_list is None:
            return
        try:
            self.revocation_list.write(entries)
        except Exception as exc:
            log.exception("could not write revocations to the shared list")
            raise RevocationCheckUnavailable() from exc

    def commit(self) -> None:
        self._stage_events()
        revoked, self._revoked = self._revoked, []
        self.publish_revocations(revoked)
        super().commit()  # wakes the outbox relay if events were staged (outbox NOTIFY)

    def _stage_events(self) -> None:
        for user in self.users.seen:
            while user.events:
                event = user.events.pop(0)
                add_to_outbox(self.session, outbox, self.user_events_topic, str(user.id), event)
