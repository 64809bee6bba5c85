"""Creating the topics a service uses when they are missing (first boot of a fresh broker).

Production creates topics at deploy time; this only makes a bare local broker usable, and a
consumer subscribed before its topic exists would otherwise idle until its next metadata refresh.
"""

import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

log = logging.getLogger(__name__)


async def ensure_topics(bootstrap_servers: str, topics: Iterable[str], partitions: int) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = sorted(set(topics) - existing)
        if missing:
            # Errors such as "already exists" (another replica won the race) come back in the
            # response, not as exceptions, and are fine to ignore.
            await admin.create_topics(
                [
                    NewTopic(name, num_partitions=partitions, replication_factor=1)
                    for name in missing
                ]
            )
            log.info("created kafka topics %s", ", ".join(missing))
    finally:
        await admin.close()
