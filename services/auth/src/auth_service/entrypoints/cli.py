"""`python -m auth_service migrate | serve | create-admin`."""

import argparse
import getpass
import os
import sys
from pathlib import Path

from auth_service.config import get_settings
from platform_common.cli import ExtraCommand, run_migrations, service_cli

ALEMBIC_INI = Path(__file__).resolve().parents[1] / "alembic.ini"


def _read_password(args: argparse.Namespace) -> str:
    # Never from argv: command lines are visible to every user of the machine (ps, /proc).
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if os.environ.get("ADMIN_PASSWORD"):
        return os.environ["ADMIN_PASSWORD"]
    password = getpass.getpass("Password for the new admin: ")
    if getpass.getpass("Repeat it: ") != password:
        sys.exit("The passwords differ; nothing was created.")
    return password


def _create_admin(args: argparse.Namespace) -> None:
    from auth_service.adapters.password_hasher import PasswordHasher
    from auth_service.domain.model import Role
    from auth_service.domain.passwords import PasswordPolicy
    from auth_service.service_layer import services
    from auth_service.service_layer.unit_of_work import AuthUnitOfWork
    from platform_common.db import make_engine, make_session_factory
    from platform_common.errors import AppError

    settings = get_settings()
    engine = make_engine(settings.database_url, pool_size=1, hide_parameters=True)
    uow = AuthUnitOfWork(make_session_factory(engine), user_events_topic=settings.topic_user_events)
    try:
        # The UserRegistered event waits in the outbox; the running service's relay sends it.
        user = services.register(
            uow,
            PasswordHasher(settings.bcrypt_rounds),
            PasswordPolicy(settings.password_min_score),
            username=args.username,
            email=args.email,
            password=_read_password(args),
            role=Role.ADMIN,
        )
    except AppError as exc:
        sys.exit(f"create-admin failed: {exc.message}")
    finally:
        engine.dispose()
    print(f"Created admin {user.username} ({user.id})")


def _create_admin_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--username", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from stdin (else ADMIN_PASSWORD, else a prompt)",
    )


def main(argv: list[str] | None = None) -> None:
    service_cli(
        prog="auth_service",
        app_path="auth_service.entrypoints.api.app:create_app",
        default_port=8001,
        migrate=lambda: run_migrations(ALEMBIC_INI, get_settings().database_url),
        argv=argv,
        settings=get_settings,
        extra_commands={
            "create-admin": ExtraCommand(
                help="create an admin account (the first one, typically)",
                run=_create_admin,
                add_arguments=_create_admin_arguments,
            )
        },
    )
