"""No password, password hash or token ever reaches the logs (register + login + me + a failed
login and a refused registration, captured at DEBUG as the JSON lines the service writes)."""

import logging
import uuid

from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import create_engine, text


def test_logs_of_register_and_login_hold_no_secret(client, settings, caplog):
    name = f"logs-{uuid.uuid4().hex[:8]}"
    password = f"S3cret-{uuid.uuid4().hex[:12]}"
    body = {"username": name, "email": f"{name}@example.com", "password": password}

    with caplog.at_level(logging.DEBUG):
        registered = client.post("/auth/register", json=body)
        duplicate = client.post("/auth/register", json=body)
        logged_in = client.post(
            "/auth/login", json={"username": name, "password": password, "remember_me": True}
        )
        client.get("/auth/me")
        failed = client.post("/auth/login", json={"username": name, "password": password + "x"})
        too_long = client.post(
            "/auth/register",
            json={**body, "username": name + "-2", "password": password + "é" * 60},
        )

    assert (registered.status_code, duplicate.status_code) == (201, 400)
    assert (logged_in.status_code, failed.status_code, too_long.status_code) == (200, 401, 422)
    with create_engine(settings.database_url).connect() as connection:
        password_hash = connection.execute(
            text("SELECT password_hash FROM users WHERE username = :name"), {"name": name}
        ).scalar_one()
    secrets = {
        "password": password,
        "password hash": password_hash,
        "hash salt+digest": password_hash[7:],
        "register token": registered.json()["access_token"],
        "login token": logged_in.json()["access_token"],
        "token signature": logged_in.json()["access_token"].rsplit(".", 1)[1],
    }
    # The service's own JSON formatter, as installed by platform_common.logging.
    json_formatter = next(
        h.formatter for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)
    )
    lines = [json_formatter.format(record) for record in caplog.records]
    lines += [repr(record.__dict__) for record in caplog.records]
    assert any("user registered" in line for line in lines)  # we did capture the service's logs
    assert any("login succeeded" in line for line in lines)
    for label, secret in secrets.items():
        leaking = [line for line in lines if secret in line]
        assert not leaking, f"{label} found in logs: {leaking[:1]}"
