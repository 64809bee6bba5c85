"""`devstack up | run | check | fetch`: the local stack from a terminal (what `make run` calls)."""

import argparse
import logging
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from devstack import kafka_dist, prerequisites
from devstack.config import StackConfig
from devstack.errors import DevstackError
from devstack.platform import Platform, default_ports
from devstack.stack import Stack

REPO_ROOT = kafka_dist.LOCAL_DIR.parents[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="devstack", description=__doc__)
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(os.environ.get("DEVSTACK_DIR", REPO_ROOT / ".stack")),
        help="the stack folder: data and logs (default: .stack/ at the repository root)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start PostgreSQL, Kafka, S3 and Redis until Ctrl-C")
    commands.add_parser("run", help="start the infrastructure and the four services until Ctrl-C")
    commands.add_parser("check", help="check the prerequisites (Java, Maven, binaries, ports)")
    commands.add_parser("fetch", help="download the Kafka broker jars now")
    commands.add_parser("settings", help="regenerate deploy/SETTINGS.md and .env.example")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.WARNING, format="devstack: %(message)s")
    # SIGTERM and a closed terminal stop the stack the same way Ctrl-C does; SIGINT is set
    # explicitly because a shell starting us in the background would have it ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    try:
        commands_run = {"up": _up, "run": _run, "check": _check, "fetch": _fetch}
        commands_run["settings"] = _settings
        commands_run[args.command](args)
    except DevstackError as exc:
        print(f"devstack: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\ndevstack: stopped", file=sys.stderr)
        sys.exit(130)


def _settings(args: argparse.Namespace) -> None:
    from devstack.settings_reference import write

    for path in write(REPO_ROOT):
        print(f"devstack: wrote {path.relative_to(REPO_ROOT)}")


def _up(args: argparse.Namespace) -> None:
    print(f"devstack: starting PostgreSQL, Kafka, S3 and Redis in {args.dir} ...", flush=True)
    with Stack(StackConfig.from_env(args.dir.resolve())) as stack:
        _print_infra(stack)
        print("\nCtrl-C stops everything.", flush=True)
        _watch(stack, None)


def _run(args: argparse.Namespace) -> None:
    stack = Stack(StackConfig.from_env(args.dir.resolve()))
    # The services run in the stack folder: point them at the repository's .env (if any).
    env_file = {"ENV_FILE": str(REPO_ROOT / ".env")} if (REPO_ROOT / ".env").exists() else {}
    platform = Platform(stack, default_ports(), extra_env=env_file)
    platform.check_ports()  # before the infrastructure, so a busy 8000 fails in a second
    print(f"devstack: starting the platform in {args.dir} ...", flush=True)
    with stack:
        _print_infra(stack)
        try:
            platform.start()
            print(f"devstack: services up in {platform.startup_seconds:.1f} s\n")
            gateway = platform.url("gateway")
            print(f"  gateway      {gateway}   (API docs: {gateway}/docs)")
            for name in ("auth", "images"):
                print(f"  {name:<12} {platform.url(name)}   (API docs: {platform.url(name)}/docs)")
            print(f"  images-worker {platform.url('images-worker')}/metrics")
            print(f"  transformer  {platform.url('transformer')}/health")
            print(f"  metrics      {platform.metrics_url('gateway')}   (the gateway's, internal)")
            print(f"\n  logs in {stack.config.root / 'logs'}\n\nCtrl-C stops everything.")
            sys.stdout.flush()
            _watch(stack, platform)
        finally:
            platform.stop()


def _check(args: argparse.Namespace) -> None:
    problems = prerequisites.report(StackConfig.from_env(args.dir.resolve()), default_ports())
    if problems:
        sys.exit(1)


def _fetch(args: argparse.Namespace) -> None:
    print(f"devstack: Kafka {kafka_dist.kafka_version()} jars in {kafka_dist.ensure_jars()}")


def _print_infra(stack: Stack) -> None:
    env = stack.env()
    print(f"devstack: infrastructure up in {stack.startup_seconds:.1f} s")
    print(f"  postgres     {stack.database_url('<db>')}  (databases: auth, images)")
    print(f"  kafka        {env['KAFKA_BOOTSTRAP_SERVERS']}")
    print(f"  s3           {env['S3_ENDPOINT_URL']}  (bucket {env['S3_BUCKET']})")
    print(f"  redis        {env['REDIS_URL']}", flush=True)


def _watch(stack: Stack, platform: Platform | None) -> None:
    """Waits for Ctrl-C, saying once when a process dies on its own."""
    processes = {name: c.process for name, c in stack.components.items()}
    if platform:
        processes |= {name: s.process for name, s in platform.services.items()}
    reported: set[str] = set()
    while True:
        time.sleep(1)
        for name, process in processes.items():
            if process and not process.running and name not in reported:
                reported.add(name)
                print(f"devstack: {name} exited unexpectedly; see {process.log_path}", flush=True)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
