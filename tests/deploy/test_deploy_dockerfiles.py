"""Every service's Dockerfile, read with BuildKit's own parser (the `dockerfile` package) and held
to the image rules: pinned multi-stage bases, a non-root numeric USER, exec-form CMD/ENTRYPOINT,
a HEALTHCHECK on /health, no secrets, and only the service itself plus libs/common installed from
the lockfile. The install step is replayed with `uv sync --dry-run` on exactly what the Dockerfile
copies, so a missing file or a wrong package name fails here instead of in `docker build`.
"""

import importlib.metadata
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import dockerfile
import pytest
from uv import find_uv_bin

PYTHON_BASE = re.compile(r"^python:3\.11\.\d+-slim(-[a-z]+)?$")
UV_IMAGE = re.compile(r"^ghcr\.io/astral-sh/uv:(?P<version>\d+\.\d+\.\d+)$")
# Variables an image may set that are not service settings.
RUNTIME_ENV = {"PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "XDG_CACHE_HOME"}
SECRET_WORDS = re.compile(r"SECRET|PASSWORD|TOKEN|PRIVATE|ACCESS_KEY", re.IGNORECASE)


@dataclass
class Stage:
    image: str
    name: str | None
    commands: list = field(default_factory=list)

    def all(self, instruction: str) -> list:
        return [c for c in self.commands if c.cmd == instruction]


def stages_of(path: Path) -> list[Stage]:
    """The stages, with a base named by a global ARG (`FROM ${BASE_IMAGE}`) read as its default:
    the default is what a plain `docker build` uses, so it is what these rules hold to."""
    stages: list[Stage] = []
    global_args: dict[str, str] = {}
    for command in dockerfile.parse_file(str(path)):
        if command.cmd == "ARG" and not stages:
            name, _, default = command.value[0].partition("=")
            global_args[name] = default
        elif command.cmd == "FROM":
            value = command.value
            name = value[2] if len(value) == 3 and value[1].upper() == "AS" else None
            image = re.sub(r"^\$\{(\w+)\}$", lambda m: global_args[m[1]], value[0])
            stages.append(Stage(image=image, name=name))
        else:
            assert stages, f"{path}: {command.cmd} before the first FROM"
            stages[-1].commands.append(command)
    return stages


@pytest.fixture
def dockerfile_path(repo: Path, service: str) -> Path:
    return repo / "services" / service / "Dockerfile"


@pytest.fixture
def stages(dockerfile_path: Path) -> list[Stage]:
    return stages_of(dockerfile_path)


def flag(command, name: str) -> str | None:
    for value in command.flags:
        if value.startswith(f"--{name}="):
            return value.split("=", 1)[1]
    return None


def test_bases_are_pinned_and_the_build_is_multi_stage(stages: list[Stage]) -> None:
    images = [stage.image for stage in stages]
    assert len(stages) >= 3, "uv image, build stage and runtime stage"
    for image in images:
        assert ":" in image and not image.endswith(":latest"), f"unpinned base image {image}"
    assert PYTHON_BASE.match(stages[-1].image), f"runtime base {stages[-1].image}"
    assert any(PYTHON_BASE.match(image) for image in images[:-1]), "the build stage is Python too"
    uv_images = [UV_IMAGE.match(image) for image in images if image.startswith("ghcr.io/astral")]
    assert uv_images and all(uv_images), f"uv comes from the official image, pinned: {images}"
    # The image installs with the uv release the workspace itself pins (root dev group).
    assert uv_images[0]["version"] == importlib.metadata.version("uv")
    # The runtime stage takes the built venv, not the build tools.
    copies_from = {flag(c, "from") for c in stages[-1].all("COPY")} - {None}
    assert copies_from <= {s.name for s in stages[:-1] if s.name}


def test_runtime_runs_as_a_numeric_non_root_user(stages: list[Stage], repo: Path) -> None:
    users = stages[-1].all("USER")
    assert users, "the runtime stage sets USER"
    uid, _, gid = users[-1].value[0].partition(":")
    assert uid.isdigit() and int(uid) != 0, "numeric, so Kubernetes can check runAsNonRoot"
    assert gid.isdigit() and int(gid) != 0


def test_entrypoint_cmd_and_healthcheck(stages: list[Stage], facts) -> None:
    runtime = stages[-1]
    (entrypoint,) = runtime.all("ENTRYPOINT")
    (cmd,) = runtime.all("CMD")
    assert entrypoint.json and cmd.json, "exec form: signals reach the Python process"
    assert list(entrypoint.value) == ["python", "-m", facts.package]
    arguments = list(cmd.value)
    assert arguments[0] == facts.command
    assert arguments[arguments.index(facts.port_flag) + 1] == str(facts.port)
    if facts.command == "serve":
        assert arguments[arguments.index("--host") + 1] == "0.0.0.0"

    (expose,) = runtime.all("EXPOSE")
    assert expose.value == (str(facts.port),)

    (healthcheck,) = runtime.all("HEALTHCHECK")
    assert healthcheck.json and healthcheck.value[0] == "CMD"
    probe = list(healthcheck.value[1:])
    assert probe[0] == "python", "no curl in slim images: the interpreter probes"
    assert probe[-1] == f"http://127.0.0.1:{facts.port}/health"


def env_of(stage: Stage) -> dict[str, str]:
    env: dict[str, str] = {}
    for command in stage.all("ENV"):
        pairs = list(command.value)
        env.update(zip(pairs[::2], pairs[1::2], strict=True))
    return env


def test_no_secrets_and_only_known_settings_in_the_image(
    stages: list[Stage], service: str, settings_env_names
) -> None:
    for stage in stages:
        for command in stage.all("ENV") + stage.all("ARG"):
            for name in command.value[::2] if command.cmd == "ENV" else command.value:
                assert not SECRET_WORDS.search(name.split("=")[0]), f"secret in image: {name}"
    runtime_env = set(env_of(stages[-1]))
    unknown = runtime_env - RUNTIME_ENV - settings_env_names(service)
    assert not unknown, f"ENV names the service does not read: {unknown}"


def copy_sources(stage: Stage) -> list[tuple[list[str], str]]:
    """(sources, destination) of the COPY instructions that read the build context."""
    return [
        (list(c.value[:-1]), c.value[-1])
        for c in stage.commands
        if c.cmd in {"COPY", "ADD"} and flag(c, "from") is None
    ]


def test_only_this_service_and_libs_common_are_copied(stages: list[Stage], service: str) -> None:
    allowed = (
        "pyproject.toml",
        "uv.lock",
        "libs/common/",
        f"services/{service}/",
        "deploy/docker/",
    )
    sources = [src for stage in stages for srcs, _ in copy_sources(stage) for src in srcs]
    assert sources
    for source in sources:
        assert source.startswith(allowed) or source in allowed, f"copies {source}"
        assert "*" not in source and ".." not in source


def uv_syncs(stage: Stage) -> list[list[str]]:
    return [
        shlex.split(run.value[0])
        for run in stage.all("RUN")
        if run.value and run.value[0].lstrip().startswith("uv sync")
    ]


def test_dependencies_install_from_the_lockfile_for_this_package_only(
    stages: list[Stage], facts
) -> None:
    build = next(stage for stage in stages if uv_syncs(stage))
    syncs = uv_syncs(build)
    assert len(syncs) == 2, "dependencies layer, then the workspace packages"
    for argv in syncs:
        assert "--frozen" in argv, "the lockfile is the truth: never re-resolve in a build"
        assert "--no-dev" in argv
        assert argv[argv.index("--package") + 1] == facts.distribution
    assert "--no-install-workspace" in syncs[0]
    assert "--no-editable" in syncs[1], "the runtime stage copies the venv without the sources"


DOCKERIGNORE_SPECIAL = re.compile(r"(\*\*/?|\*|\?)")


def dockerignore_rules(repo: Path) -> list[tuple[bool, re.Pattern]]:
    """(negated, regex) per .dockerignore line, with Docker's (not git's) pattern semantics."""
    rules = []
    for line in (repo / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        regex = ""
        for part in DOCKERIGNORE_SPECIAL.split(pattern):
            if part in {"**/", "**"}:
                regex += "(.*/)?" if part == "**/" else ".*"
            elif part == "*":
                regex += "[^/]*"
            elif part == "?":
                regex += "[^/]"
            else:
                regex += re.escape(part)
        rules.append((negated, re.compile(regex)))
    return rules


def in_build_context(relative: str, rules: list[tuple[bool, re.Pattern]]) -> bool:
    # A pattern excludes a path when it matches the path or one of its parent folders; the last
    # matching rule wins.
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    included = True
    for negated, regex in rules:
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            included = negated
    return included


def files_under(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())


def test_dockerignore_keeps_what_the_dockerfile_copies_and_drops_local_state(
    stages: list[Stage], repo: Path
) -> None:
    rules = dockerignore_rules(repo)
    for stage in stages:
        for sources, _ in copy_sources(stage):
            for source in sources:
                path = repo / source
                assert path.exists(), f"COPY {source}: no such file"
                kept = [
                    f
                    for f in files_under(path)
                    if in_build_context(f.relative_to(repo).as_posix(), rules)
                ]
                assert kept, f"COPY {source}: .dockerignore leaves nothing of it in the context"
    for local_state in (".venv/bin/python", ".stack/x", "bench/results/x", "tests/deploy/x.py"):
        assert not in_build_context(local_state, rules), local_state
    assert not in_build_context("services/auth/src/auth_service/__pycache__/x.pyc", rules)


def replay_copies(stage: Stage, repo: Path, root: Path, rules) -> Path:
    """Performs the stage's context COPY instructions into `root` (the image filesystem)."""
    workdir = root
    for command in stage.commands:
        if command.cmd == "WORKDIR":
            workdir = root / command.value[0].lstrip("/")
            workdir.mkdir(parents=True, exist_ok=True)
        if command.cmd != "COPY" or flag(command, "from") is not None:
            continue
        *sources, destination = command.value
        target = (
            (root / destination.lstrip("/"))
            if destination.startswith("/")
            else (workdir / destination)
        )
        for source in sources:
            for file in files_under(repo / source):
                relative = file.relative_to(repo).as_posix()
                if not in_build_context(relative, rules):
                    continue
                inside = file.relative_to(repo / source) if (repo / source).is_dir() else None
                if inside is not None:
                    out = target / inside
                elif destination.endswith("/"):
                    out = target / file.name
                else:
                    out = target
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, out)
    return workdir


INSTALL_LINE = re.compile(r"^ \+ (?P<name>[A-Za-z0-9_.\-]+)(==| @ )")


def test_replayed_build_installs_this_service_and_libs_common_only(
    stages: list[Stage], repo: Path, facts, tmp_path: Path
) -> None:
    build = next(stage for stage in stages if uv_syncs(stage))
    workdir = replay_copies(build, repo, tmp_path / "image", dockerignore_rules(repo))
    argv = uv_syncs(build)[-1]
    result = subprocess.run(
        [find_uv_bin(), *argv[1:], "--dry-run", "--offline"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={
            "UV_PROJECT_ENVIRONMENT": str(tmp_path / "venv"),
            "UV_PYTHON": sys.executable,
            "UV_PYTHON_DOWNLOADS": "never",
            "UV_NO_CONFIG": "1",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert result.returncode == 0, result.stderr
    installed = {
        m["name"].lower() for m in map(INSTALL_LINE.match, result.stderr.splitlines()) if m
    }
    workspace_members = {
        "platform-common",
        "devstack",
        *(f"{name}-service" for name in ("auth", "images", "transformer", "gateway")),
    }
    assert installed & workspace_members == {facts.distribution, "platform-common"}
    assert not installed & {"pytest", "ruff", "locust"}, "no dev tools in the image"
    if facts.name in {"images", "transformer"}:
        assert "pyvips-binary" in installed, "libvips comes with the pyvips[binary] wheel"


def test_transformer_has_fonts_for_text_watermarks(repo: Path) -> None:
    runtime = stages_of(repo / "services" / "transformer" / "Dockerfile")[-1]
    installs = " ".join(run.value[0] for run in runtime.all("RUN"))
    assert "fonts-dejavu-core" in installs
    assert "fontconfig-config" in installs, "the wheel's fontconfig reads /etc/fonts"
