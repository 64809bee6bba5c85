"""The auth unit of work: one transaction over users and login failures, plus the outbox.

On commit, the events raised by every user the repository handed out become outbox rows in that
same transaction, so an event is published if and only if its change is committed.
"""

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from auth_service.adapters.login_failures import LoginFailureStore
from auth_service.adapters.orm import outbox
from auth_service.adapters.repository import SqlAlchemyUserRepository
from platform_common.db import SqlAlchemyUnitOfWork
from platform_common.outbox import add_to_outbox


class AuthUnitOfWork(SqlAlchemyUnitOfWork):
    users: SqlAlchemyUserRepository
    login_failures: LoginFailureStore

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        user_events_topic: str,
        after_events_committed: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(session_factory)
        self.user_events_topic = user_events_topic
        # Wakes the outbox relay so events leave now rather than at its next poll.
        self.after_events_committed = after_events_committed

    def _open_repositories(self, session: Session) -> None:
        self.users = SqlAlchemyUserRepository(session)
        self.login_failures = LoginFailureStore(session)

    def commit(self) -> None:
        staged = self._stage_events()
        super().commit()
        if staged and self.after_events_committed is not None:
            self.after_events_committed()

    def _stage_events(self) -> int:
        staged = 0
        for user in self.users.seen:
            while user.events:
                event = user.events.pop(0)
                add_to_outbox(self.session, outbox, self.user_events_topic, str(user.id), event)
                staged += 1
        return staged
