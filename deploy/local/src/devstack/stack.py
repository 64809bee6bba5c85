"""The whole local infrastructure: PostgreSQL, Kafka, S3 and Redis, started in parallel."""

import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Protocol

from devstack import kafka_dist, watchdog
from devstack.config import DATABASES, DEFAULT_PORTS, StackConfig
from devstack.kafka import Kafka
from devstack.parallel import run_parallel
from devstack.ports import ensure_free
from devstack.postgres import Postgres
from devstack.process import ManagedProcess
from devstack.redis import Redis
from devstack.s3 import SeaweedS3


class Component(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def process(self) -> ManagedProcess | None: ...

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def kill(self) -> None: ...


class Stack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        ports = config.ports
        self._cancel = threading.Event()
        self.postgres = Postgres(
            config.root, ports["postgres"], config.postgres_password, self._cancel
        )
        self.kafka = Kafka(config.root, ports["kafka"], ports["kafka controller"], self._cancel)
        self.s3 = SeaweedS3(
            config.root,
            ports["s3"],
            (config.s3_access_key, config.s3_secret_key),
            config.s3_bucket,
            config.s3_region,
            self._cancel,
        )
        self.redis = Redis(config.root, ports["redis"], self._cancel)
        self.components: dict[str, Component] = {
            c.name: c for c in (self.postgres, self.kafka, self.s3, self.redis)
        }
        self.startup_seconds: float | None = None
        self._disarm_watchdog: Callable[[], None] | None = None

    def check_prerequisites(self) -> None:
        """Java, Maven (until the jars are cached) and free ports, before anything starts."""
        kafka_dist.check_prerequisites(self.kafka.version)
        for name, (env_var, _) in DEFAULT_PORTS.items():
            ensure_free(self.config.ports[name], name, env_var)

    def start(self) -> "Stack":
        self.check_prerequisites()
        self.config.root.mkdir(parents=True, exist_ok=True)
        self._disarm_watchdog = watchdog.guard(self.config.root)
        self._cancel.clear()
        began = time.monotonic()
        steps: list[Callable[[], None]] = [
            self._start_postgres, self._start_kafka, self.s3.start, self.redis.start,
        ]  # fmt: skip
        try:
            run_parallel(steps, self._cancel)
        except BaseException:
            self.stop()  # also on Ctrl-C: nothing half-started may stay behind
            raise
        self.startup_seconds = time.monotonic() - began
        return self

    def stop(self) -> None:
        self._cancel.set()
        run_parallel([c.stop for c in self.components.values()], self._cancel, quiet=True)
        if self._disarm_watchdog:
            self._disarm_watchdog()
            self._disarm_watchdog = None

    def restart(self, name: str) -> None:
        """Stops one component and starts it again on the same port with the same data."""
        component = self.components[name]
        component.stop()
        self._cancel.clear()
        component.start()

    def env(self) -> dict[str, str]:
        """What a service needs to find the stack (the settings deploy/SETTINGS.md lists)."""
        return {
            "ENVIRONMENT": self.config.environment,
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka.bootstrap_servers,
            "S3_ENDPOINT_URL": self.s3.endpoint_url,
            "S3_PUBLIC_ENDPOINT_URL": self.s3.endpoint_url,
            "S3_ACCESS_KEY_ID": self.config.s3_access_key,
            "S3_SECRET_ACCESS_KEY": self.config.s3_secret_key,
            "S3_BUCKET": self.config.s3_bucket,
            "S3_REGION": self.config.s3_region,
            "REDIS_URL": self.redis.url,
        }

    def database_url(self, name: str) -> str:
        return self.postgres.url(name)

    def create_database(self, name: str) -> str:
        return self.postgres.create_database(name)

    def create_topics(self, names: Iterable[str], partitions: int = 1) -> None:
        self.kafka.create_topics(names, partitions)

    def _start_postgres(self) -> None:
        self.postgres.start()
        for name in DATABASES:
            self.postgres.create_database(name)

    def _start_kafka(self) -> None:
        self.kafka.start()
        for name, partitions in self.config.topics.items():
            self.kafka.create_topics([name], partitions)

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
