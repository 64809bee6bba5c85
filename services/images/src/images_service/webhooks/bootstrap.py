"""What the images service needs to carry webhooks: the router, the mappers, the loops."""

from images_service.webhooks.adapters.orm import start_mappers
from images_service.webhooks.entrypoints.routes import router

__all__ = ["router", "start_mappers"]
