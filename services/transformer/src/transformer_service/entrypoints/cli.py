"""`python -m transformer_service worker --web-port P`."""

import argparse
import logging
import os


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="transformer_service")
    commands = parser.add_subparsers(dest="command", required=True)
    worker = commands.add_parser("worker", help="run the Faust stream processor")
    worker.add_argument("--web-port", type=int, help="port of /health /ready /metrics")
    worker.add_argument("--web-host", help="interface to bind the web port to")
    args = parser.parse_args(argv)

    # Settings are read once, when the Faust app module is imported: set the overrides first.
    if args.web_port is not None:
        os.environ["TRANSFORMER_WEB_PORT"] = str(args.web_port)
    if args.web_host is not None:
        os.environ["TRANSFORMER_WEB_HOST"] = args.web_host
    run_worker()


def run_worker() -> None:
    from platform_common.settings_errors import load_settings
    from transformer_service.config import Settings, get_settings

    load_settings(get_settings, Settings)  # a bad value is one line, before Faust starts

    import faust

    from platform_common.logging import configure_logging
    from platform_common.tracing import configure_tracing
    from transformer_service.adapters.vips_runtime import configure_libvips
    from transformer_service.entrypoints.faust import agents, runtime, web  # noqa: F401
    from transformer_service.entrypoints.faust.app import app, settings

    configure_logging(settings.service_name, settings.log_level)
    configure_tracing(settings)
    # libvips reports every threadpool it finishes at INFO: noise at any production log level.
    logging.getLogger("pyvips").setLevel(max(logging.WARNING, logging.getLogger().level))
    configure_libvips(settings.threads_per_process)
    # No banner and no terminal spinner (ANSI escapes) on stdout, whose lines are all JSON.
    worker = faust.Worker(
        app,
        loglevel=settings.log_level,
        redirect_stdouts=False,
        override_logging=False,
        quiet=True,
    )
    worker.spinner = None
    worker.execute_from_commandline()
