"""The commands the images, docker-compose and Kubernetes run are accepted by the services' own
CLIs and reach the server or the migration they mean. Each command is replayed through the
service's `main()` with the final step (uvicorn, the Faust worker, alembic) replaced by a
recorder, so nothing starts and no database is needed.
"""

import importlib
from pathlib import Path

import dockerfile
import pytest
import uvicorn


def commands_run(service: str, repo: Path, compose: dict, render_of) -> set[tuple[str, ...]]:
    """Every argument list given to `python -m <package>` for this service, anywhere."""
    found: set[tuple[str, ...]] = set()
    parsed = dockerfile.parse_file(str(repo / "services" / service / "Dockerfile"))
    found.add(tuple(next(c for c in reversed(parsed) if c.cmd == "CMD").value))
    for name in (service, f"{service}-migrate"):
        if name in compose["services"]:
            found.add(tuple(compose["services"][name]["command"]))
    for render in ("base", "dev", "prod"):
        rendered = render_of(render)
        if service in rendered.names("Deployment"):
            spec = rendered.one("Deployment", service)["spec"]["template"]["spec"]
            for container in spec["containers"][:1] + spec.get("initContainers", []):
                found.add(tuple(container["args"]))
    return found


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch, facts) -> list[tuple[str, dict]]:
    calls: list[tuple[str, dict]] = []
    cli = importlib.import_module(f"{facts.package}.entrypoints.cli")
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(("serve", options)))
    if hasattr(cli, "run_migrations"):
        monkeypatch.setattr(
            cli, "run_migrations", lambda ini, url: calls.append(("migrate", {"ini": ini}))
        )
    if hasattr(cli, "run_worker"):
        # The transformer's CLI hands its flags to the worker as settings overrides.
        monkeypatch.setattr(
            cli, "run_worker", lambda overrides: calls.append(("worker", overrides))
        )
    return calls


def test_every_command_reaches_what_it_means(
    facts, repo: Path, compose: dict, render_of, recorder
) -> None:
    cli = importlib.import_module(f"{facts.package}.entrypoints.cli")
    commands = commands_run(facts.name, repo, compose, render_of)
    expected = {facts.command} | ({"migrate"} if facts.database else set())
    assert {argv[0] for argv in commands} == expected
    for argv in commands:
        recorder.clear()
        try:
            cli.main(list(argv))
        except SystemExit as exit_:
            assert exit_.code in (0, None), f"{argv}: exit {exit_.code}"
        (call,) = recorder
        assert call[0] == argv[0], argv
        if call[0] == "serve":
            assert call[1]["host"] == "0.0.0.0" and call[1]["port"] == facts.port, argv
        elif call[0] == "worker":
            assert call[1]["transformer_web_port"] == facts.port, argv
        else:
            assert Path(call[1]["ini"]).is_file(), "the migrations ship inside the package"
