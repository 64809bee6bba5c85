"""One service of the platform as a subprocess: migrate, serve, wait for /health and /ready."""

import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx

from devstack.errors import ComponentFailed
from devstack.ports import HOST, ensure_free
from devstack.process import ManagedProcess


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    module: str
    default_port: int
    database: str | None = None
    worker: bool = False  # a Faust worker (`worker --web-port`), not an HTTP server (`serve`)
    # A background worker (`worker`, images'): no HTTP API, its metrics (and so its probes) on
    # the port; it uses the database another service migrates.
    background: bool = False

    @property
    def port_env(self) -> str:
        return f"DEVSTACK_{self.name.upper().replace('-', '_')}_PORT"

    @property
    def migrates(self) -> bool:
        return self.database is not None and not self.background


class Service:
    def __init__(
        self,
        spec: ServiceSpec,
        port: int,
        env: dict[str, str],
        root: Path,
        cancel: threading.Event | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self.spec = spec
        self.name = spec.name
        self.port = port
        self.env = env  # the very dict the process starts with: tests may update it, then restart
        self.dir = root / spec.name  # the working directory: whatever it writes stays in the stack
        self.log_path = (log_dir or root / "logs") / f"{spec.name}.log"
        if spec.worker:
            command = ["worker", "--web-port", str(port)]
        elif spec.background:
            command = ["worker"]
        else:
            command = ["serve", "--host", HOST, "--port", str(port)]
        self.process = ManagedProcess(
            spec.name,
            [sys.executable, "-m", spec.module, *command],
            log_path=self.log_path,
            env=env,
            cwd=self.dir,
            stop_timeout=15,
        )
        self.cancel = cancel
        self._migrated = False

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        ensure_free(self.port, self.name, self.spec.port_env)
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.spec.migrates and not self._migrated:
            self._migrate()  # once: a restarted service (fault tests) finds its schema in place
            self._migrated = True
        self.process.start()
        # Generous: four services importing at once on two busy cores can take a while.
        for path, timeout in (("/health", 120), ("/ready", 120)):
            self.process.wait_ready(
                partial(self._answers_200, path), timeout=timeout, cancel=self.cancel
            )

    def stop(self) -> None:
        self.process.stop()

    def kill(self) -> None:
        """SIGKILL, as a crash would: for fault tests."""
        self.process.kill()

    def restart(self) -> None:
        self.stop()
        self.start()

    def _answers_200(self, path: str) -> bool:
        return httpx.get(f"{self.url}{path}", timeout=3).status_code == 200

    def _migrate(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            log.write(f"\n=== {time.strftime('%F %T')} migrate\n".encode())
            log.flush()
            result = subprocess.run(
                [sys.executable, "-m", self.spec.module, "migrate"],
                stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.dir,
                timeout=300, check=False,
            )  # fmt: skip
        if result.returncode != 0:
            raise ComponentFailed(self.name, "migrate failed", self.log_path)
