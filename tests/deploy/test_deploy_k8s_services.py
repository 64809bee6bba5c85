"""The Kubernetes objects of each service, checked against the service's code in every render:
the CLI and port it really serves, probes on routes that exist, env names its Settings read (and
a valid Settings built from the env the kubelet would assemble), the hardening the image allows,
and one way of scaling per service (HPA on CPU, or KEDA on the real consumer group's lag).
"""

import importlib
import ipaddress
import secrets
from urllib.parse import urlparse

import dockerfile
import pytest
from fastapi.testclient import TestClient
from starlette.routing import Match

HARDENED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}


def strong_secret(_secret: str, _key: str) -> str:
    # Stands in for the real Secret of production (not rendered): long and no placeholder.
    return secrets.token_urlsafe(32)


def pod_spec(obj: dict) -> dict:
    return obj["spec"]["template"]["spec"]


def main_container(obj: dict, name: str) -> dict:
    (container,) = [c for c in pod_spec(obj)["containers"] if c["name"] == name]
    return container


def composition_inputs(container: dict) -> set[str]:
    """Variables that exist only to be spliced into another one with $(NAME)."""
    values = " ".join(var.get("value", "") for var in container.get("env", []))
    return {var["name"] for var in container.get("env", []) if f"$({var['name']})" in values}


def test_deployment_runs_the_service_cli_on_its_port(rendered, facts) -> None:
    container = main_container(rendered.one("Deployment", facts.name), facts.name)
    args = container["args"]
    assert args[0] == facts.command
    assert args[args.index(facts.port_flag) + 1] == str(facts.port)
    if facts.command == "serve":
        assert args[args.index("--host") + 1] == "0.0.0.0"
    assert container["ports"][0] == {"name": "http", "containerPort": facts.port, "protocol": "TCP"}
    if facts.name == "gateway":  # /metrics on a port of its own, never the public one
        metrics = {"name": "metrics", "containerPort": 9100, "protocol": "TCP"}
        assert container["ports"][1:] == [metrics]
        env = {var["name"]: var.get("value") for var in container["env"]}
        assert env["METRICS_PORT"] == "9100" and env["METRICS_HOST"] == "0.0.0.0"
    else:
        assert len(container["ports"]) == 1
    repository, _, tag = container["image"].rpartition(":")
    assert repository.endswith(f"image-platform/{facts.name}") and tag not in {"", "latest"}


def test_probes_hit_health_and_ready_on_the_service_port(rendered, facts) -> None:
    container = main_container(rendered.one("Deployment", facts.name), facts.name)
    expected = {"startupProbe": "/health", "livenessProbe": "/health", "readinessProbe": "/ready"}
    for probe, path in expected.items():
        http = container[probe]["httpGet"]
        assert http["path"] == path, probe
        assert http["port"] in {"http", facts.port}, probe


def service_asgi_app(facts):
    """The ASGI app the process serves on its port, built by the service's own code."""
    if facts.command == "worker":
        factory = importlib.import_module(f"{facts.package}.entrypoints.faust.worker")
        settings = importlib.import_module(f"{facts.package}.config").Settings()
        return factory.create_worker(settings).web
    return importlib.import_module(f"{facts.package}.entrypoints.api.app").create_app()


def routed(app, path: str) -> bool:
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": []}
    return any(route.matches(scope)[0] == Match.FULL for route in app.router.routes)


def test_probe_paths_exist_in_the_service(facts) -> None:
    # Served without the lifespan (no dependencies up): /health and /metrics answer. /ready is
    # only looked up, because answering it means waiting for the unreachable dependencies.
    app = service_asgi_app(facts)
    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/health").status_code == 200
    # The gateway's /metrics is on its metrics port (prometheus_client's server), not this app.
    assert client.get("/metrics").status_code == (404 if facts.name == "gateway" else 200)
    assert routed(app, "/ready")
    assert not routed(app, "/no-such-probe-path"), "a catch-all route would hide a wrong path"


def image_uid(repo, service: str) -> int:
    """The uid the service's Dockerfile runs as (its last USER)."""
    commands = dockerfile.parse_file(str(repo / "services" / service / "Dockerfile"))
    return int([c for c in commands if c.cmd == "USER"][-1].value[0].split(":")[0])


def test_pods_are_hardened(rendered, facts, repo) -> None:
    uid = image_uid(repo, facts.name)
    for kind, name in [("Deployment", facts.name)]:
        spec = pod_spec(rendered.one(kind, name))
        assert spec["automountServiceAccountToken"] is False
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] == uid, "the image's own non-root user"
        assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
        tmp_volumes = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
        for container in spec["containers"] + spec.get("initContainers", []):
            for setting, value in HARDENED_CONTAINER.items():
                assert container["securityContext"][setting] == value, f"{name}: {setting}"
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert mounts.get("/tmp") in tmp_volumes, f"{name}: writable /tmp"
            for section in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][section]), name


def workloads(rendered, facts) -> list[tuple[str, dict]]:
    found = [(facts.name, main_container(rendered.one("Deployment", facts.name), facts.name))]
    if facts.database:
        (migrate,) = pod_spec(rendered.one("Deployment", facts.name))["initContainers"]
        found.append((f"{facts.name}-migrate", migrate))
    return found


def test_every_pod_migrates_its_database_before_serving(rendered, facts) -> None:
    """An init container, not a Job: re-applying with a new image tag never meets an immutable
    Job, and every pod finds its schema at head before it serves."""
    assert not rendered.names("Job") & {f"{facts.name}-migrate"}
    init = pod_spec(rendered.one("Deployment", facts.name)).get("initContainers", [])
    if not facts.database:
        assert not init
        return
    (migrate,) = init
    main = main_container(rendered.one("Deployment", facts.name), facts.name)
    assert migrate["args"] == ["migrate"] and migrate["image"] == main["image"]


def test_env_names_are_read_by_the_service_settings(rendered, facts, settings_env_names) -> None:
    known = settings_env_names(facts.name)
    for name, container in workloads(rendered, facts):
        defined: list[str] = []
        for var in container["env"]:
            for used in rendered.DEPENDENT_VAR.findall(var.get("value", "")):
                assert used in defined, f"{name}: $({used}) used before it is defined"
            defined.append(var["name"])
        unknown = set(defined) - known - composition_inputs(container)
        assert not unknown, f"{name} sets env vars its Settings do not read: {unknown}"


def test_http_services_believe_forwarded_headers_from_cluster_proxies_only(
    rendered, render, facts
) -> None:
    if facts.command != "serve":
        return
    container = main_container(rendered.one("Deployment", facts.name), facts.name)
    env = rendered.resolve_env(container, None if render == "dev" else strong_secret)
    trusted = env["TRUSTED_PROXIES"].split(",")
    assert trusted and "*" not in trusted, "'*' would let any client pick its own address"
    for network in trusted:
        assert ipaddress.ip_network(network).is_private, network
    assert "TRUSTED_ORIGINS" in env  # the one origins setting, passed through to every service


def test_env_builds_valid_settings(rendered, render, facts, build_settings, topics_script) -> None:
    # dev: the rendered development values. base/prod: ENVIRONMENT=production with strong
    # secrets, which the Settings accept only if every secret they check is wired in.
    secret_value = None if render == "dev" else strong_secret
    for name, container in workloads(rendered, facts):
        env = rendered.resolve_env(container, secret_value)
        settings = build_settings(facts.name, env)
        assert settings.environment == ("development" if render == "dev" else "production"), name
        if facts.database:
            url = urlparse(settings.database_url)
            assert url.path == f"/{facts.database}", f"{name} migrates/serves the wrong database"
        if facts.command == "worker":
            assert settings.transformer_web_host == "0.0.0.0", "probes reach beyond loopback"
        if hasattr(settings, "kafka_topic_partitions") and name == facts.name:
            # Topics a service creates itself (when missing) get the platform's partitions.
            assert (
                settings.kafka_topic_partitions == topics_script[settings.topic_transform_events]
            ), name


def test_no_migration_jobs_to_trip_over(rendered) -> None:
    """Migrations are init containers (test_every_pod_migrates_its_database_before_serving):
    a fixed-name Job would make the next apply with a new image fail as immutable."""
    assert not [name for name in rendered.names("Job") if name.endswith("-migrate")]


def selects(selector: dict, labels: dict) -> bool:
    return all(labels.get(key) == value for key, value in selector["matchLabels"].items())


def test_service_and_disruption_budget_select_the_pods(rendered, facts) -> None:
    deployment = rendered.one("Deployment", facts.name)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selects(deployment["spec"]["selector"], labels)
    service = rendered.one("Service", facts.name)
    assert all(labels.get(k) == v for k, v in service["spec"]["selector"].items())
    port = service["spec"]["ports"][0]
    assert port["port"] == facts.port and port["targetPort"] == "http"
    # The gateway's Service also names its metrics port, for the ServiceMonitor.
    extra = [(p["name"], p["port"]) for p in service["spec"]["ports"][1:]]
    assert extra == ([("metrics", 9100)] if facts.name == "gateway" else [])
    budget = rendered.one("PodDisruptionBudget", facts.name)
    assert selects(budget["spec"]["selector"], labels)
    assert budget["spec"].get("maxUnavailable") == 1


def test_one_autoscaler_per_service(rendered, facts) -> None:
    autoscalers = [
        o
        for o in rendered.all("HorizontalPodAutoscaler")
        if o["spec"]["scaleTargetRef"]["name"] == facts.name
    ]
    scaled_objects = [
        o for o in rendered.all("ScaledObject") if o["spec"]["scaleTargetRef"]["name"] == facts.name
    ]
    deployment = rendered.one("Deployment", facts.name)
    assert "replicas" not in deployment["spec"], "the autoscaler owns the replica count"
    if facts.command == "worker":
        assert not autoscalers and len(scaled_objects) == 1, "KEDA creates its own HPA"
        return
    assert not scaled_objects
    (hpa,) = autoscalers
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert 1 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]


@pytest.fixture
def transformer_settings(render, rendered, build_settings):
    container = main_container(rendered.one("Deployment", "transformer"), "transformer")
    secret_value = None if render == "dev" else strong_secret
    return build_settings("transformer", rendered.resolve_env(container, secret_value))


def test_keda_scales_the_transformer_on_its_real_consumer_group(
    rendered, render, transformer_settings, topics_script
) -> None:
    scaled = rendered.one("ScaledObject", "transformer")
    assert scaled["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "transformer",
    }
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "kafka"
    metadata = trigger["metadata"]
    # Faust's consumer group is its app id.
    assert metadata["consumerGroup"] == transformer_settings.faust_app_id
    assert metadata["topic"] == transformer_settings.topic_transform_requested
    container = main_container(rendered.one("Deployment", "transformer"), "transformer")
    assert metadata["bootstrapServersFromEnv"] in {var["name"] for var in container["env"]}
    # More consumers than partitions would idle: the ceiling is the partition count.
    partitions = topics_script[transformer_settings.topic_transform_requested]
    assert partitions == 6
    assert 1 <= scaled["spec"]["minReplicaCount"] <= scaled["spec"]["maxReplicaCount"]
    if render == "dev":  # a small cluster may cap lower
        assert scaled["spec"]["maxReplicaCount"] <= partitions
    else:
        assert scaled["spec"]["maxReplicaCount"] == partitions


def test_keda_scales_the_images_worker_on_its_real_consumer_groups(
    rendered, render, build_settings, topics_script
) -> None:
    """The images API keeps its CPU HPA; its worker (the consumers) scales on their lag."""
    scaled = rendered.one("ScaledObject", "images-worker")
    assert scaled["spec"]["scaleTargetRef"]["name"] == "images-worker"
    worker = rendered.one("Deployment", "images-worker")
    container = main_container(worker, "images-worker")
    assert container["args"] == ["worker"]
    secret_value = None if render == "dev" else strong_secret
    settings = build_settings("images", rendered.resolve_env(container, secret_value))
    groups = {
        (t["metadata"]["consumerGroup"], t["metadata"]["topic"]) for t in scaled["spec"]["triggers"]
    }
    assert groups == {
        (settings.transform_events_group, settings.topic_transform_events),
        (settings.webhooks_group, settings.topic_transform_events),
    }
    for trigger in scaled["spec"]["triggers"]:
        assert trigger["metadata"]["bootstrapServersFromEnv"] in {
            v["name"] for v in container["env"]
        }
    # At least one replica always: the outbox relay and the periodic jobs live there too.
    partitions = topics_script[settings.topic_transform_events]
    assert 1 <= scaled["spec"]["minReplicaCount"] <= scaled["spec"]["maxReplicaCount"] <= partitions
    assert "images" in {
        h["spec"]["scaleTargetRef"]["name"] for h in rendered.all("HorizontalPodAutoscaler")
    }


def test_faust_app_id_is_the_consumer_group_the_worker_joins() -> None:
    # Faust joins the consumer group named by its app id; the worker takes that id from the
    # FAUST_APP_ID setting, which the ScaledObject test above compares with the trigger.
    from transformer_service.config import Settings
    from transformer_service.entrypoints.faust.worker import create_worker

    settings = Settings(faust_app_id="transformer-under-test")
    assert create_worker(settings).app.conf.id == "transformer-under-test"


def test_ingress_routes_to_the_gateway_service(rendered) -> None:
    (ingress,) = rendered.all("Ingress")
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    backend = path["backend"]["service"]
    service = rendered.one("Service", backend["name"])
    assert backend["name"] == "gateway"
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}
