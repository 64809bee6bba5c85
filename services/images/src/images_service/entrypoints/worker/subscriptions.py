"""The worker's Kafka subscriptions: transformation status, and deleted users."""

import asyncio

from images_service.bootstrap import ImagesService
from images_service.service_layer.event_handlers import record_transform_event, record_user_event
from platform_common.events import Envelope
from platform_common.messaging.subscriber import Subscriber, Subscription


def transform_events(images: ImagesService) -> Subscriber:
    """images.transform.events -> transformation status (processing, succeeded, failed); a
    terminal status wakes the API replicas waiting on it (adapters/variant_notifications)."""
    settings = images.settings

    async def handle(envelope: Envelope) -> None:
        await asyncio.to_thread(record_transform_event, images.new_uow(), envelope)

    return Subscriber(
        settings.kafka_bootstrap_servers,
        Subscription(
            name=settings.transform_events_group,
            group_id=settings.transform_events_group,
            topics=[settings.topic_transform_events],
            handle=handle,
            # The outbox relay publishes there; creating it here spares the relay a metadata wait.
            create_topics=[settings.topic_transform_events, settings.topic_transform_requested],
            topic_partitions=settings.kafka_topic_partitions,
        ),
    )


def user_events(images: ImagesService) -> Subscriber:
    """auth.user.events -> a deleted user's images and objects are deleted too."""
    settings = images.settings

    async def handle(envelope: Envelope) -> None:
        await asyncio.to_thread(record_user_event, images.new_uow(), images.storage, envelope)

    return Subscriber(
        settings.kafka_bootstrap_servers,
        Subscription(
            name=settings.user_events_group,
            group_id=settings.user_events_group,
            topics=[settings.topic_user_events],
            handle=handle,
            create_topics=[settings.topic_user_events],
            topic_partitions=settings.kafka_topic_partitions,
        ),
    )
