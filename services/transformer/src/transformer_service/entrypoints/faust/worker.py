"""The worker factory: settings in, a Faust app with its agent, timer, runtime and web app out.

Nothing is built at import time and nothing lives in module globals: `create_worker(settings)`
is the one place the worker is put together (the CLI calls it once per process; tests build as
many as they like).
"""

from dataclasses import dataclass

import faust
from fastapi import FastAPI
from faust.contrib.asgi import serve_asgi

from transformer_service.bootstrap import Transformer
from transformer_service.config import Settings
from transformer_service.entrypoints.faust.agents import register_agent
from transformer_service.entrypoints.faust.app import create_faust_app
from transformer_service.entrypoints.faust.lag import TakenOffsets, register_lag_timer
from transformer_service.entrypoints.faust.runtime import runtime_service
from transformer_service.entrypoints.faust.web import create_web
from transformer_service.entrypoints.render_api import create_render_router


@dataclass(frozen=True)
class TransformerWorker:
    app: faust.App
    web: FastAPI
    transformer: Transformer


def create_worker(settings: Settings) -> TransformerWorker:
    app = create_faust_app(settings)
    transformer = Transformer.from_settings(settings, app)
    app.service(runtime_service(transformer))
    taken = TakenOffsets()
    register_agent(app, transformer, taken)
    register_lag_timer(app, taken)

    web = create_web(app, transformer)
    # Further views on the worker's web port are included here, one line each.
    web.include_router(create_render_router(transformer))
    serve_asgi(app, web, log_config=None, access_log=False)
    return TransformerWorker(app, web, transformer)
