"""docker-compose.yml: valid against the Compose Specification's JSON schema (vendored from
compose-go, the library `docker compose` itself uses), and consistent with the code: env names
the services really read, a startup order that waits for health and one-shot jobs, pinned
images, one published port, topics and databases that match the services' settings.
"""

import json
import re
from pathlib import Path
from urllib.parse import urlparse

import jsonschema
import pytest
import yaml

ONE_SHOT = {"kafka-init", "minio-init", "auth-migrate", "images-migrate"}


def environment(service: dict, compose_value) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {name: compose_value(value) for name, value in env.items()}


def test_matches_the_compose_specification(compose: dict, schemas_dir: Path, repo: Path) -> None:
    schema = json.loads((schemas_dir / "compose-spec.json").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    validator.validate(compose)
    # The optional override file is a compose file too, and only adds a port of its own.
    override = yaml.safe_load((repo / "deploy" / "compose" / "publish-minio.yml").read_text())
    validator.validate(override)
    assert set(override["services"]) == {"minio"} <= set(compose["services"])
    assert "8000" not in str(override["services"]["minio"]["ports"])


def test_depends_on_targets_exist_and_conditions_make_sense(compose: dict) -> None:
    services = compose["services"]
    for name, service in services.items():
        for target, rule in service.get("depends_on", {}).items():
            assert target in services, f"{name} depends on unknown service {target}"
            condition = rule["condition"]
            if condition == "service_healthy":
                assert "healthcheck" in services[target], f"{target} has no healthcheck"
            elif condition == "service_completed_successfully":
                assert target in ONE_SHOT and services[target].get("restart") == "no"
            else:
                pytest.fail(f"{name} -> {target}: {condition} does not wait for readiness")


def test_images_are_pinned(compose: dict, compose_value) -> None:
    for name, service in compose["services"].items():
        image = compose_value(service["image"])
        repository, _, tag = image.rpartition(":")
        assert repository and tag and tag != "latest" and "/" not in tag, f"{name}: {image}"


def test_kafka_is_the_release_the_local_stack_runs(compose: dict) -> None:
    from devstack.kafka_dist import KAFKA_VERSION

    for name in ("kafka", "kafka-init"):
        assert compose["services"][name]["image"] == f"apache/kafka:{KAFKA_VERSION}"


def test_only_the_gateway_is_published_and_no_host_port_clashes(
    compose: dict, compose_value
) -> None:
    published: dict[str, str] = {}
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            host = compose_value(port).rpartition(":")[0]
            assert host not in published, f"{name} and {published.get(host)} both bind {host}"
            published[host] = name
    assert published == {"8000": "gateway"}


def test_app_services_run_their_cli_with_matching_healthchecks(
    compose: dict, service: str, facts, repo: Path
) -> None:
    app = compose["services"][service]
    command = app["command"]
    assert command[0] == facts.command
    assert command[command.index(facts.port_flag) + 1] == str(facts.port)
    assert app["healthcheck"]["test"][-1] == f"http://127.0.0.1:{facts.port}/health"
    assert app["build"]["dockerfile"] == f"services/{service}/Dockerfile"
    assert (repo / app["build"]["context"] / app["build"]["dockerfile"]).is_file()
    assert app["image"].startswith(f"image-platform/{service}:")


def test_app_env_names_exist_in_the_service_settings(
    compose: dict, service: str, settings_env_names, compose_value
) -> None:
    names = set(environment(compose["services"][service], compose_value))
    unknown = names - settings_env_names(service)
    assert not unknown, f"{service} is given env vars its Settings do not read: {unknown}"


def test_only_services_behind_the_gateway_believe_forwarded_headers(
    compose: dict, compose_value
) -> None:
    for name in ("auth", "images"):
        trusted = environment(compose["services"][name], compose_value)["TRUSTED_PROXIES"]
        assert trusted and "*" not in trusted, name
    # The gateway is the edge: a client's own X-Forwarded-For must not pick its rate-limit key.
    assert "TRUSTED_PROXIES" not in environment(compose["services"]["gateway"], compose_value)


def test_every_http_service_reads_the_one_trusted_origins_setting(
    compose: dict, compose_value
) -> None:
    for name in ("gateway", "auth", "images"):
        assert "TRUSTED_ORIGINS" in environment(compose["services"][name], compose_value), name


def test_app_env_builds_valid_settings(
    compose: dict, service: str, build_settings, compose_value, topics_script
) -> None:
    settings = build_settings(service, environment(compose["services"][service], compose_value))
    assert settings.kafka_bootstrap_servers == "kafka:9092"
    if hasattr(settings, "kafka_topic_partitions"):
        # A topic the service creates itself (when missing) gets the platform's partitions.
        assert settings.kafka_topic_partitions == topics_script[settings.topic_transform_events]


def test_migrations_run_before_the_services_against_their_own_database(
    compose: dict, compose_value, all_services
) -> None:
    services = compose["services"]
    for facts in all_services.values():
        if facts.database is None:
            continue
        job = services[f"{facts.name}-migrate"]
        assert job["command"] == ["migrate"]
        assert job["image"] == services[facts.name]["image"]
        for name in (f"{facts.name}-migrate", facts.name):
            url = urlparse(environment(services[name], compose_value)["DATABASE_URL"])
            assert url.hostname == "postgres" and url.path == f"/{facts.database}"
        assert services[facts.name]["depends_on"][f"{facts.name}-migrate"] == {
            "condition": "service_completed_successfully"
        }


def test_postgres_init_creates_every_service_database(
    compose: dict, repo: Path, all_services
) -> None:
    mounts = compose["services"]["postgres"]["volumes"]
    (init,) = [m for m in mounts if "docker-entrypoint-initdb.d" in m]
    sql = (repo / init.split(":")[0]).read_text()
    created = set(re.findall(r"CREATE DATABASE (\w+)", sql))
    assert created == {f.database for f in all_services.values() if f.database}


def test_topics_are_created_before_the_services_with_the_settings_names(
    compose: dict, topics_script: dict[str, int], build_settings
) -> None:
    defaults = build_settings("images", {})
    assert set(topics_script) == {
        defaults.topic_transform_requested,
        defaults.topic_transform_events,
        defaults.topic_transform_dlq,
        defaults.topic_user_events,
        defaults.topic_image_events,
    }
    assert topics_script[defaults.topic_transform_requested] == 6
    assert topics_script[defaults.topic_transform_events] == 6
    for name, service in compose["services"].items():
        long_running = name not in ONE_SHOT
        if long_running and "KAFKA_BOOTSTRAP_SERVERS" in service.get("environment", {}):
            assert service["depends_on"]["kafka-init"]["condition"] == (
                "service_completed_successfully"
            ), f"{name} starts before its topics exist"


def test_data_lives_in_named_volumes(compose: dict) -> None:
    for name, mount_point in (
        ("kafka", "/var/lib/kafka/data"),
        ("postgres", "/var/lib/postgresql"),
        ("minio", "/data"),
    ):
        volume = next(v for v in compose["services"][name]["volumes"] if v.endswith(mount_point))
        assert volume.split(":")[0] in compose["volumes"], f"{name} keeps data in a named volume"
