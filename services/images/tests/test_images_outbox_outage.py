"""The transactional outbox: a transform requested while Kafka is down is published once it is
back, and exactly one distinct event (by envelope id) reaches the topic."""

import asyncio

import pytest


@pytest.mark.slow
async def test_a_request_during_a_kafka_outage_is_published_when_kafka_returns(
    stack, client, user, uploaded, sql, topic_reader, images_settings, wait_until
):
    image = await uploaded(user)
    await asyncio.to_thread(stack.kafka.stop)
    try:
        response = await client.post(
            f"/images/{image['id']}/transform",
            headers=user.headers,
            json={"operations": [{"op": "resize", "width": 10}]},
        )
        assert response.status_code == 202, response.text
        transformation_id = response.json()["id"]
        await asyncio.sleep(1.0)  # the relay tries, fails and backs off meanwhile
        unsent = sql(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL "
            "AND convert_from(payload, 'UTF8') LIKE :pattern",
            pattern=f"%{transformation_id}%",
        )
        assert unsent == [(1,)]
    finally:
        await asyncio.to_thread(stack.kafka.start)

    found = await topic_reader(
        images_settings.topic_transform_requested,
        lambda e: e.data["transformation_id"] == transformation_id,
        within_seconds=90,
        settle_seconds=3,
    )

    assert found, "the event never reached the topic"
    assert len({envelope.id for _, envelope in found}) == 1
    assert await wait_until(
        lambda: sql(
            "SELECT 1 FROM outbox WHERE sent_at IS NOT NULL "
            "AND convert_from(payload, 'UTF8') LIKE :pattern",
            pattern=f"%{transformation_id}%",
        )
    )
