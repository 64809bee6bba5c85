"""The merged OpenAPI tells the truth: every operation follows the conventions (explicit
operationId, one ErrorResponse on every error status), unknown parameters are refused, the
documented examples work as they are, and the docs pages need no CDN."""

import re
from typing import Any

import pytest
from e2e_kit.api import Gateway, User
from e2e_kit.photos import photo_jpeg

METHODS = ("get", "put", "post", "delete", "patch")
OPERATION_ID = re.compile(r"^[a-z][a-zA-Z0-9]+$")  # lowerCamelCase, like uploadImage
ERROR_REF = "#/components/schemas/ErrorResponse"
# Every operation can answer these (the unknown-parameter check, outages, the edge's limits).
EVERYWHERE = {"422", "429", "503"}


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


@pytest.fixture(scope="module")
def document(gateway: Gateway) -> dict[str, Any]:
    response = gateway.http.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_has_an_explicit_readable_unique_operation_id(document: dict) -> None:
    """FastAPI's defaults (`upload_image_images_post`) have underscores: a route added without
    `operation_id=` fails here."""
    ids = [op.get("operationId", "") for _, _, op in _operations(document)]
    bad = [(m, p, op.get("operationId")) for m, p, op in _operations(document)
           if not OPERATION_ID.match(op.get("operationId", ""))]  # fmt: skip
    assert not bad, bad
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert {"uploadImage", "requestTransformation", "getImageContent", "login"} <= set(ids)


def test_every_error_status_of_every_operation_is_the_error_response(document: dict) -> None:
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert set(schemas["ErrorResponse"]["properties"]) == {"error"}
    problems = []
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        if missing := EVERYWHERE - set(responses):
            problems.append((method, path, "missing", sorted(missing)))
        secured = bool(operation.get("security"))
        if secured and "401" not in responses:
            problems.append((method, path, "secured without 401"))
        for status, response in responses.items():
            if int(status) < 400 or path == "/ready":
                continue
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref") != ERROR_REF:
                problems.append((method, path, status, schema))
    assert not problems, problems


def test_binary_answers_are_declared_with_their_media_types(document: dict) -> None:
    for path in (
        "/images/{image_id}/content",
        "/images/{image_id}/transformations/{transformation_id}/content",
    ):
        content = document["paths"][path]["get"]["responses"]["200"]["content"]
        assert {"image/jpeg", "image/png", "image/webp", "image/avif"} <= set(content), path
        assert content["image/png"]["schema"] == {"type": "string", "format": "binary"}


def test_every_parameter_is_described(document: dict) -> None:
    undescribed = [
        (method, path, parameter["name"])
        for method, path, operation in _operations(document)
        for parameter in operation.get("parameters", [])
        if not parameter.get("description") and not parameter.get("schema", {}).get("description")
    ]
    assert not undescribed, undescribed


def test_the_object_form_is_documented_without_module_names(document: dict) -> None:
    schemas = document["components"]["schemas"]
    forms = {}
    for form in schemas["TransformSpec"]["oneOf"]:
        form = schemas[form["$ref"].rsplit("/", 1)[1]] if "$ref" in form else form
        forms[form["title"]] = form
    assert set(forms) == {"Ordered operations", "Object form"}
    assert "transformations" in forms["Object form"]["required"]
    text = str(document)
    assert "object_form" not in text and "platform_common" not in text


def test_the_transform_examples_succeed_as_they_are(document: dict, user: User) -> None:
    """What Swagger's "Try it out" sends: the documented examples, unchanged."""
    image = user.upload_ok(photo_jpeg("chelsea"), "chelsea.jpg")
    body = document["paths"]["/images/{image_id}/transform"]["post"]["requestBody"]
    examples = body["content"]["application/json"]["examples"]
    assert examples
    for name, example in examples.items():
        response = user.transform(image["id"], example["value"])
        assert response.status_code in (200, 202), (name, response.text)
        assert user.settled(image["id"], response.json()["id"], timeout=60)["status"] == "succeeded"


@pytest.mark.parametrize(
    ("path", "unknown"),
    [
        ("/images/{id}/content?width=800", "width"),
        ("/images/{id}/content?blur=5&dpr=2", "blur"),
        ("/images?format=png&order=asc", "format"),
        ("/images/{id}?verbose=1", "verbose"),
    ],
)
def test_unknown_query_parameters_are_refused_by_name(user: User, path: str, unknown: str) -> None:
    image = user.upload_ok(photo_jpeg("chelsea"), "chelsea.jpg")
    response = user.http.get(path.format(id=image["id"]))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "unknown_parameter" and unknown in error["message"]
    assert unknown in [d["field"] for d in error["details"]]


def test_unknown_body_fields_are_refused_by_name(gateway: Gateway, user: User) -> None:
    login = gateway.http.post(
        "/auth/login",
        json={"username": user.account.username, "password": "x", "remeber_me": True},
    )
    assert login.status_code == 422 and "remeber_me" in login.json()["error"]["message"]
    start = user.http.post(
        "/images/uploads", json={"content_type": "image/jpeg", "size_bytes": 10, "sise": 1}
    )
    assert start.status_code == 422 and "sise" in start.json()["error"]["message"]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_pages_load_only_local_assets(gateway: Gateway, page: str) -> None:
    html = gateway.http.get(page)
    assert html.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', html.text)
    assert sources and all(s.startswith("/docs/static/") for s in sources), sources
    assert "cdn" not in html.text.lower() and "googleapis" not in html.text
    for source in sources:
        asset = gateway.http.get(source)
        assert asset.status_code == 200 and len(asset.content) > 1000, source
