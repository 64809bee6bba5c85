"""The platform as containers: every image built from Debian packages with podman, the real
docker-compose.yml run with podman-compose, one journey through the containerised gateway.

Slow (the first build on a machine takes minutes; the base image is cached after that), so it
runs in CI and `make test-all`, not in a plain `make test`.
"""

import uuid
from collections.abc import Iterator

import httpx
import pytest
from e2e_kit.api import Gateway
from e2e_kit.containers import APPLICATION_SERVICES, ComposeProject, build_images, image_sizes
from e2e_kit.photos import dimensions, photo_jpeg, sniff_format

from devstack.ports import free_port

# The first test builds every image (minutes on a fresh machine): beyond the default timeout.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]
GATEWAY_UPSTREAM_TIMEOUT_AND_MORE = httpx.Timeout(45.0, connect=5.0)


@pytest.fixture(scope="module")
def compose() -> Iterator[ComposeProject]:
    seconds = build_images()
    print(f"\ncontainer images built in {seconds:.0f} s")
    for name, size in sorted(image_sizes().items()):
        print(f"  {name:45} {size / 1e6:7.1f} MB")
    project = ComposeProject(f"platform{uuid.uuid4().hex[:8]}", free_port())
    try:
        project.up()
        yield project
    finally:
        project.down()


def test_the_containerised_platform_registers_uploads_transforms_and_serves(
    compose: ComposeProject,
) -> None:
    gateway = Gateway(f"http://127.0.0.1:{compose.gateway_port}")
    try:
        user = gateway.register("podman")
        # Twice, a cold container stack on the loaded CI machine did not answer its very first
        # upload within the gateway's 30 s upstream timeout; a second try must succeed, and
        # images' log goes into the failure message so the cause can be read. This client waits
        # longer than the gateway does, so the gateway's 504 is what it sees (at 30 s, the same
        # as the gateway's, the client's own timeout won the race and ended the test).
        user.http.timeout = GATEWAY_UPSTREAM_TIMEOUT_AND_MORE
        upload = user.upload(photo_jpeg("rocket"), "rocket.jpg")
        if upload.status_code == 504:
            upload = user.upload(photo_jpeg("rocket"), "rocket.jpg")
        assert upload.status_code == 201, f"{upload.text}\nimages:\n{compose.logs('images')}"
        image = upload.json()
        tid = user.transform_ok(image["id"], {"operations": [{"op": "resize", "width": 320}],
                                              "output": {"format": "webp"}})  # fmt: skip
        settled = user.settled(image["id"], tid, timeout=60)
        assert settled["status"] == "succeeded", settled
        result = user.http.get(f"/images/{image['id']}/transformations/{tid}/content")
        assert result.status_code == 200, result.text
        assert sniff_format(result.content) == "webp"
        assert dimensions(result.content)[0] == 320
    finally:
        gateway.close()


def test_only_the_gateway_is_published(compose: ComposeProject) -> None:
    for service in ("auth", "images", "postgres", "kafka", "redis", "minio"):
        assert not compose.inspect(service)["NetworkSettings"]["Ports"] or all(
            not bindings
            for bindings in compose.inspect(service)["NetworkSettings"]["Ports"].values()
        ), f"{service} publishes a port"
    health = httpx.get(f"http://127.0.0.1:{compose.gateway_port}/health", timeout=5)
    assert health.status_code == 200


@pytest.mark.parametrize("service", APPLICATION_SERVICES)
def test_services_run_as_non_root_on_a_read_only_root_filesystem(
    compose: ComposeProject, service: str
) -> None:
    details = compose.inspect(service)
    user = details["Config"]["User"]
    assert user and not user.startswith("0") and user.split(":")[0] != "root", user
    assert details["HostConfig"]["ReadonlyRootfs"] is True
