"""Property-based fuzzing of the gateway's merged OpenAPI with schemathesis: no 5xx anywhere,
every status answered is documented and every response conforms to the schema. Bounded in
examples and in time."""

import subprocess
import sys
from pathlib import Path

from e2e_kit.api import Gateway, User
from e2e_kit.photos import photo_bytes

MAX_EXAMPLES = 15
MAX_SECONDS = 60


def test_gateway_openapi_is_merged(gateway: Gateway) -> None:
    schema = gateway.http.get("/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/auth/register", "/auth/login", "/images", "/images/{image_id}/transform"):
        assert path in paths, sorted(paths)


def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    gateway: Gateway, admin: User, tmp_path: Path
) -> None:
    """As the admin, so the admin routes are fuzzed too (a plain user only ever gets 403)."""
    admin.upload_ok(photo_bytes("chelsea"), "chelsea.png")
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{gateway.base_url}/openapi.json",
        "--url", gateway.base_url,
        "--header", f"Authorization: Bearer {admin.account.token}",
        # Every status answered must be documented, and every body must match its schema.
        "--checks",
        "not_a_server_error,status_code_conformance,response_schema_conformance,"
        "content_type_conformance",
        "--max-examples", str(MAX_EXAMPLES),
        "--max-time", str(MAX_SECONDS),
        "--phases", "examples,coverage,fuzzing",
        "--request-timeout", "20",
        "--workers", "2",
        "--seed", "20240601",
        "--no-shrink",
        "--suppress-health-check", "all",
        # Logging out would revoke the session the run (and later tests) authenticate with.
        "--exclude-path-regex", r"^/(ws|events|auth/logout|auth/logout-all)$",
        # Deleting the account the run authenticates as would turn the rest of it into 401s.
        "--exclude-path", "/auth/users/{user_id}", "--exclude-method", "DELETE",
        "--report", "junit", "--report-dir", str(tmp_path),
    ]  # fmt: skip
    # cwd: schemathesis keeps a crash cache (.schemathesis/) in its working directory.
    run = subprocess.run(
        command, capture_output=True, text=True, timeout=MAX_SECONDS + 120, cwd=tmp_path
    )
    assert run.returncode == 0, run.stdout[-15000:] + run.stderr[-3000:]
