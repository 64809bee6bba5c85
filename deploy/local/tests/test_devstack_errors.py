"""Bad configuration gives one line a person can act on, never a traceback."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from devstack import kafka_dist
from devstack.errors import MissingPrerequisite, PortInUse
from devstack.ports import free_port
from devstack.redis import Redis


@pytest.fixture
def busy_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _devstack_up(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    ports = {var: str(free_port()) for var in (
        "DEVSTACK_POSTGRES_PORT", "DEVSTACK_KAFKA_PORT", "DEVSTACK_KAFKA_CONTROLLER_PORT",
        "DEVSTACK_S3_PORT", "DEVSTACK_REDIS_PORT",
    )}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "devstack", "--dir", str(tmp_path / "stack"), "up"],
        env={**os.environ, **ports, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_busy_port_names_the_port_the_component_and_the_setting(tmp_path, busy_port):
    with pytest.raises(PortInUse) as error:
        Redis(tmp_path, busy_port).start()
    assert str(error.value) == (
        f"port {busy_port} for redis is already in use; "
        "stop whatever uses it or set DEVSTACK_REDIS_PORT"
    )


def test_the_cli_says_it_in_one_line(tmp_path, busy_port):
    result = _devstack_up(tmp_path, DEVSTACK_KAFKA_PORT=str(busy_port))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"devstack: port {busy_port} for kafka is already in use; "
        "stop whatever uses it or set DEVSTACK_KAFKA_PORT"
    ]


def test_a_missing_java_says_what_to_install(tmp_path):
    result = _devstack_up(tmp_path, JAVA_HOME=str(tmp_path / "no-java"))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "devstack: Java 17+ is needed for the local Kafka broker: install it "
        "(Debian: apt-get install openjdk-17-jre-headless)"
    ]


def test_a_missing_maven_says_what_to_install_while_the_jars_are_not_cached(tmp_path, monkeypatch):
    java_home = Path(kafka_dist.java_executable()).resolve().parents[1]
    monkeypatch.setenv("JAVA_HOME", str(java_home))
    monkeypatch.setenv("PATH", str(tmp_path))  # no mvn there
    monkeypatch.setenv("DEVSTACK_CACHE_DIR", str(tmp_path / "empty-cache"))
    with pytest.raises(MissingPrerequisite) as error:
        kafka_dist.check_prerequisites()
    assert str(error.value) == (
        "Maven is needed once to download the Kafka broker jars: install it "
        "(Debian: apt-get install maven)"
    )
    assert shutil.which("mvn") is None
