"""The two webhook loops of the images worker: fan-out (Kafka) and dispatch (database).

Fan-out is a consumer group of its own on the transform, images and user events, so it
sees every event whatever the other consumers do; it writes the owed deliveries and commits the
offsets only after that, so a restart redelivers instead of losing. Dispatch works through the
deliveries table (durable retries, across restarts and replicas), woken by fan-out.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from images_service.adapters.pinned_http import outbound_client, system_resolver
from images_service.config import Settings
from images_service.domain.address_policy import AddressPolicy
from images_service.webhooks.domain.retry import RetryPolicy
from images_service.webhooks.service_layer.dispatch import Dispatcher
from images_service.webhooks.service_layer.fanout import handle_event
from images_service.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork
from platform_common.events import Envelope
from platform_common.messaging.backoff import retry_forever
from platform_common.messaging.subscriber import Subscriber, Subscription

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0


class DispatchLoop:
    def __init__(self, dispatcher: Dispatcher, timeout_seconds: float) -> None:
        self.dispatcher = dispatcher
        self.timeout_seconds = timeout_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """New deliveries were written: send now rather than at the next poll (event loop only)."""
        self._wake.set()

    async def run(self) -> None:
        # The database away: the shared backoff waits, the rows are still there.
        await retry_forever("webhook dispatch", self._session)

    async def _session(self) -> None:
        async with outbound_client(self.timeout_seconds) as client:
            while True:
                # Cleared before looking: deliveries written meanwhile keep the event set.
                self._wake.clear()
                sent = await self.dispatcher.dispatch_due(client)
                if sent < self.dispatcher.batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)


def webhook_loops(
    settings: Settings, new_uow: Callable[[], WebhooksUnitOfWork]
) -> dict[str, Coroutine[Any, Any, None]]:
    retry = RetryPolicy(
        base_seconds=settings.webhook_retry_base_seconds,
        max_delay_seconds=settings.webhook_retry_max_delay_seconds,
        retry_for_seconds=settings.webhook_retry_for_seconds,
    )
    dispatcher = Dispatcher(
        new_uow=new_uow,
        policy=AddressPolicy.allowing(
            settings.webhook_allowed_networks, settings.webhook_public_addresses
        ),
        resolver=system_resolver,
        retry=retry,
        # Longer than one send can take, so a live dispatcher is never overtaken by another.
        lease=timedelta(seconds=3 * settings.webhook_timeout_seconds + 30),
        send_timeout_seconds=settings.webhook_timeout_seconds,
    )
    dispatch = DispatchLoop(dispatcher, settings.webhook_timeout_seconds)

    async def fan_out(envelope: Envelope) -> None:
        # Woken only for new deliveries: most events owe none (no endpoint subscribes), and a
        # wake costs the dispatcher a database transaction that finds nothing to send.
        if await asyncio.to_thread(handle_event, new_uow(), envelope):
            dispatch.wake()

    fanout = Subscriber(
        settings.kafka_bootstrap_servers,
        Subscription(
            name=settings.webhooks_group,
            group_id=settings.webhooks_group,
            topics=[
                settings.topic_transform_events,
                settings.topic_image_events,
                settings.topic_user_events,  # a deleted account's endpoints go too
            ],
            handle=fan_out,
            create_topics=[
                settings.topic_transform_events,
                settings.topic_image_events,
                settings.topic_user_events,
            ],
            topic_partitions=settings.kafka_topic_partitions,
        ),
    )
    return {"webhook-fanout": fanout.run(), "webhook-dispatch": dispatch.run()}
