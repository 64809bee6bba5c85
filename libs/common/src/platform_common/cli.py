"""The shared command line of the HTTP services: `serve` and `migrate`."""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def run_migrations(alembic_ini: Path, database_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(alembic_ini))
    config.set_main_option("script_location", str(alembic_ini.parent / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    command.upgrade(config, "head")


def service_cli(
    *,
    prog: str,
    app_path: str,
    default_port: int,
    migrate: Callable[[], None] | None = None,
    argv: list[str] | None = None,
) -> None:
    parser = argparse.ArgumentParser(prog=prog)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=default_port)
    serve.add_argument("--workers", type=int, default=1)
    if migrate is not None:
        commands.add_parser("migrate", help="upgrade the database schema to the latest revision")
    args = parser.parse_args(argv)

    if args.command == "migrate" and migrate is not None:
        migrate()
        return
    import uvicorn

    uvicorn.run(
        app_path,
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,  # our JSON logging is configured by the app factory
        proxy_headers=True,
        timeout_keep_alive=30,
    )
    sys.exit(0)
