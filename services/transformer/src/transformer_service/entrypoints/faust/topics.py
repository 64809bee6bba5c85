"""The topics the worker reads and writes (names from settings; values are JSON envelopes)."""

from transformer_service.entrypoints.faust.app import app, settings

transform_requests = app.topic(settings.topic_transform_requested)
transform_events = app.topic(settings.topic_transform_events)
transform_dead_letters = app.topic(settings.topic_transform_dlq)
