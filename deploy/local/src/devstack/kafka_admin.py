"""Requests to the broker through aiokafka's admin client, callable from sync and async code."""

import asyncio
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from devstack.errors import DevstackError

TOPIC_ALREADY_EXISTS = 36


def create_topics(bootstrap: str, names: Iterable[str], partitions: int = 1) -> None:
    """Creates the topics that do not exist yet (existing ones are left as they are)."""
    topics = [NewTopic(name, num_partitions=partitions, replication_factor=1) for name in names]

    async def create(admin: AIOKafkaAdminClient) -> None:
        response = await admin.create_topics(topics, timeout_ms=30_000)
        for topic, code, *message in response.topic_errors:
            if code not in (0, TOPIC_ALREADY_EXISTS):
                raise DevstackError(f"kafka could not create topic {topic}: {code} {message}")

    _run_with_admin(bootstrap, create)


def answers_metadata(bootstrap: str) -> bool:
    """A metadata request: the broker is up and serving clients."""

    async def list_topics(admin: AIOKafkaAdminClient) -> None:
        await admin.list_topics()

    _run_with_admin(bootstrap, list_topics, timeout_ms=3000)
    return True


def _run_with_admin(
    bootstrap: str,
    action: Callable[[AIOKafkaAdminClient], Coroutine[Any, Any, None]],
    timeout_ms: int = 30_000,
) -> None:
    # Its own loop in its own thread: works the same from plain code and from inside a running
    # event loop (async tests), where asyncio.run() would refuse.
    async def main() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=timeout_ms)
        await admin.start()
        try:
            await action(admin)
        finally:
            await admin.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, main()).result()
