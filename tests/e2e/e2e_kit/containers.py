"""docker-compose.yml run for real with podman: the images built from Debian packages by
deploy/podman/build.sh, the compose file with only its infrastructure image names replaced.

podman below 4.6 (Debian bookworm has 4.3) ignores `condition: service_healthy`, and without
systemd no podman runs healthchecks on its own. So `up` starts the compose file in the order its
`depends_on` describes, one layer at a time, and runs each layer's own HEALTHCHECK (with
`podman healthcheck run`) until it passes, or waits for the one-shot jobs to exit 0.
"""

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PODMAN_DIR = REPO / "deploy" / "podman"
COMPOSE_FILES = [REPO / "docker-compose.yml", PODMAN_DIR / "compose.local-images.yml"]
BUILD_TIMEOUT = 40 * 60
# Each layer depends only on the ones before it (see depends_on in docker-compose.yml).
LAYERS: list[tuple[str, list[str]]] = [
    ("healthy", ["kafka", "postgres", "minio", "redis"]),
    ("completed", ["kafka-init", "minio-init", "auth-migrate", "images-migrate"]),
    ("healthy", ["auth", "images", "images-worker", "transformer"]),
    ("healthy", ["gateway"]),
]
APPLICATION_SERVICES = ["auth", "images", "transformer", "gateway"]


def podman_env() -> dict[str, str]:
    return {**os.environ, "CONTAINERS_CONF": str(PODMAN_DIR / "containers.conf")}


def build_images() -> float:
    """Builds (or refreshes) every image; returns the seconds it took."""
    started = time.monotonic()
    subprocess.run(
        ["bash", str(PODMAN_DIR / "build.sh")],
        env={**podman_env(), "IMAGE_TAG": "dev"},
        check=True,
        timeout=BUILD_TIMEOUT,
    )
    return time.monotonic() - started


def podman(*args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["podman", *args], env=podman_env(), capture_output=True, text=True, check=check,
        timeout=timeout,
    )  # fmt: skip


@dataclass
class ComposeProject:
    name: str
    gateway_port: int

    def compose(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        files = [arg for path in COMPOSE_FILES for arg in ("-f", str(path))]
        env = {**podman_env(), "GATEWAY_PORT": str(self.gateway_port), "IMAGE_TAG": "dev"}
        return subprocess.run(
            [sys.executable, "-m", "podman_compose", "-p", self.name, *files, *args],
            env=env, cwd=REPO, capture_output=True, text=True, check=True, timeout=timeout,
        )  # fmt: skip

    def container(self, service: str) -> str:
        return f"{self.name}_{service}_1"

    def up(self, timeout_per_layer: float = 240) -> None:
        for condition, services in LAYERS:
            self.compose("up", "-d", "--no-deps", *services)
            deadline = time.monotonic() + timeout_per_layer
            for service in services:
                if condition == "healthy":
                    self._wait_healthy(service, deadline)
                else:
                    self._wait_completed(service, deadline)

    def down(self) -> None:
        self.compose("down", "-v", "-t", "5", timeout=180)

    def logs(self, service: str) -> str:
        result = podman("logs", "--tail", "60", self.container(service), check=False)
        return result.stdout + result.stderr

    def inspect(self, service: str) -> dict:
        return json.loads(podman("inspect", self.container(service)).stdout)[0]

    def _wait_healthy(self, service: str, deadline: float) -> None:
        while time.monotonic() < deadline:
            if podman("healthcheck", "run", self.container(service), check=False).returncode == 0:
                return
            time.sleep(1)
        raise AssertionError(f"{service} never became healthy:\n{self.logs(service)}")

    def _wait_completed(self, service: str, deadline: float, attempts: int = 3) -> None:
        """The one-shot jobs are idempotent (topics and bucket if missing, migrations), so one
        that failed on a transient fault (seen: the container DNS not answering in time on a
        loaded machine) is started again, up to `attempts` runs in all."""
        runs = 1
        while time.monotonic() < deadline:
            state = self.inspect(service)["State"]
            if state["Status"] == "exited":
                if state["ExitCode"] == 0:
                    return
                assert runs < attempts, f"{service} failed {runs} times:\n{self.logs(service)}"
                print(f"{service} exited with {state['ExitCode']}; starting it again")
                podman("start", self.container(service))
                runs += 1
            time.sleep(1)
        raise AssertionError(f"{service} did not finish:\n{self.logs(service)}")


def image_sizes() -> dict[str, int]:
    """Bytes per image this setup builds, as podman reports them."""
    listing = json.loads(podman("images", "--format", "json").stdout)
    sizes = {}
    for image in listing:
        for name in image.get("Names") or []:
            if "platform-" in name or "image-platform/" in name:
                sizes[name.removeprefix("localhost/")] = int(image["Size"])
    return sizes
