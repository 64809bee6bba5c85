"""Caching at the edge: validators pass through, and hot immutable variants come from the
gateway's own memory (per user) without a trip to images."""

import time
from typing import Any

import httpx
import pytest

WAIT_SECONDS = 60


@pytest.fixture(scope="module")
def variant(client: httpx.Client, make_user: Any, upload_image: Any) -> dict[str, Any]:
    """A finished transformation of a fresh user's image."""
    owner = make_user()
    image = upload_image(client, owner["headers"])
    spec = {"transformations": {"resize": {"width": 24}, "format": "webp"}}
    accepted = client.post(f"/images/{image['id']}/transform", json=spec, headers=owner["headers"])
    assert accepted.status_code == 202, accepted.text
    status_url = accepted.json()["links"]["self"]
    deadline = time.monotonic() + WAIT_SECONDS
    while (status := client.get(status_url, headers=owner["headers"]).json())[
        "status"
    ] != "succeeded":
        assert status["status"] in ("pending", "processing"), status
        assert time.monotonic() < deadline, "the transformer did not finish"
        time.sleep(0.2)
    return {"owner": owner, "image": image, "url": f"{status_url}/content"}


def test_variant_bodies_are_served_from_the_cache_per_user(
    client: httpx.Client, make_user: Any, variant: dict[str, Any]
) -> None:
    headers = variant["owner"]["headers"]
    first = client.get(variant["url"], headers=headers)
    assert first.status_code == 200 and first.headers["content-type"] == "image/webp"
    assert "immutable" in first.headers["cache-control"]
    second = client.get(variant["url"], headers=headers)
    assert second.headers["x-gateway-cache"] == "hit"
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]

    revalidated = client.get(
        variant["url"], headers={**headers, "If-None-Match": first.headers["etag"]}
    )
    assert revalidated.status_code == 304 and revalidated.headers["etag"] == first.headers["etag"]
    assert revalidated.content == b""

    # Another user asking for the same URL goes to images, which does not know it for them.
    stranger = make_user()
    assert client.get(variant["url"], headers=stranger["headers"]).status_code == 404
    # Without a token the edge says no before any cache is consulted.
    assert client.get(variant["url"]).status_code == 401


def test_deleting_the_image_drops_its_cached_variants(
    client: httpx.Client, variant: dict[str, Any]
) -> None:
    headers = variant["owner"]["headers"]
    client.get(variant["url"], headers=headers)  # cached (again)
    assert client.delete(f"/images/{variant['image']['id']}", headers=headers).status_code == 204
    assert client.get(variant["url"], headers=headers).status_code == 404
