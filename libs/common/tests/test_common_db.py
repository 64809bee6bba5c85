"""Pooled connections on the real PostgreSQL: one the server closed while it sat idle (a restart,
an idle timeout) is replaced before use, unnoticed; one used a moment ago is not pinged, so if
the server closed it the one transaction fails and the next gets a new connection."""

import contextlib
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from platform_common.db import make_engine


@pytest.fixture(scope="module")
def database_url(database_url_factory: Callable[..., str]) -> str:
    return database_url_factory("pool")


@pytest.fixture(scope="module")
def admin(database_url: str) -> Iterator[Engine]:
    engine = create_engine(database_url, poolclass=NullPool)
    yield engine
    engine.dispose()


def backend_pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def close_from_the_server(admin: Engine, pid: int) -> None:
    with admin.connect() as connection:
        terminated = connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert terminated.scalar_one() is True


@contextlib.contextmanager
def pool_of_one(database_url: str, idle_before_ping: float) -> Iterator[Engine]:
    engine = make_engine(database_url, pool_size=1, idle_before_ping=idle_before_ping)
    try:
        yield engine
    finally:
        engine.dispose()


def test_a_connection_the_server_closed_while_idle_is_replaced_unnoticed(
    database_url: str, admin: Engine
) -> None:
    with pool_of_one(database_url, idle_before_ping=0.2) as engine:
        first = backend_pid(engine)
        close_from_the_server(admin, first)
        time.sleep(0.3)
        assert backend_pid(engine) != first  # no error: the ping found it closed


def test_a_connection_used_a_moment_ago_fails_once_then_the_pool_recovers(
    database_url: str, admin: Engine
) -> None:
    with pool_of_one(database_url, idle_before_ping=3600) as engine:
        first = backend_pid(engine)
        close_from_the_server(admin, first)
        with pytest.raises(OperationalError):
            backend_pid(engine)  # not pinged: it was returned a moment ago
        assert backend_pid(engine) != first
