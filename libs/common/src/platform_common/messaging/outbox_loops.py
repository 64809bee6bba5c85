"""The relay of an outbox to Kafka and the PostgreSQL wake-ups that start it on every commit:
the background workers' loops (kept out of the package's __init__ so that a process which only
writes outbox rows, such as the images API, never imports the Kafka client)."""

from collections.abc import Coroutine
from typing import Any

from sqlalchemy import Engine, Table

from platform_common.messaging.outbox import OUTBOX_CHANNEL, SqlOutbox
from platform_common.messaging.pg_listener import PgListener
from platform_common.messaging.publisher import KafkaPublisher
from platform_common.messaging.relay import OutboxRelay


def outbox_relay_loops(
    engine: Engine, table: Table, bootstrap_servers: str
) -> dict[str, Coroutine[Any, Any, None]]:
    """The relay and the listener that wakes it on every commit of an outbox row (any process)."""
    relay = OutboxRelay(SqlOutbox(engine, table), lambda: KafkaPublisher(bootstrap_servers))
    # Woken after (re)connecting too: a commit while the listener was away is not missed.
    listener = PgListener(engine, [OUTBOX_CHANNEL], lambda _c, _p: relay.wake(), relay.wake)
    return {"outbox-relay": relay.run(), "outbox-wakeups": listener.run()}
