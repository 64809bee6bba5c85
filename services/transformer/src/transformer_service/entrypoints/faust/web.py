"""/health, /ready and /metrics on the Faust web port (an ASGI app served by the worker)."""

from fastapi import FastAPI
from faust.contrib.asgi import serve_asgi

from platform_common.kafka import CONSUMER_LAG
from platform_common.observability import health_router
from transformer_service.entrypoints.faust import runtime
from transformer_service.entrypoints.faust.app import app
from transformer_service.entrypoints.render_api import router as render_router


def kafka_ready() -> None:
    if not app.started or app.crashed or app.rebalancing:
        raise RuntimeError("the Kafka consumer is not running")


def runtime_ready() -> None:
    if not runtime.is_started():
        raise RuntimeError("the libvips process pool is not started")


web = FastAPI(title="transformer", docs_url=None, redoc_url=None, openapi_url=None)
web.include_router(
    health_router({"kafka": kafka_ready, "libvips": runtime_ready, "storage": runtime.storage_ping})
)
web.include_router(render_router)
serve_asgi(app, web, log_config=None, access_log=False)


@app.timer(interval=5.0)  # type: ignore[untyped-decorator]  # faust's decorators are unannotated
async def measure_consumer_lag() -> None:
    """Requests waiting in this worker's partitions (best effort: Faust internals may change)."""
    consumer = app.consumer
    read = getattr(consumer, "_read_offset", {})
    for tp in consumer.assignment():
        highwater, position = consumer.highwater(tp), read.get(tp)
        if highwater is not None:
            lag = max(0, highwater - (position + 1 if position is not None else 0))
            CONSUMER_LAG.labels(app.conf.id, tp.topic, str(tp.partition)).set(lag)
