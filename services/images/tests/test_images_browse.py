"""Listing, details, original content, ownership (404 like missing) and the admin views."""

import uuid

import httpx
import pytest

from images_service.entrypoints.api.app import create_app


async def test_listing_is_newest_first_with_total_and_defaults(client, make_user, uploaded):
    owner = make_user()
    ids = [(await uploaded(owner))["id"] for _ in range(12)]

    response = await client.get("/images", headers=owner.headers)

    assert response.status_code == 200
    page = response.json()
    assert (page["page"], page["limit"], page["total"], page["pages"]) == (1, 10, 12, 2)
    assert [item["id"] for item in page["items"]] == ids[::-1][:10]
    assert page["items"][0]["url"] == f"/images/{ids[-1]}/content"

    second = (await client.get("/images?page=2&limit=10", headers=owner.headers)).json()
    assert [item["id"] for item in second["items"]] == ids[::-1][10:]


async def test_the_page_size_is_capped(client, user, uploaded):
    await uploaded(user)

    page = (await client.get("/images?limit=5000", headers=user.headers)).json()

    assert page["limit"] == 100


@pytest.mark.parametrize("page", ["0", "-1", "x", str(10**22)])
async def test_a_bad_page_number_names_the_parameter(client, user, page):
    response = await client.get(f"/images?page={page}", headers=user.headers)

    assert response.status_code == 422
    assert "page" in response.json()["error"]["message"]


async def test_users_see_only_their_own_images(client, make_user, uploaded):
    alice, bob = make_user(), make_user()
    image = await uploaded(alice)

    listing = (await client.get("/images", headers=bob.headers)).json()
    assert listing["total"] == 0

    someone_elses = await client.get(f"/images/{image['id']}", headers=bob.headers)
    missing = await client.get(f"/images/{uuid.uuid4()}", headers=bob.headers)
    assert someone_elses.status_code == missing.status_code == 404
    assert someone_elses.json()["error"]["code"] == missing.json()["error"]["code"]
    assert someone_elses.json()["error"]["message"] == missing.json()["error"]["message"]

    for path in ("/content", "/transformations/" + str(uuid.uuid4())):
        response = await client.get(f"/images/{image['id']}{path}", headers=bob.headers)
        assert response.status_code == 404, path
    assert (await client.delete(f"/images/{image['id']}", headers=bob.headers)).status_code == 404
    transform = await client.post(
        f"/images/{image['id']}/transform", headers=bob.headers, json={"operations": ["grayscale"]}
    )
    assert transform.status_code == 404


async def test_every_image_route_needs_a_token(client, user, uploaded):
    image_id = (await uploaded(user))["id"]
    for method, path in [
        ("GET", "/images"),
        ("GET", f"/images/{image_id}"),
        ("GET", f"/images/{image_id}/content"),
        ("DELETE", f"/images/{image_id}"),
        ("POST", f"/images/{image_id}/transform"),
        ("GET", f"/images/{image_id}/transformations/{uuid.uuid4()}"),
        ("POST", "/images/uploads"),
        ("GET", "/admin/storage/objects"),
    ]:
        response = await client.request(method, path)
        assert response.status_code == 401, (method, path)


async def test_a_token_with_a_bad_signature_is_refused(client, user):
    forged = user.headers["Authorization"][:-4] + "AAAA"

    response = await client.get("/images", headers={"Authorization": forged})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


async def test_details_include_metadata_url_and_transformations(client, user, uploaded):
    image = await uploaded(user, 80, 60)
    await client.post(
        f"/images/{image['id']}/transform", headers=user.headers, json={"operations": ["sepia"]}
    )

    details = (await client.get(f"/images/{image['id']}", headers=user.headers)).json()

    assert (details["width"], details["height"], details["format"]) == (80, 60, "png")
    assert details["url"] == f"/images/{image['id']}/content"
    assert [t["spec"]["operations"][0]["op"] for t in details["transformations"]] == ["sepia"]


async def test_content_streams_the_original_with_validators(client, user, upload, make_image):
    data = make_image("webp", 50, 50)
    image = (await upload(user, data, "a.webp", "image/webp")).json()

    response = await client.get(f"/images/{image['id']}/content", headers=user.headers)

    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "image/webp"
    assert response.headers["content-length"] == str(len(data))
    assert response.headers["etag"] == f'"{image["checksum_sha256"]}"'

    again = await client.get(
        f"/images/{image['id']}/content",
        headers={**user.headers, "If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304
    assert again.content == b""


async def test_content_can_redirect_to_a_presigned_url(images_settings, user, uploaded):
    image = await uploaded(user)
    app = create_app(images_settings.model_copy(update={"content_via_redirect": True}))

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://images.test") as c:
        response = await c.get(f"/images/{image['id']}/content", headers=user.headers)
    async with httpx.AsyncClient() as plain:
        fetched = await plain.get(response.headers["location"])

    assert response.status_code == 307
    assert "X-Amz-Signature=" in response.headers["location"]
    assert fetched.status_code == 200
    assert len(fetched.content) == image["size_bytes"]


async def test_admins_list_everyones_images_and_bucket_objects(client, make_user, uploaded):
    alice, bob, admin = make_user(), make_user(), make_user("admin")
    a, b = await uploaded(alice), await uploaded(bob)

    everyone = (await client.get("/admin/images?limit=100", headers=admin.headers)).json()
    listed = {item["id"] for item in everyone["items"]}
    assert {a["id"], b["id"]} <= listed
    assert everyone["total"] >= 2

    first = await client.get(
        f"/admin/storage/objects?prefix=originals/{alice.id}/&limit=1", headers=admin.headers
    )
    assert first.status_code == 200
    assert [o["key"] for o in first.json()["items"]] == [f"originals/{alice.id}/{a['id']}"]
    assert first.json()["items"][0]["size"] == a["size_bytes"]

    for path in ("/admin/images", "/admin/storage/objects"):
        refused = await client.get(path, headers=alice.headers)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "forbidden"


async def test_storage_listing_pages_with_a_cursor(client, make_user, uploaded):
    owner, admin = make_user(), make_user("admin")
    for _ in range(3):
        await uploaded(owner)
    prefix = f"originals/{owner.id}/"

    keys, cursor = [], None
    for _ in range(5):
        params = {"prefix": prefix, "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await client.get("/admin/storage/objects", params=params, headers=admin.headers)
        keys += [o["key"] for o in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break

    assert len(keys) == len(set(keys)) == 3
