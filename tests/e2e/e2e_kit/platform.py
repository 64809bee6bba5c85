"""The running platform as the end-to-end tests see it: where the gateway is, what the stack's
settings are, and the switches for injecting faults into the real processes (devstack's)."""

import contextlib
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from pathlib import Path
from typing import Any

from e2e_kit.storage import s3_client

from devstack.config import StackConfig
from devstack.platform import Platform, free_ports
from devstack.stack import Stack

ADMIN = {"username": "e2e_admin", "email": "e2e_admin@example.com",
         "password": "admin password for the e2e suite 42"}  # fmt: skip
# What the end-to-end suite needs from the services, on top of devstack's defaults.
E2E_ENV = {
    # Far above what the suite sends: this suite is not testing the limiter (the gateway's own
    # tests do), and a 429 must never be mistaken for a bug here.
    "RATE_LIMIT_LOGIN": "100000/minute",
    "RATE_LIMIT_UPLOADS": "100000/minute",
    "RATE_LIMIT_TRANSFORMS": "100000/minute",
    "RATE_LIMIT_READS": "1000000/minute",
    # Per account, and every test account is new: the delivery tests spend them on purpose.
    "RATE_LIMIT_DELIVERY_RENDERS": "8/minute",
    "LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
    # Per (username, client address): the brute-force test makes 20 failures from one address.
    "LOGIN_MAX_FAILURES_PER_USERNAME": "10",
    "BCRYPT_ROUNDS": "4",
    "ADMIN_USERNAME": ADMIN["username"],
    "ADMIN_EMAIL": ADMIN["email"],
    "ADMIN_PASSWORD": ADMIN["password"],
    # Idle clients are cut off quickly so the slow-upload test stays short.
    "CLIENT_BODY_TIMEOUT_SECONDS": "5",
    "CLIENT_HEADER_TIMEOUT_SECONDS": "5",
    # Outbound requests (webhooks, upload from a URL) may reach only these loopback addresses:
    # webhook receivers listen on 127.0.0.1; 127.0.0.2 is the one origin fetch may download from,
    # so a listener on 127.0.0.1 proves that fetch refuses loopback (and redirects to it).
    "WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.1/32"]',
    "FETCH_ALLOWED_NETWORKS": '["127.0.0.2/32"]',
    # ...and nothing else: whatever URL a test (or the schema fuzzer) sends, nothing leaves.
    "WEBHOOK_PUBLIC_ADDRESSES": "false",
    "FETCH_PUBLIC_ADDRESSES": "false",
    # Retries in seconds rather than minutes, so a test sees them.
    "WEBHOOK_RETRY_BASE_SECONDS": "0.5",
    "WEBHOOK_RETRY_MAX_DELAY_SECONDS": "2",
}
# The services whose settings E2E_ENV changes (restarted once with it).
E2E_RESTARTS = ("auth", "gateway", "images", "images-worker")


class PlatformControl:
    def __init__(self, stack: Stack, platform: Platform) -> None:
        self.stack = stack
        self.platform = platform

    @property
    def gateway_url(self) -> str:
        return self.platform.url("gateway")

    @cached_property
    def env(self) -> dict[str, str]:
        return {**self.platform.services["gateway"].env}

    @property
    def body_read_timeout(self) -> float:
        return float(self.env.get("CLIENT_BODY_TIMEOUT_SECONDS", "60"))

    @cached_property
    def s3(self) -> Any:
        return s3_client(self.env)

    def pids(self) -> dict[str, int]:
        found = {}
        for name, component in self.stack.components.items():
            process = getattr(component, "process", None)
            if process is not None and process.pid:
                found[name] = process.pid
        for name, service in self.platform.services.items():
            if service.process.pid:
                found[name] = service.process.pid
        return found

    # faults ------------------------------------------------------------------------------------
    def kill(self, service: str) -> None:
        """SIGKILL, as a crash or the OOM killer would."""
        self.platform.services[service].kill()

    def start(self, service: str) -> None:
        """Start again on the same port; returns once /ready answers 200."""
        self.platform.services[service].start()

    def restart_kafka(self) -> None:
        self.stack.restart("kafka")

    def stop_kafka(self) -> None:
        self.stack.kafka.stop()

    def start_kafka(self) -> None:
        self.stack.kafka.start()

    def stop_s3(self) -> None:
        self.stack.s3.stop()

    def kill_s3(self) -> None:
        """Gone at once (a graceful stop takes seconds during which it half-answers)."""
        self.stack.s3.kill()

    def start_s3(self) -> None:
        self.stack.s3.start()

    def ensure_all_running(self) -> None:
        """After a fault test, whatever it left down is brought back (so one failure does not
        cascade into every later test). Cheap when all is well: no request is made."""
        for name in ("kafka", "s3"):
            component = self.stack.components[name]
            if component.process is None or not component.process.running:
                component.start()
        for service in self.platform.services.values():
            if not service.process.running:
                service.start()  # waits for /ready


def apply_env(platform: Platform, env: dict[str, str], names: tuple[str, ...]) -> None:
    """Restart `names` (in parallel) with `env` merged into their environment; the others keep
    running untouched. A no-op when they already run with it."""
    services = [platform.services[n] for n in names]
    stale = [s for s in services if any(s.env.get(k) != v for k, v in env.items())]
    for service in stale:
        service.env.update(env)  # the same dict its ManagedProcess starts with
    with ThreadPoolExecutor(max_workers=max(1, len(stale))) as pool:
        list(pool.map(lambda service: service.restart(), stale))


@contextlib.contextmanager
def start_platform(extra_env: dict[str, str] | None = None) -> Iterator[PlatformControl]:
    """A whole platform outside pytest (the benchmarks): stack + services on free ports."""
    with tempfile.TemporaryDirectory(prefix="platform-") as root:
        stack = Stack(StackConfig.with_free_ports(Path(root)))
        stack.start()
        try:
            platform = Platform(stack, free_ports(), extra_env=extra_env).start()
            try:
                yield PlatformControl(stack, platform)
            finally:
                platform.stop()
        finally:
            stack.stop()
