"""`python -m transformer_service worker --web-port P`."""

import argparse
import logging
from typing import Any


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="transformer_service")
    commands = parser.add_subparsers(dest="command", required=True)
    worker = commands.add_parser("worker", help="run the Faust stream processor")
    worker.add_argument("--web-port", type=int, help="port of /health /ready /metrics")
    worker.add_argument("--web-host", help="interface to bind the web port to")
    args = parser.parse_args(argv)
    overrides: dict[str, Any] = {}
    if args.web_port is not None:
        overrides["transformer_web_port"] = args.web_port
    if args.web_host is not None:
        overrides["transformer_web_host"] = args.web_host
    run_worker(overrides)


def run_worker(overrides: dict[str, Any]) -> None:
    """Read the settings once (environment, then the command line's overrides) and run."""
    from platform_common.settings_errors import load_settings
    from transformer_service.config import Settings

    # A bad value is one line, before Faust starts.
    settings = load_settings(lambda: Settings(**overrides), Settings)

    import faust

    from platform_common.logging import configure_logging
    from platform_common.tracing import configure_tracing
    from transformer_service.adapters.vips_runtime import configure_libvips
    from transformer_service.entrypoints.faust.worker import create_worker

    configure_logging(settings.service_name, settings.log_level)
    configure_tracing(settings)
    # libvips reports every threadpool it finishes at INFO: noise at any production log level.
    logging.getLogger("pyvips").setLevel(max(logging.WARNING, logging.getLogger().level))
    configure_libvips(settings.threads_per_process)
    # No banner and no terminal spinner (ANSI escapes) on stdout, whose lines are all JSON.
    worker = faust.Worker(
        create_worker(settings).app,
        loglevel=settings.log_level,
        redirect_stdouts=False,
        override_logging=False,
        quiet=True,
    )
    worker.spinner = None
    worker.execute_from_commandline()
