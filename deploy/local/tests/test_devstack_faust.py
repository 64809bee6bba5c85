"""(d) A tiny Faust agent consumes one topic and produces to another, through the real broker."""

import asyncio
import uuid

import faust
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def test_a_faust_agent_transforms_a_topic_into_another(stack, kafka_bootstrap, tmp_path):
    suffix = uuid.uuid4().hex[:8]
    source_name, sink_name = f"devstack-faust-in-{suffix}", f"devstack-faust-out-{suffix}"
    stack.create_topics([source_name, sink_name], partitions=2)

    app = faust.App(
        f"devstack-faust-{suffix}",
        broker=f"kafka://{kafka_bootstrap}",
        store="memory://",
        datadir=str(tmp_path),
        web_enabled=False,
        topic_replication_factor=1,
    )
    source = app.topic(source_name, value_serializer="raw")
    sink = app.topic(sink_name, value_serializer="raw")

    @app.agent(source)
    async def shout(stream):
        async for value in stream:
            await sink.send(key=value, value=value.upper())

    consumer = AIOKafkaConsumer(
        sink_name, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest"
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await app.start()
    await consumer.start()
    await producer.start()
    try:
        for word in (b"hello", b"faust"):
            await producer.send_and_wait(source_name, word, key=word)
        received = set()
        async with asyncio.timeout(60):
            async for record in consumer:
                received.add(record.value)
                if len(received) == 2:
                    break
    finally:
        await producer.stop()
        await consumer.stop()
        await app.stop()
    assert received == {b"HELLO", b"FAUST"}
