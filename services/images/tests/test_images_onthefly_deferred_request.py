"""A new on-the-fly variant's TransformRequested is committed with its row but waits in the
outbox while the transformer renders it in one hop: withdrawn once its Succeeded is recorded (a
normal render publishes no request), published at once when the render call fails (Kafka is the
path that always gets it made).

The transformer here is a small ASGI app behind the real TransformerClient (its HTTP transport
swapped), standing in for the transformer's /internal/render.
"""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest_asyncio
from fastapi import FastAPI, Response

from images_service.adapters.transformer_client import TransformerClient
from images_service.entrypoints.api.deps import get_transformer
from platform_common.events import TransformRequested

QUERY = "w=20&format=webp&q=70"
RELAY_POLL_SECONDS = 0.5  # OutboxRelay's default poll interval


def render_endpoint(status_code: int) -> FastAPI:
    render = FastAPI()

    @render.post("/internal/render")
    async def answer() -> Response:
        return Response(b"webp-bytes", status_code, headers={"x-variant-format": "webp"})

    return render


@pytest_asyncio.fixture(loop_scope="session")
async def transformer_answering(images_app: FastAPI) -> AsyncIterator[Callable[[int], None]]:
    clients: list[TransformerClient] = []

    def answering(status_code: int) -> None:
        client = TransformerClient("http://transformer.test", "token")
        client._http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=render_endpoint(status_code)),
            base_url="http://transformer.test",
        )
        clients.append(client)
        images_app.dependency_overrides[get_transformer] = lambda: client

    yield answering
    images_app.dependency_overrides.pop(get_transformer, None)
    for client in clients:
        await client.close()


def deferred_rows(sql: Callable[..., Any], transformation_id: str) -> list[Any]:
    return sql(
        "SELECT sent_at, publish_after > now() FROM outbox WHERE subject = :id",
        id=transformation_id,
    )


async def test_a_one_hop_render_publishes_no_request_once_its_success_is_recorded(
    client, user, uploaded, transformer_answering, sql, report_succeeded, wait_until
):
    transformer_answering(200)
    image = await uploaded(user)

    answer = await client.get(f"/images/{image['id']}/content?{QUERY}", headers=user.headers)

    assert answer.status_code == 200 and answer.content == b"webp-bytes"
    [transformation] = (await client.get(f"/images/{image['id']}", headers=user.headers)).json()[
        "transformations"
    ]
    # Committed with the row (a crash from here on still gets it published), but not yet due:
    # the relay (polling every half second) leaves it alone.
    await asyncio.sleep(2 * RELAY_POLL_SECONDS)
    assert deferred_rows(sql, transformation["id"]) == [(None, True)]

    await report_succeeded(user, image["id"], transformation["id"], "webp")

    assert await wait_until(lambda: not deferred_rows(sql, transformation["id"]))


async def test_a_failed_render_call_publishes_the_request_at_once(
    client, user, uploaded, transformer_answering, sql, topic_reader, images_settings
):
    transformer_answering(503)
    image = await uploaded(user)

    answer = await client.get(f"/images/{image['id']}/content?{QUERY}", headers=user.headers)

    assert answer.status_code == 202
    transformation_id = uuid.UUID(answer.json()["id"])

    def is_its_request(envelope: Any) -> bool:
        event = envelope.event()
        return isinstance(event, TransformRequested) and event.transformation_id == (
            transformation_id
        )

    published = await topic_reader(images_settings.topic_transform_requested, is_its_request)
    assert len(published) == 1
