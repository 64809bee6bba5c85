"""Property-based fuzzing of every operation in the OpenAPI schema: whatever a client sends,
the answer is never a 5xx (bad input is always the client's 4xx with the shared error shape)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from images_service.entrypoints.api.app import create_app


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Do not use the `random` module")
def test_no_generated_request_gets_a_server_error(images_settings, make_user):
    # A second app instance (no lifespan needed): the schema and routes are what is under test.
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(images_settings))
    admin = make_user("admin")
    server_errors = []

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    def call(case):
        response = case.call(headers=admin.headers)
        if response.status_code >= 500:
            server_errors.append((case.operation.label, case.path_parameters, case.query))
        elif response.status_code >= 400:
            assert set(response.json()["error"]) >= {"code", "message", "request_id"}

    for result in schema.get_all_operations():
        given(case=result.ok().as_strategy())(call)()

    assert not server_errors, server_errors[:10]
