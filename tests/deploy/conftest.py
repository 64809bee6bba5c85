"""Shared facts and fixtures of the deployment tests (Dockerfiles, compose, Kubernetes).

Everything here reads the repository's files and the services' own Settings classes, so the
deployment stays checked against the code as the services grow. Nothing needs Docker or a cluster.
"""

import importlib
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
KUSTOMIZE = REPO / "deploy" / "k8s" / "kustomize.sh"
SCHEMAS = Path(__file__).resolve().parent / "schemas"


@dataclass(frozen=True)
class ServiceFacts:
    name: str  # folder under services/, compose service, Deployment and image name
    package: str  # the import package (`python -m <package>`)
    distribution: str  # the workspace member's project name (uv --package)
    port: int  # HTTP port: the API, or the Faust worker's web server
    command: str  # the CLI subcommand that runs it
    database: str | None  # its PostgreSQL database, if it has one

    @property
    def port_flag(self) -> str:
        return "--web-port" if self.command == "worker" else "--port"


SERVICES = {
    facts.name: facts
    for facts in (
        ServiceFacts("gateway", "gateway_service", "gateway-service", 8000, "serve", None),
        ServiceFacts("auth", "auth_service", "auth-service", 8001, "serve", "auth"),
        ServiceFacts("images", "images_service", "images-service", 8002, "serve", "images"),
        ServiceFacts(
            "transformer", "transformer_service", "transformer-service", 8003, "worker", None
        ),
    )
}


def settings_class(service: str) -> type:
    """The service's pydantic-settings class, imported fresh from its config module."""
    module = importlib.import_module(f"{SERVICES[service].package}.config")
    return module.Settings


def env_names(settings_cls: type) -> set[str]:
    """The environment variable names a pydantic-settings class reads."""
    prefix = settings_cls.model_config.get("env_prefix", "") or ""
    names = set()
    for field_name, field in settings_cls.model_fields.items():
        alias = field.validation_alias or field.alias
        if isinstance(alias, str):
            names.add(alias.upper())
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


# Read by the server of every `serve` command rather than by a Settings class (none now: the
# forwarding headers are resolved by the app, from TRUSTED_PROXIES).
UVICORN_ENV: set[str] = set()


@pytest.fixture(scope="session")
def settings_env_names() -> Callable[[str], set[str]]:
    """Every env name the service's process reads: its Settings, plus its server's."""

    def names(service: str) -> set[str]:
        server = UVICORN_ENV if SERVICES[service].command == "serve" else set()
        return env_names(settings_class(service)) | server

    return names


@pytest.fixture
def build_settings(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, dict[str, str]], object]:
    """Constructs a service's Settings from exactly the given environment (nothing inherited)."""

    def build(service: str, env: dict[str, str]) -> object:
        cls = settings_class(service)
        for name in env_names(cls):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return cls(_env_file=None)

    return build


INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::?-(?P<default>[^}]*))?\}")


def interpolate(value: object) -> str:
    """A compose value as `docker compose` sees it with nothing set: `${X:-default}` -> default."""
    return INTERPOLATION.sub(lambda match: match.group("default") or "", str(value))


@pytest.fixture(scope="session")
def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


@pytest.fixture(scope="session")
def topics_script() -> dict[str, int]:
    """Topic -> partitions, as the compose init step creates them."""
    script = (REPO / "deploy" / "compose" / "kafka-topics.sh").read_text()
    return {
        topic: int(partitions)
        for topic, partitions in re.findall(r"^create_topic (\S+) (\d+)", script, re.MULTILINE)
    }


@pytest.fixture(scope="session")
def kustomize_build() -> Callable[[str], list[dict]]:
    """Renders a kustomization with the repository's pinned kustomize (built once from the Go
    module proxy by deploy/k8s/kustomize.sh) and returns its objects."""
    cache: dict[str, list[dict]] = {}

    def build(relative_path: str) -> list[dict]:
        if relative_path not in cache:
            result = subprocess.run(
                [str(KUSTOMIZE), "build", str(REPO / relative_path)],
                capture_output=True,
                text=True,
                check=False,
                timeout=900,
            )
            assert result.returncode == 0, f"kustomize build {relative_path}:\n{result.stderr}"
            cache[relative_path] = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
        return cache[relative_path]

    return build


RENDERS = {
    "base": "deploy/k8s/base",
    "dev": "deploy/k8s/overlays/dev",
    "prod": "deploy/k8s/overlays/prod",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # Test modules can't import from conftest under --import-mode=importlib, so the service and
    # render lists reach them as parameters.
    if "service" in metafunc.fixturenames:
        metafunc.parametrize("service", list(SERVICES))
    if "render" in metafunc.fixturenames:
        metafunc.parametrize("render", list(RENDERS))


@pytest.fixture
def facts(service: str) -> ServiceFacts:
    return SERVICES[service]


@pytest.fixture(scope="session")
def all_services() -> dict[str, ServiceFacts]:
    return SERVICES


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def schemas_dir() -> Path:
    return SCHEMAS


@pytest.fixture(scope="session")
def compose_value() -> Callable[[object], str]:
    return interpolate


class Rendered:
    """The objects of one kustomize render, with the lookups the tests need."""

    DEPENDENT_VAR = re.compile(r"\$\((?P<name>[A-Za-z_][A-Za-z0-9_]*)\)")

    def __init__(self, objects: list[dict]) -> None:
        self.objects = objects

    def all(self, kind: str) -> list[dict]:
        return [o for o in self.objects if o["kind"] == kind]

    def one(self, kind: str, name: str) -> dict:
        found = [o for o in self.all(kind) if o["metadata"]["name"] == name]
        assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
        return found[0]

    def names(self, kind: str) -> set[str]:
        return {o["metadata"]["name"] for o in self.all(kind)}

    def config_map(self, name: str) -> dict[str, str]:
        return self.one("ConfigMap", name).get("data", {})

    def secret(self, name: str) -> dict[str, str] | None:
        found = [o for o in self.all("Secret") if o["metadata"]["name"] == name]
        return found[0].get("stringData", {}) if found else None

    def resolve_env(
        self, container: dict, secret_value: Callable[[str, str], str] | None = None
    ) -> dict[str, str]:
        """The container's environment as the kubelet builds it: ConfigMap and Secret keys
        looked up, resource limits filled in, $(VAR) references expanded in order."""
        env: dict[str, str] = {}
        for var in container.get("env", []):
            source = var.get("valueFrom", {})
            if "value" in var:
                value = self.DEPENDENT_VAR.sub(lambda m: env[m["name"]], var["value"])
            elif "configMapKeyRef" in source:
                ref = source["configMapKeyRef"]
                value = self.config_map(ref["name"])[ref["key"]]
            elif "secretKeyRef" in source:
                ref = source["secretKeyRef"]
                if secret_value is not None:
                    value = secret_value(ref["name"], ref["key"])
                else:
                    value = (self.secret(ref["name"]) or {})[ref["key"]]
            elif "resourceFieldRef" in source:
                resource = source["resourceFieldRef"]["resource"].split(".")
                value = str(container["resources"][resource[0]][resource[1]])
            else:
                raise AssertionError(f"unsupported env source {var}")
            env[var["name"]] = value
        return env


@pytest.fixture
def rendered(render: str, kustomize_build: Callable[[str], list[dict]]) -> Rendered:
    return Rendered(kustomize_build(RENDERS[render]))


@pytest.fixture(scope="session")
def render_of(kustomize_build: Callable[[str], list[dict]]) -> Callable[[str], Rendered]:
    return lambda render: Rendered(kustomize_build(RENDERS[render]))
