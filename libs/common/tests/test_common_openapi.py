"""What every service's API inherits: unknown query parameters refused by name, one error schema
in the OpenAPI document, and docs pages served from local files."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel

from platform_common.app import create_service_app
from platform_common.openapi import error_responses
from platform_common.settings import BaseServiceSettings

SECRET = "test-signing-key-that-is-long-enough-0123456789"


class Variant(BaseModel):
    w: int | None = None
    fit: str | None = None


def _paging(page: int = 1) -> int:
    return page


def make_client() -> TestClient:
    router = APIRouter()

    @router.get("/things/{thing_id}", operation_id="getThing", responses=error_responses(404))
    def get_thing(
        thing_id: str,
        variant: Annotated[Variant, Query()],
        page: Annotated[int, Depends(_paging)],
        sort: str = "name",
    ) -> dict:
        return {"id": thing_id, "w": variant.w, "page": page, "sort": sort}

    app = create_service_app(
        BaseServiceSettings(jwt_secret=SECRET),
        title="t",
        description="d",
        routers=[router],
        readiness_checks={},
    )
    return TestClient(app)


def test_declared_query_parameters_pass_including_query_models_and_dependencies() -> None:
    response = make_client().get(
        "/things/a", params={"w": 5, "fit": "cover", "page": 2, "sort": "x"}
    )
    assert response.status_code == 200
    assert response.json() == {"id": "a", "w": 5, "page": 2, "sort": "x"}


def test_unknown_query_parameters_are_refused_by_name() -> None:
    response = make_client().get("/things/a", params={"width": 800, "w": 5, "dpr": 2})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unknown_parameter"
    assert [d["field"] for d in error["details"]] == ["dpr", "width"]
    assert "dpr, width" in error["message"] and "accepts: fit, page, sort, w" in error["message"]


def test_the_document_has_one_error_schema_on_every_error() -> None:
    document = make_client().get("/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ErrorResponse" in schemas
    responses = document["paths"]["/things/{thing_id}"]["get"]["responses"]
    assert {"404", "422", "503"} <= set(responses)
    for status in ("404", "422", "503"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorResponse"}


def test_docs_pages_use_local_assets() -> None:
    client = make_client()
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert "/docs/static/" in html and "cdn.jsdelivr" not in html
    assert client.get("/docs/static/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/static/redoc.standalone.js").status_code == 200
