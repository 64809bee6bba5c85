"""Platform-wide properties of the Kubernetes renders: no real secret is committed, every
ConfigMap/Secret reference resolves, and the optional Strimzi Kafka and the development
datastores agree with what the services and docker-compose expect.
"""

import re
from pathlib import Path

from platform_common.settings import is_placeholder


def pod_specs(rendered) -> list[tuple[str, dict]]:
    kinds = ("Deployment", "Job")
    return [
        (o["metadata"]["name"], o["spec"]["template"]["spec"])
        for kind in kinds
        for o in rendered.all(kind)
    ]


def test_the_secret_template_holds_no_real_secret(render_of) -> None:
    base = render_of("base").secret("platform-secrets")
    assert base and all(is_placeholder(value) for value in base.values()), base
    # Development values: every password and secret is one the services refuse in production
    # (user names and the S3 key id identify, they do not authenticate).
    dev = render_of("dev").secret("platform-secrets")
    assert set(dev) == set(base)
    secret_keys = [key for key in dev if re.search("secret|password", key)]
    assert secret_keys
    assert all(is_placeholder(dev[key]) for key in secret_keys), dev
    assert not render_of("prod").all("Secret"), "prod never overwrites the managed Secret"


def test_config_and_secret_references_resolve(rendered, render) -> None:
    # prod: the Secret is created outside the repository (see the next test).
    secret_keys = set(rendered.secret("platform-secrets") or {})
    config_maps = {o["metadata"]["name"]: set(o.get("data", {})) for o in rendered.all("ConfigMap")}
    for name, spec in pod_specs(rendered):
        for container in spec["containers"]:
            for var in container.get("env", []):
                source = var.get("valueFrom", {})
                if "configMapKeyRef" in source:
                    ref = source["configMapKeyRef"]
                    assert ref["key"] in config_maps.get(ref["name"], set()), f"{name}: {ref}"
                if "secretKeyRef" in source and render != "prod":
                    ref = source["secretKeyRef"]
                    assert ref["name"] == "platform-secrets" and ref["key"] in secret_keys, name
        for volume in spec.get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps, f"{name}: {volume}"


def test_prod_secret_keys_are_the_template_keys(render_of) -> None:
    template_keys = set(render_of("base").secret("platform-secrets"))
    prod = render_of("prod")
    used = {
        var["valueFrom"]["secretKeyRef"]["key"]
        for _, spec in pod_specs(prod)
        for container in spec["containers"]
        for var in container.get("env", [])
        if "secretKeyRef" in var.get("valueFrom", {})
    }
    assert used <= template_keys, "the template documents every key production must provide"


def test_strimzi_component_matches_the_platform_topics(render_of, topics_script) -> None:
    rendered = render_of("dev")
    (kafka,) = rendered.all("Kafka")
    cluster = kafka["metadata"]["name"]
    for pool in rendered.all("KafkaNodePool"):
        assert pool["metadata"]["labels"]["strimzi.io/cluster"] == cluster
        assert {"controller", "broker"} <= set(pool["spec"]["roles"]), "KRaft, no ZooKeeper"
    topics = {}
    for topic in rendered.all("KafkaTopic"):
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == cluster
        topics[topic["spec"]["topicName"]] = topic["spec"]["partitions"]
    assert topics == topics_script, "Strimzi and docker-compose create the same topics"

    (listener,) = [x for x in kafka["spec"]["kafka"]["listeners"] if not x["tls"]]
    bootstrap = f"{cluster}-kafka-bootstrap:{listener['port']}"
    (config,) = [
        c for c in rendered.all("ConfigMap") if c["metadata"]["name"].startswith("platform-config")
    ]
    assert config["data"]["KAFKA_BOOTSTRAP_SERVERS"] == bootstrap


def test_dev_datastores_create_the_same_databases_as_compose(render_of, repo: Path) -> None:
    rendered = render_of("dev")
    (init,) = [
        c for c in rendered.all("ConfigMap") if c["metadata"]["name"].startswith("postgres-init")
    ]
    k8s_databases = set(re.findall(r"CREATE DATABASE (\w+)", "".join(init["data"].values())))
    compose_sql = (repo / "deploy" / "compose" / "postgres-init.sql").read_text()
    assert k8s_databases == set(re.findall(r"CREATE DATABASE (\w+)", compose_sql))


def test_third_party_images_are_pinned(rendered) -> None:
    for name, spec in pod_specs(rendered):
        for container in spec["containers"]:
            repository, _, tag = container["image"].rpartition(":")
            assert repository and tag and tag != "latest" and "/" not in tag, f"{name}"


RESTRICTED_VOLUME_TYPES = {"emptyDir", "configMap", "secret", "projected", "persistentVolumeClaim"}


def test_every_pod_meets_the_restricted_pod_security_standard(rendered) -> None:
    # The namespace enforces `restricted`: a pod that does not meet it is never created.
    (namespace,) = rendered.all("Namespace")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    for name, spec in pod_specs(rendered):
        security = spec["securityContext"]
        assert security["runAsNonRoot"] is True and security.get("runAsUser", 1) != 0, name
        assert security["seccompProfile"]["type"] == "RuntimeDefault", name
        for container in spec["containers"] + spec.get("initContainers", []):
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, name
            assert context["capabilities"]["drop"] == ["ALL"], name
            assert not context.get("capabilities", {}).get("add"), name
        for volume in spec.get("volumes", []):
            assert set(volume) - {"name"} <= RESTRICTED_VOLUME_TYPES, f"{name}: {volume}"


def matches(selector: dict, labels: dict) -> bool:
    """Kubernetes label-selector semantics (matchLabels and In/NotIn/Exists expressions)."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        key, operator = expression["key"], expression["operator"]
        if operator == "In" and labels.get(key) not in expression["values"]:
            return False
        if operator == "NotIn" and labels.get(key) in expression["values"]:
            return False
        if operator == "Exists" and key not in labels:
            return False
    return True


class Workload:
    def __init__(self, obj: dict) -> None:
        self.name = obj["metadata"]["name"]
        self.labels = obj["spec"]["template"]["metadata"]["labels"]
        self.ports = {
            port["name"]: port["containerPort"]
            for container in obj["spec"]["template"]["spec"]["containers"]
            for port in container.get("ports", [])
        }


def workloads(rendered) -> dict[str, Workload]:
    return {
        o["metadata"]["name"]: Workload(o)
        for kind in ("Deployment", "Job")
        for o in rendered.all(kind)
    }


def allowed(rendered, source: Workload | None, target: Workload, port: int) -> bool:
    """Whether the namespace's NetworkPolicies let `source` (None: a pod of another namespace,
    e.g. the Ingress controller) open a TCP connection to `target` on `port`."""
    policies = [
        p
        for p in rendered.all("NetworkPolicy")
        if "Ingress" in p["spec"]["policyTypes"]
        and matches(p["spec"]["podSelector"], target.labels)
    ]
    if not policies:
        return True
    for policy in policies:
        for rule in policy["spec"].get("ingress", []):
            ports = {target.ports.get(p["port"], p["port"]) for p in rule.get("ports", [])}
            if ports and port not in ports:
                continue
            peers = rule.get("from")
            if peers is None:
                return True
            for peer in peers:
                same_namespace_pod = "podSelector" in peer and "namespaceSelector" not in peer
                if same_namespace_pod and source and matches(peer["podSelector"], source.labels):
                    return True
    return False


def test_network_policies_open_exactly_the_platform_flows(rendered, render) -> None:
    pods = workloads(rendered)
    for policy in rendered.all("NetworkPolicy"):
        selector = policy["spec"]["podSelector"]
        assert not selector or any(matches(selector, w.labels) for w in pods.values()), policy
    gateway, auth, images, transformer = (
        pods[n] for n in ("gateway", "auth", "images", "transformer")
    )
    assert allowed(rendered, None, gateway, 8000), "the Ingress controller reaches the gateway"
    assert allowed(rendered, gateway, auth, 8001)
    assert allowed(rendered, gateway, images, 8002)
    # Nothing else may talk to auth or images: they believe X-Forwarded-For from cluster peers.
    for intruder in (None, transformer, images):
        assert not allowed(rendered, intruder, auth, 8001)
    for intruder in (None, transformer, auth):
        assert not allowed(rendered, intruder, images, 8002)
    assert not allowed(rendered, gateway, transformer, 8003)
    if render == "dev":
        flows = {
            "postgres": ["auth", "images"],
            "minio": ["images", "transformer", "minio-create-bucket"],
            "redis": ["gateway", "auth", "images"],  # rate limits; the revocation list
        }
        for store, clients in flows.items():
            (port,) = pods[store].ports.values()
            for client in clients:
                assert allowed(rendered, pods[client], pods[store], port), f"{client} -> {store}"
            assert not allowed(rendered, None, pods[store], port), f"outsiders -> {store}"
            others = set(pods) - set(clients) - {store}
            for other in others:
                assert not allowed(rendered, pods[other], pods[store], port), f"{other} -> {store}"
