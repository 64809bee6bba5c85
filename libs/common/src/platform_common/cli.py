"""The shared command line of the HTTP services: `serve`, `migrate` and service-specific extras."""

import argparse
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platform_common.settings_errors import load_settings, settings_model


@dataclass(frozen=True)
class ExtraCommand:
    """A service-specific subcommand (e.g. auth's `create-admin`) next to serve/migrate."""

    help: str
    run: Callable[[argparse.Namespace], None]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None


# Held while migrating: pods starting together (Kubernetes init containers) take turns, and
# each finds the schema at head once the one before it is done.
MIGRATION_LOCK_KEY = 0x1A6E_0001


def run_migrations(alembic_ini: Path, database_url: str) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    config = Config(str(alembic_ini))
    config.set_main_option("script_location", str(alembic_ini.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as lock:
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                command.upgrade(config, "head")
            finally:
                lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
    finally:
        engine.dispose()


def service_cli(
    *,
    prog: str,
    app_path: str,
    default_port: int,
    migrate: Callable[[], None] | None = None,
    argv: list[str] | None = None,
    extra_commands: Mapping[str, ExtraCommand] | None = None,
    settings: Callable[[], Any] | None = None,
) -> None:
    """`settings`: the service's settings factory, checked first so a bad value is one line."""
    parser = argparse.ArgumentParser(prog=prog)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=default_port)
    serve.add_argument("--workers", type=int, default=1)
    if migrate is not None:
        commands.add_parser("migrate", help="upgrade the database schema to the latest revision")
    for name, extra in (extra_commands or {}).items():
        extra_parser = commands.add_parser(name, help=extra.help)
        if extra.add_arguments is not None:
            extra.add_arguments(extra_parser)
    args = parser.parse_args(argv)
    if settings is not None:
        load_settings(settings, settings_model(settings))

    if extra_commands and args.command in extra_commands:
        extra_commands[args.command].run(args)
        return
    if args.command == "migrate" and migrate is not None:
        migrate()
        return
    import uvicorn

    from platform_common.http_timeouts import bounded_http_protocol
    from platform_common.settings import HttpServerSettings

    # The bounded protocol is a local class (not picklable for uvicorn's worker processes).
    server = HttpServerSettings()
    protocol = (
        bounded_http_protocol(server.client_header_timeout_seconds, server.max_header_bytes)
        if args.workers == 1
        else "auto"
    )
    uvicorn.run(
        app_path,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,  # our JSON logging is configured by the app factory
        # Forwarding headers are resolved by the app (platform_common.client_address), from
        # TRUSTED_PROXIES only; uvicorn's own handling would believe 127.0.0.1 by default.
        proxy_headers=False,
        timeout_keep_alive=30,
        http=protocol,
        h11_max_incomplete_event_size=server.max_header_bytes or None,
    )
    sys.exit(0)
