"""`python -m auth_service migrate | serve`."""

from pathlib import Path

from auth_service.config import get_settings
from platform_common.cli import run_migrations, service_cli

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def main(argv: list[str] | None = None) -> None:
    service_cli(
        prog="auth_service",
        app_path="auth_service.entrypoints.api.app:create_app",
        default_port=8001,
        migrate=lambda: run_migrations(ALEMBIC_INI, get_settings().database_url),
        argv=argv,
    )
