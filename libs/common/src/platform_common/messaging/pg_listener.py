"""One PostgreSQL LISTEN connection per process, for wake-ups that cross processes.

PostgreSQL delivers a NOTIFY to every listening session when the notifying transaction commits,
and never for one that rolls back; so "a row was committed" reaches the relay of another process
(or "a variant is finished" the API replica a client waits on) at once, without polling.
While the connection is down nothing is heard: `on_connected` runs after every (re)connection so
the listener's users re-check what they wait for instead of trusting they missed nothing.
"""

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

import psycopg2
import psycopg2.extensions
from sqlalchemy.engine import Engine

from platform_common.messaging.backoff import retry_forever

log = logging.getLogger(__name__)

OnNotify = Callable[[str, str], None]  # channel, payload


def connect_args(engine: Engine) -> dict[str, Any]:
    url = engine.url
    args: dict[str, Any] = dict(url.translate_connect_args(username="user", database="dbname"))
    args.update(url.query)
    # A peer that vanishes without closing the socket is noticed within about half a minute.
    args.update(keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3)
    return args


class PgListener:
    def __init__(
        self,
        engine: Engine,
        channels: Sequence[str],
        on_notify: OnNotify,
        on_connected: Callable[[], None] = lambda: None,
    ) -> None:
        self.engine = engine
        self.channels = list(channels)
        self.on_notify = on_notify
        self.on_connected = on_connected
        self.connected = asyncio.Event()

    async def run(self) -> None:
        await retry_forever(f"listener {','.join(self.channels)}", self._session)

    def _connect(self) -> psycopg2.extensions.connection:
        connection: psycopg2.extensions.connection = psycopg2.connect(**connect_args(self.engine))
        connection.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
        with connection.cursor() as cursor:
            for channel in self.channels:
                # Channel names are this code's constants, never input: quoting suffices.
                cursor.execute(f'LISTEN "{channel}"')
        return connection

    async def _session(self) -> None:
        connection = await asyncio.to_thread(self._connect)
        loop = asyncio.get_running_loop()
        readable = asyncio.Event()
        loop.add_reader(connection.fileno(), readable.set)
        try:
            self.connected.set()
            self.on_connected()
            while True:
                await readable.wait()
                readable.clear()
                connection.poll()  # raises once the connection is lost: the session restarts
                while connection.notifies:
                    notice = connection.notifies.pop(0)
                    self.on_notify(notice.channel, notice.payload)
        finally:
            self.connected.clear()
            loop.remove_reader(connection.fileno())
            connection.close()
