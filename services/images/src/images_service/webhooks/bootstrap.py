"""What the images app needs to carry webhooks: the router, the mappers, the loops."""

from images_service.webhooks.adapters.orm import start_mappers
from images_service.webhooks.entrypoints.routes import router
from images_service.webhooks.entrypoints.workers import webhook_loops

__all__ = ["router", "start_mappers", "webhook_loops"]
