"""Components restart on the same port with their data (what the fault tests rely on)."""

import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


async def test_kafka_restarts_on_its_port_and_keeps_its_messages(stack, kafka_bootstrap):
    topic = f"devstack-restart-{uuid.uuid4().hex[:8]}"
    stack.create_topics([topic])
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    await producer.start()
    await producer.send_and_wait(topic, b"before the restart")
    await producer.stop()

    stack.restart("kafka")

    assert stack.kafka.bootstrap_servers == kafka_bootstrap
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        record = await consumer.getone()
    finally:
        await consumer.stop()
    assert record.value == b"before the restart"


def test_s3_stopped_for_a_while_comes_back_with_its_objects(stack, s3_client, s3_settings):
    key = f"devstack/{uuid.uuid4().hex}.txt"
    s3_client.put_object(Bucket=s3_settings.bucket, Key=key, Body=b"kept")

    stack.s3.stop()
    assert not stack.s3.process.running
    # weed always puts its gRPC sockets in /tmp: gone once it stops.
    assert not [
        sock for sock in Path("/tmp").glob("seaweedfs-*-grpc-*.sock")
        if int(sock.stem.rsplit("-", 1)[1]) in stack.s3.ports.values()
    ]  # fmt: skip
    stack.s3.start()

    assert stack.s3.endpoint_url == s3_settings.endpoint_url
    assert s3_client.get_object(Bucket=s3_settings.bucket, Key=key)["Body"].read() == b"kept"
