"""auth.user.events -> a deleted user's images and objects are deleted too."""

from images_service.adapters.object_storage import ObjectStorage
from images_service.config import Settings
from images_service.entrypoints.consumers.runner import EnvelopeConsumer
from images_service.service_layer.event_handlers import record_user_event
from images_service.service_layer.unit_of_work import ImagesUnitOfWork


def user_events_consumer(
    settings: Settings, uow: ImagesUnitOfWork, storage: ObjectStorage
) -> EnvelopeConsumer:
    return EnvelopeConsumer(
        topics=[settings.topic_user_events],
        group_id=settings.user_events_group,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        handle=lambda envelope: record_user_event(uow, storage, envelope),
        topic_partitions=settings.kafka_topic_partitions,
    )
