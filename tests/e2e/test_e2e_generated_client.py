"""A client generated from the live schema by openapi-python-client (inside this run) drives a
journey through the gateway, and gets the errors back typed as ErrorResponse."""

import importlib
import io
import subprocess
import sys
import time
import uuid
from types import ModuleType

import pytest
from e2e_kit.api import PASSWORD, Gateway, unique_name
from e2e_kit.photos import photo_jpeg, sniff_format

PACKAGE = "generated_platform_client"
# The generator only knows JSON, text and application/octet-stream bodies by itself; the images'
# real media types are read as bytes (its documented `content_type_overrides`).
CONFIG = "post_hooks: []\ncontent_type_overrides:\n" + "".join(
    f"  image/{kind}: application/octet-stream\n"
    for kind in ("jpeg", "png", "webp", "avif", "gif", "tiff")
)


@pytest.fixture(scope="module")
def generated(gateway: Gateway, tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    where = tmp_path_factory.mktemp("generated")
    (where / "openapi.json").write_bytes(gateway.http.get("/openapi.json").content)
    (where / "config.yaml").write_text(CONFIG)
    run = subprocess.run(
        [
            sys.executable, "-m", "openapi_python_client", "generate",
            "--path", str(where / "openapi.json"), "--meta", "none",
            "--output-path", str(where / PACKAGE), "--config", str(where / "config.yaml"),
            "--fail-on-warning",
        ],
        capture_output=True, text=True, timeout=300, cwd=where,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    sys.path.insert(0, str(where))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))


def _module(package: ModuleType, name: str) -> ModuleType:
    return importlib.import_module(f"{package.__name__}.{name}")


def test_generated_client_journey_with_typed_errors(
    generated: ModuleType, gateway: Gateway
) -> None:
    models = _module(generated, "models")
    types = _module(generated, "types")
    register = _module(generated, "api.auth.register")
    upload = _module(generated, "api.images.upload_image")
    get_image = _module(generated, "api.images.get_image")
    content = _module(generated, "api.images.get_image_content")
    list_images = _module(generated, "api.images.list_images")
    transform = _module(generated, "api.transformations.request_transformation")
    status = _module(generated, "api.transformations.get_transformation")
    result = _module(generated, "api.transformations.get_transformation_content")

    anonymous = generated.Client(base_url=gateway.base_url)
    username = unique_name("gen")
    session = register.sync_detailed(
        client=anonymous,
        body=models.RegisterRequest(
            username=username, email=f"{username}@example.com", password=PASSWORD
        ),
    )
    assert session.status_code == 201 and isinstance(session.parsed, models.TokenResponse)
    client = generated.AuthenticatedClient(
        base_url=gateway.base_url, token=session.parsed.access_token, timeout=None
    )

    photo = photo_jpeg("chelsea")
    uploaded = upload.sync_detailed(
        client=client,
        body=models.UploadImageBody(
            file=types.File(payload=io.BytesIO(photo), file_name="cat.jpg", mime_type="image/jpeg")
        ),
    )
    assert uploaded.status_code == 201, uploaded.content
    image = uploaded.parsed
    assert isinstance(image, models.ImagePublic) and image.content_type == "image/jpeg"

    original = content.sync_detailed(client=client, image_id=image.id)
    assert original.status_code == 200 and original.parsed.payload.read() == photo

    spec = models.OrderedOperations.from_dict(
        {"operations": [{"op": "resize", "width": 120}], "output": {"format": "png"}}
    )
    job = transform.sync_detailed(client=client, image_id=image.id, body=spec)
    assert job.status_code == 202 and isinstance(job.parsed, models.TransformationPublic)
    done = _settled(status, client, image.id, job.parsed.id)
    assert done.status == "succeeded", done
    bytes_out = result.sync_detailed(client=client, image_id=image.id, transformation_id=done.id)
    assert sniff_format(bytes_out.parsed.payload.read()) == "png"

    missing = get_image.sync_detailed(client=client, image_id=uuid.uuid4())
    assert missing.status_code == 404
    assert isinstance(missing.parsed, models.ErrorResponse)
    assert missing.parsed.error.code == "image_not_found" and missing.parsed.error.request_id

    invalid = list_images.sync_detailed(client=client, limit=0)
    assert invalid.status_code == 422 and isinstance(invalid.parsed, models.ErrorResponse)
    assert (
        invalid.parsed.error.code == "validation_error" and "limit" in invalid.parsed.error.message
    )

    bad_spec = models.OrderedOperations.from_dict({"operations": [{"op": "resize", "width": 0}]})
    refused = transform.sync_detailed(client=client, image_id=image.id, body=bad_spec)
    assert refused.status_code == 422 and isinstance(refused.parsed, models.ErrorResponse)


def _settled(status: ModuleType, client: object, image_id: uuid.UUID, job_id: uuid.UUID):
    deadline = time.monotonic() + 60
    while True:
        current = status.sync(client=client, image_id=image_id, transformation_id=job_id)
        if current.status in ("succeeded", "failed") or time.monotonic() > deadline:
            return current
        time.sleep(0.2)
