"""`python -m images_service migrate | serve --host H --port P | worker`."""

from pathlib import Path

from images_service.config import get_settings
from platform_common.cli import ExtraCommand, run_migrations, service_cli

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def _worker(_args: object) -> None:
    from images_service.entrypoints.worker.main import main as worker_main

    worker_main()


def main(argv: list[str] | None = None) -> None:
    service_cli(
        prog="images_service",
        app_path="images_service.entrypoints.api.app:create_app",
        default_port=8002,
        migrate=lambda: run_migrations(ALEMBIC_INI, get_settings().database_url),
        argv=argv,
        settings=get_settings,
        extra_commands={
            "worker": ExtraCommand(
                help="run the background worker: Kafka consumers, outbox relay, retention, "
                "deletion queue and webhook delivery",
                run=_worker,
            )
        },
    )
