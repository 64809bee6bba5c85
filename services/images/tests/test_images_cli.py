"""The CLI contract devstack and the containers use: `migrate`, then `serve --host --port`."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import httpx
from sqlalchemy import create_engine, inspect


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_migrate_then_serve(stack, tmp_path):
    database_url = stack.create_database(f"images_cli_{uuid.uuid4().hex[:8]}")
    env = {**os.environ, **stack.env(), "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}

    migrate = subprocess.run(
        [sys.executable, "-m", "images_service", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    engine = create_engine(database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"images", "transformations", "uploads", "processed_events", "outbox"} <= tables

    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "images_service",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        ready = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and ready is None:
            assert server.poll() is None, log.read_text()[-3000:]
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2)
                ready = response if response.status_code == 200 else None
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        assert ready is not None, log.read_text()[-3000:]
        assert ready.json()["checks"] == {"database": "ok", "storage": "ok"}
        assert httpx.get(f"http://127.0.0.1:{port}/health").json() == {"status": "ok"}
        unauthenticated = httpx.get(f"http://127.0.0.1:{port}/images")
        assert unauthenticated.status_code == 401
        assert (
            "/images/{image_id}/transform"
            in httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()["paths"]
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert "Traceback" not in log.read_text()
