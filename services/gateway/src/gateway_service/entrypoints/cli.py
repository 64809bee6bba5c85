"""`python -m gateway_service serve --host H --port P`."""

from gateway_service.config import get_settings
from platform_common.cli import service_cli


def main(argv: list[str] | None = None) -> None:
    service_cli(
        prog="gateway_service",
        app_path="gateway_service.entrypoints.api.app:create_app",
        default_port=8000,
        argv=argv,
        settings=get_settings,
    )
