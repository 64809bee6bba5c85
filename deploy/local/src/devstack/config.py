"""Where the stack lives and on which ports: fixed defaults for `make run`, free ports for tests."""

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from devstack.ports import free_port, port_from_env

# The same defaults the services' settings use, so a service started by hand finds the stack.
DEFAULT_PORTS = {
    "postgres": ("DEVSTACK_POSTGRES_PORT", 54320),
    "kafka": ("DEVSTACK_KAFKA_PORT", 9092),
    "kafka controller": ("DEVSTACK_KAFKA_CONTROLLER_PORT", 9093),
    "s3": ("DEVSTACK_S3_PORT", 8333),
    "redis": ("DEVSTACK_REDIS_PORT", 63790),
}
DATABASES = ("auth", "images")
# Topics the platform uses, with their partition counts (others are auto-created with one).
TOPICS = {
    "images.transform.requested": 6,
    "images.transform.events": 6,
    "images.transform.dlq": 1,
    "auth.user.events": 3,
    "images.events": 3,
}


@dataclass(frozen=True)
class StackConfig:
    root: Path
    ports: dict[str, int]
    environment: str = "development"
    postgres_password: str = "postgres"
    s3_access_key: str = "dev-access-key"
    s3_secret_key: str = "dev-secret-key"
    s3_bucket: str = "images"
    s3_region: str = "us-east-1"
    topics: dict[str, int] = field(default_factory=lambda: dict(TOPICS))

    @classmethod
    def from_env(cls, root: Path, environment: str = "development") -> "StackConfig":
        """`make run`: fixed ports, each overridable by its DEVSTACK_*_PORT variable."""
        ports = {name: port_from_env(var, port) for name, (var, port) in DEFAULT_PORTS.items()}
        return cls(root=root, ports=ports, environment=environment, **_credentials_from_env())

    @classmethod
    def with_free_ports(cls, root: Path, environment: str = "test") -> "StackConfig":
        """Tests: ports free right now, so two test sessions never collide."""
        ports: dict[str, int] = {}
        for name in DEFAULT_PORTS:
            ports[name] = free_port(avoid=set(ports.values()))
        return cls(root=root, ports=ports, environment=environment, **_credentials_from_env())


class _Credentials(TypedDict, total=False):
    s3_access_key: str
    s3_secret_key: str
    s3_bucket: str
    s3_region: str


def _credentials_from_env() -> _Credentials:
    credentials = _Credentials()
    if value := os.environ.get("S3_ACCESS_KEY_ID"):
        credentials["s3_access_key"] = value
    if value := os.environ.get("S3_SECRET_ACCESS_KEY"):
        credentials["s3_secret_key"] = value
    if value := os.environ.get("S3_BUCKET"):
        credentials["s3_bucket"] = value
    if value := os.environ.get("S3_REGION"):
        credentials["s3_region"] = value
    return credentials
