"""The services as subprocesses on top of a running Stack, per the service CLI contract."""

import os
import threading
import time
from pathlib import Path

from devstack.parallel import run_parallel
from devstack.ports import HOST, ensure_free, free_port, port_from_env
from devstack.service import Service, ServiceSpec
from devstack.stack import Stack

DEV_JWT_SECRET = "devstack-local-jwt-secret-not-for-production-0123456789"


SERVICES = (
    ServiceSpec("gateway", "gateway_service", 8000),
    ServiceSpec("auth", "auth_service", 8001, database="auth"),
    ServiceSpec("images", "images_service", 8002, database="images"),
    # Consumers, outbox relay, retention and webhooks: the images API runs no background loop.
    ServiceSpec("images-worker", "images_service", 9102, database="images", background=True),
    ServiceSpec("transformer", "transformer_service", 8003, worker=True),
)


# The gateway serves /metrics on a port of its own (never on the public one).
GATEWAY_METRICS = "gateway-metrics"
GATEWAY_METRICS_PORT_ENV = "DEVSTACK_GATEWAY_METRICS_PORT"


def default_ports() -> dict[str, int]:
    ports = {spec.name: port_from_env(spec.port_env, spec.default_port) for spec in SERVICES}
    ports[GATEWAY_METRICS] = port_from_env(GATEWAY_METRICS_PORT_ENV, 9100)
    return ports


def free_ports() -> dict[str, int]:
    ports: dict[str, int] = {}
    for name in [*(spec.name for spec in SERVICES), GATEWAY_METRICS]:
        ports[name] = free_port(avoid=set(ports.values()))
    return ports


class Platform:
    """gateway, auth, images (API and worker) and transformer started in parallel once the
    stack is up."""

    def __init__(
        self,
        stack: Stack,
        ports: dict[str, int] | None = None,
        jwt_secret: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.stack = stack
        self.ports = ports or default_ports()
        self.jwt_secret = jwt_secret or os.environ.get("JWT_SECRET") or DEV_JWT_SECRET
        root, logs = stack.config.root / "platform", stack.config.root / "logs"
        self._cancel = threading.Event()
        self.services = {
            spec.name: Service(
                spec, self.ports[spec.name], self._env(spec, extra_env), root, self._cancel, logs
            )
            for spec in SERVICES
        }
        self.startup_seconds: float | None = None

    def url(self, name: str) -> str:
        return self.services[name].url

    def span_file(self, name: str) -> Path:
        """Where a service started with TRACING_EXPORTER=file (relative TRACING_FILE) writes."""
        service = self.services[name]
        return service.dir / service.env.get("TRACING_FILE", "spans.jsonl")

    def metrics_url(self, name: str) -> str:
        """Where a service's Prometheus metrics are: the gateway's on its own port."""
        if name == "gateway":
            return f"http://{HOST}:{self.ports[GATEWAY_METRICS]}/metrics"
        return f"{self.url(name)}/metrics"

    def check_ports(self) -> None:
        for service in self.services.values():
            ensure_free(service.port, service.name, service.spec.port_env)

    def start(self) -> "Platform":
        began = time.monotonic()
        self._cancel.clear()
        try:
            run_parallel([s.start for s in self.services.values()], self._cancel)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def stop(self) -> None:
        self._cancel.set()
        run_parallel([s.stop for s in self.services.values()], self._cancel, quiet=True)

    def _env(self, spec: ServiceSpec, extra_env: dict[str, str] | None) -> dict[str, str]:
        env = {**os.environ, **self.stack.env(), "JWT_SECRET": self.jwt_secret}
        env["PYTHONUNBUFFERED"] = "1"
        if spec.database:
            env["DATABASE_URL"] = self.stack.database_url(spec.database)
        if spec.name == "gateway":
            env["AUTH_URL"] = f"http://{HOST}:{self.ports['auth']}"
            env["IMAGES_URL"] = f"http://{HOST}:{self.ports['images']}"
            env["METRICS_PORT"] = str(self.ports[GATEWAY_METRICS])
            # Shared rate limits, as with several replicas (the stack's Redis).
            env["RATE_LIMIT_STORAGE_URI"] = self.stack.redis.url
        elif spec.background:
            env["WORKER_METRICS_HOST"] = HOST
            env["WORKER_METRICS_PORT"] = str(self.ports[spec.name])
        elif not spec.worker:
            # Behind the gateway, which connects from the loopback address: believe the client
            # address it forwards (and only its). The gateway is the edge and believes no one.
            env["TRUSTED_PROXIES"] = HOST
        if spec.name == "images":
            # On-the-fly variants are rendered in one hop on the transformer's web port.
            env["TRANSFORMER_URL"] = f"http://{HOST}:{self.ports['transformer']}"
        return {**env, **(extra_env or {})}
