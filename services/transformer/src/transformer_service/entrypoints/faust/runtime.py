"""The transformer's dependencies started and stopped with the Faust app, as a mode Service."""

from mode import Service

from transformer_service.bootstrap import Transformer


def runtime_service(transformer: Transformer) -> type[Service]:
    """A Service class (Faust instantiates the services it starts) bound to `transformer`."""

    class TransformerRuntime(Service):
        async def on_start(self) -> None:
            await transformer.start()

        async def on_stop(self) -> None:
            await transformer.stop()

    return TransformerRuntime
