"""/health, /ready and /metrics on the Faust web port (an ASGI app served by the worker)."""

import faust
from fastapi import FastAPI

from platform_common.observability import health_router
from transformer_service.bootstrap import Transformer


def create_web(app: faust.App, transformer: Transformer) -> FastAPI:
    def kafka_ready() -> None:
        if not app.started or app.crashed or app.rebalancing:
            raise RuntimeError("the Kafka consumer is not running")

    def runtime_ready() -> None:
        if not transformer.started:
            raise RuntimeError("the libvips process pool is not started")

    web = FastAPI(title="transformer", docs_url=None, redoc_url=None, openapi_url=None)
    web.include_router(
        health_router(
            {"kafka": kafka_ready, "libvips": runtime_ready, "storage": transformer.storage_ping}
        )
    )
    return web
