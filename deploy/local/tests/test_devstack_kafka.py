"""(b) The real Kafka broker: produce, consume in a group, commit, and resume from the commit."""

import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


async def _consume(bootstrap: str, topic: str, group: str, count: int) -> list[bytes]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=group,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        values: list[bytes] = []
        while len(values) < count:
            batches = await consumer.getmany(timeout_ms=10_000)
            assert batches, f"nothing consumed from {topic} after {values}"
            values += [record.value for records in batches.values() for record in records]
        await consumer.commit()
        return values
    finally:
        await consumer.stop()


async def test_a_group_consumes_then_resumes_after_its_committed_offset(stack, kafka_bootstrap):
    topic, group = f"devstack-kafka-{uuid.uuid4().hex[:8]}", "devstack-kafka-test"
    stack.create_topics([topic], partitions=1)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for i in range(3):
            await producer.send_and_wait(topic, f"first-{i}".encode(), key=b"k")
        first = await _consume(kafka_bootstrap, topic, group, 3)
        assert first == [b"first-0", b"first-1", b"first-2"]

        await producer.send_and_wait(topic, b"second", key=b"k")
        # The same group starts after its committed offset: only the new message comes.
        assert await _consume(kafka_bootstrap, topic, group, 1) == [b"second"]
    finally:
        await producer.stop()

    committed = AIOKafkaConsumer(bootstrap_servers=kafka_bootstrap, group_id=group)
    await committed.start()
    try:
        assert await committed.committed(TopicPartition(topic, 0)) == 4
    finally:
        await committed.stop()


async def test_the_platform_topics_exist_with_their_partitions(stack, kafka_bootstrap):
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(list(stack.config.topics))
    finally:
        await admin.close()
    partitions = {topic["topic"]: len(topic["partitions"]) for topic in described}
    assert partitions == stack.config.topics
    assert partitions["images.transform.requested"] == 6
