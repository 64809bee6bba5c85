"""SQLAlchemy engine and the unit-of-work base that services extend with their repositories."""

from types import TracebackType
from typing import Self

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, pool_size: int = 10, *, hide_parameters: bool = False) -> Engine:
    # hide_parameters keeps bound values (password hashes, emails) out of logged SQL errors.
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        hide_parameters=hide_parameters,
    )


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
