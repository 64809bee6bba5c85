"""images.transform.events -> transformation status (processing, succeeded, failed)."""

from images_service.config import Settings
from images_service.entrypoints.consumers.runner import EnvelopeConsumer
from images_service.service_layer.event_handlers import record_transform_event
from images_service.service_layer.notifications import StatusSignals
from images_service.service_layer.unit_of_work import ImagesUnitOfWork


def transform_events_consumer(
    settings: Settings, uow: ImagesUnitOfWork, signals: StatusSignals
) -> EnvelopeConsumer:
    return EnvelopeConsumer(
        topics=[settings.topic_transform_events],
        group_id=settings.transform_events_group,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        handle=lambda envelope: record_transform_event(uow, envelope),
        # Wake on-the-fly requests waiting in this process for a result.
        after_batch=signals.notify,
        topic_partitions=settings.kafka_topic_partitions,
        # The outbox relay publishes there; creating it here spares the relay a metadata wait.
        also_create=[settings.topic_transform_requested],
    )
