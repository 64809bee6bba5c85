"""The command line, as devstack and operators run it: `migrate` and `create-admin`."""

import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from auth_service.config import Settings
from auth_service.entrypoints.api.app import create_app


def run_cli(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "auth_service", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


@pytest.fixture(scope="module")
def cli_env(stack) -> dict[str, str]:
    """A fresh database, migrated by the `migrate` command itself."""
    url = stack.create_database(f"auth_cli_{uuid.uuid4().hex[:8]}")
    env = {
        **stack.env(),
        "DATABASE_URL": url,
        "BCRYPT_ROUNDS": "4",
        "ENVIRONMENT": "test",
        # Its own topic: these registrations must not reach other tests' consumers.
        "TOPIC_USER_EVENTS": f"auth.user.events.cli-{uuid.uuid4().hex[:8]}",
    }
    migrated = run_cli("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    return env


def cli_settings(env: dict[str, str]) -> Settings:
    return Settings(
        database_url=env["DATABASE_URL"],
        kafka_bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"],
        environment="test",
        bcrypt_rounds=4,
        topic_user_events=env["TOPIC_USER_EVENTS"],
    )


def test_create_admin_makes_an_admin_who_can_log_in(cli_env):
    name = f"ops-{uuid.uuid4().hex[:8]}"
    password = "admin from the cli"

    created = run_cli(
        "create-admin",
        "--username", name,
        "--email", f"{name}@example.com",
        "--password-stdin",
        env=cli_env,
        stdin=password + "\n",
    )  # fmt: skip

    assert created.returncode == 0, created.stderr
    assert f"Created admin {name}" in created.stdout
    assert password not in created.stdout + created.stderr
    with TestClient(create_app(cli_settings(cli_env)), base_url="https://testserver") as client:
        login = client.post("/auth/login", json={"username": name, "password": password})
        assert login.status_code == 200
        assert login.json()["user"]["role"] == "admin"


def test_create_admin_refuses_a_taken_username_and_a_weak_password(cli_env):
    settings = cli_settings(cli_env)
    name = f"ops-{uuid.uuid4().hex[:8]}"
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        body = {"username": name, "email": f"{name}@example.com", "password": "long enough pw"}
        assert client.post("/auth/register", json=body).status_code == 201

    taken_args = ("create-admin", "--username", name, "--email", f"new-{name}@example.com")
    weak_args = (
        "create-admin", "--username", f"{name}-2", "--email", f"{name}-2@example.com",
        "--password-stdin",
    )  # fmt: skip
    with ThreadPoolExecutor(2) as pool:  # two interpreters start faster side by side
        taken = pool.submit(
            run_cli, *taken_args, env={**cli_env, "ADMIN_PASSWORD": "long enough pw"}
        )
        weak = pool.submit(run_cli, *weak_args, env=cli_env, stdin="short\n")
    taken, weak = taken.result(), weak.result()

    assert taken.returncode != 0
    assert "already registered" in taken.stderr
    assert weak.returncode != 0
    assert "at least 8 characters" in weak.stderr
