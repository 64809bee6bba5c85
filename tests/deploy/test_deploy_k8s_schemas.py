"""Every object kustomize renders (base, dev and prod overlays, the components they include) is
valid offline: built-in kinds against the Kubernetes OpenAPI schemas that kubernetes-validate
ships, in strict mode (an unknown field is an error), for the oldest Kubernetes we support and
the newest it knows; custom resources (KEDA, Strimzi) against their vendored CRD schemas.
"""

import copy
import functools
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

OLDEST_SUPPORTED_KUBERNETES = "1.30"
CUSTOM_RESOURCE_GROUPS = {"keda.sh", "kafka.strimzi.io", "monitoring.coreos.com"}


def kubernetes_versions() -> list[str]:
    return sorted({OLDEST_SUPPORTED_KUBERNETES, kubernetes_validate.utils.latest_version()})


def strict_schema(node: object) -> object:
    """An OpenAPI v3 CRD schema as a JSON schema with the API server's strictness: unknown
    fields are errors (as `kubectl apply --validate=strict`), int-or-string and nullable kept."""
    if isinstance(node, list):
        return [strict_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    schema = {key: strict_schema(value) for key, value in node.items()}
    if schema.pop("x-kubernetes-int-or-string", False):
        schema.setdefault("anyOf", [{"type": "integer"}, {"type": "string"}])
    if schema.pop("nullable", False) and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    if (
        "properties" in schema
        and "additionalProperties" not in schema
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    ):
        schema["additionalProperties"] = False
    return schema


def load_crd_schemas(schemas_dir: Path) -> dict[tuple[str, str], dict]:
    """(apiVersion, kind) -> JSON schema, for every served version of the vendored CRDs."""
    schemas = {}
    for path in sorted((schemas_dir / "crds").glob("*.yaml")):
        crd = yaml.safe_load(path.read_text())
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served", True):
                openapi = copy.deepcopy(version["schema"]["openAPIV3Schema"])
                schemas[(f"{group}/{version['name']}", kind)] = strict_schema(openapi)
    return schemas


@pytest.fixture(scope="module", autouse=True)
def parse_kubernetes_schemas_once():
    # kubernetes-validate re-reads its JSON schema files (megabytes) for every object; they
    # never change, so reading each once keeps these tests fast.
    original = kubernetes_validate.utils.schema_contents
    kubernetes_validate.utils.schema_contents = functools.lru_cache(maxsize=None)(original)
    yield
    kubernetes_validate.utils.schema_contents = original


@pytest.fixture(scope="session")
def crd_schemas(schemas_dir: Path) -> dict[tuple[str, str], dict]:
    return load_crd_schemas(schemas_dir)


def test_builtin_objects_are_valid_kubernetes(rendered) -> None:
    builtin = [
        o for o in rendered.objects if o["apiVersion"].split("/")[0] not in CUSTOM_RESOURCE_GROUPS
    ]
    assert builtin
    for version in kubernetes_versions():
        for obj in builtin:
            where = f"{obj['kind']}/{obj['metadata']['name']} (Kubernetes {version})"
            try:
                kubernetes_validate.validate(obj, version, strict=True)
            except kubernetes_validate.ValidationError as error:
                pytest.fail(f"{where}: {error.message} at {list(error.absolute_path)}")
            except kubernetes_validate.SchemaNotFoundError:
                pytest.fail(f"{where}: no such kind in that Kubernetes version")


def test_custom_resources_match_their_crds(rendered, crd_schemas) -> None:
    custom = [
        o for o in rendered.objects if o["apiVersion"].split("/")[0] in CUSTOM_RESOURCE_GROUPS
    ]
    assert rendered.all("ScaledObject"), "every render scales the transformer with KEDA"
    for obj in custom:
        key = (obj["apiVersion"], obj["kind"])
        assert key in crd_schemas, f"no vendored CRD for {key}"
        errors = sorted(
            jsonschema.Draft7Validator(crd_schemas[key]).iter_errors(obj), key=lambda e: e.path
        )
        assert not errors, f"{obj['kind']}/{obj['metadata']['name']}: " + "; ".join(
            f"{e.message} at {list(e.absolute_path)}" for e in errors
        )


def test_strict_validation_catches_mistakes(render_of, crd_schemas) -> None:
    # The checks above are only worth something if they reject what they should.
    rendered = render_of("dev")
    deployment = copy.deepcopy(rendered.one("Deployment", "gateway"))
    deployment["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, OLDEST_SUPPORTED_KUBERNETES, strict=True)

    scaled = copy.deepcopy(rendered.one("ScaledObject", "transformer"))
    scaled["spec"]["maxReplicas"] = 6
    schema = crd_schemas[(scaled["apiVersion"], scaled["kind"])]
    assert list(jsonschema.Draft7Validator(schema).iter_errors(scaled))

    topic = copy.deepcopy(rendered.all("KafkaTopic")[0])
    topic["spec"]["partitions"] = "six"
    schema = crd_schemas[(topic["apiVersion"], topic["kind"])]
    assert list(jsonschema.Draft7Validator(schema).iter_errors(topic))


def test_every_render_is_in_one_namespace(rendered) -> None:
    cluster_scoped = {"Namespace"}
    for obj in rendered.objects:
        if obj["kind"] not in cluster_scoped:
            assert obj["metadata"].get("namespace") == "image-platform", obj["metadata"]["name"]
