"""`images-service worker`: the images worker process, until SIGTERM or SIGINT.

Its metrics (outbox backlog, consumer lag, webhook deliveries) are served on
`WORKER_METRICS_PORT`, which is also what its liveness probe reads.
"""

import asyncio
import logging
import signal

from prometheus_client import start_http_server

from images_service.bootstrap import ImagesService
from images_service.config import get_settings
from images_service.entrypoints.worker.loops import running
from platform_common.logging import configure_logging
from platform_common.tracing import configure_tracing

log = logging.getLogger(__name__)


async def serve_worker() -> None:
    settings = get_settings()
    images = ImagesService.from_settings(settings)
    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port, settings.worker_metrics_host)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with running(images) as tasks:
            log.info("images worker running: %s", ", ".join(task.get_name() for task in tasks))
            await stop.wait()
            log.info("images worker stopping")
    finally:
        await images.close()


def main() -> None:
    settings = get_settings()
    configure_logging(f"{settings.service_name}-worker", settings.log_level)
    configure_tracing(settings)
    asyncio.run(serve_worker())
