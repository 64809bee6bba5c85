"""SQLAlchemy engine and the unit-of-work base that services extend with their repositories."""

import time
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

# A pooled connection is pinged before use only when it sat idle this long. SQLAlchemy's
# pool_pre_ping pings on every checkout: a round trip per transaction (~5% of the images
# worker's CPU per status event, #13). A connection returned a moment ago is as good as the
# ping would find it; the ones a PostgreSQL restart or an idle timeout closes have been idle
# for at least that long when they are next taken. The rare connection that dies inside the
# window fails its one transaction, and SQLAlchemy then replaces the whole pool.
IDLE_BEFORE_PING_SECONDS = 1.0
_RETURNED_AT = "returned_at"


def make_engine(
    url: str,
    pool_size: int = 10,
    *,
    hide_parameters: bool = False,
    idle_before_ping: float = IDLE_BEFORE_PING_SECONDS,
) -> Engine:
    # hide_parameters keeps bound values (password hashes, emails) out of logged SQL errors.
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        # The connection returned last is taken first: under light load one stays busy (and
        # unpinged) rather than every connection in turn going idle.
        pool_use_lifo=True,
        hide_parameters=hide_parameters,
    )
    _ping_when_idle(engine, idle_before_ping)
    return engine


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    def note_returned(_dbapi_connection: Any, record: Any, *_: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_RETURNED_AT, 0.0) < idle_seconds:
            return
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                # The pool discards this connection and checks out a new one.
                raise DisconnectionError("the server closed this pooled connection") from error
            raise

    event.listen(engine, "connect", note_returned)
    event.listen(engine, "checkin", note_returned)
    event.listen(engine, "checkout", ping_if_idle)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: objects stay readable after commit, to build the HTTP response.
    return sessionmaker(bind=engine, expire_on_commit=False)


def ping(engine: Engine) -> None:
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


class SqlAlchemyUnitOfWork:
    """One database transaction: `with uow: ...; uow.commit()`; leaving uncommitted rolls back."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def __enter__(self) -> Self:
        self.session = self.session_factory()
        self._open_repositories(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.rollback()
        # close() also rolls back anything uncommitted but, unlike rollback(), does not expire the
        # loaded objects, so what a read-only block returned stays readable after it.
        self.session.close()

    def _open_repositories(self, session: Session) -> None:
        """Subclasses attach their repositories to the session here."""

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
