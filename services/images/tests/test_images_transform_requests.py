"""POST /images/{id}/transform: validation, dedupe, the outbox event, watermark assets."""

import uuid

import pytest

from platform_common.transform_spec import TransformSpec, variant_key

ORDERED = {
    "operations": [{"op": "resize", "width": 32}, {"op": "rotate", "angle": 90}, "grayscale"],
    "output": {"format": "webp", "quality": 70},
}
OBJECT_FORM = {
    "transformations": {
        "resize": {"width": 32},
        "rotate": 90,
        "filters": {"grayscale": True},
        "format": "webp",
        "quality": 70,
    }
}


async def test_a_request_is_accepted_with_links_and_published(
    client, user, uploaded, topic_reader, images_settings
):
    image = await uploaded(user)

    response = await client.post(
        f"/images/{image['id']}/transform", headers=user.headers, json=ORDERED
    )

    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] == "pending"
    assert body["links"]["self"] == f"/images/{image['id']}/transformations/{body['id']}"
    assert body["links"]["content"] == body["links"]["self"] + "/content"
    assert response.headers["location"] == body["links"]["self"]

    published = await topic_reader(
        images_settings.topic_transform_requested,
        lambda e: e.data["transformation_id"] == body["id"],
    )
    assert len(published) == 1
    key, envelope = published[0]
    assert key == image["id"].encode()  # keyed by image: one image's events stay ordered
    assert envelope.type == "TransformRequested"
    data = envelope.data
    assert data["image_id"] == image["id"] and data["owner_id"] == str(user.id)
    assert data["source_key"] == f"originals/{user.id}/{image['id']}"
    assert data["source_checksum"] == image["checksum_sha256"]
    spec = TransformSpec.model_validate(ORDERED)
    assert data["spec"] == spec.model_dump(mode="json")
    assert data["variant_key"] == variant_key(image["checksum_sha256"], spec, "png")
    # The typed event says which format to write; nobody parses it back out of the key.
    assert envelope.version == 2 and envelope.event().output_format == spec.resolve_format("png")


async def test_both_spec_forms_mean_the_same_variant(client, user, uploaded):
    image = await uploaded(user)
    url = f"/images/{image['id']}/transform"

    first = await client.post(url, headers=user.headers, json=ORDERED)
    second = await client.post(url, headers=user.headers, json=OBJECT_FORM)

    assert first.status_code == 202
    assert second.status_code == 200  # identical work: the existing transformation
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["etag"] == first.json()["etag"]


async def test_an_identical_request_does_no_new_work(client, user, uploaded, sql):
    image = await uploaded(user)
    url = f"/images/{image['id']}/transform"
    spec = {"operations": [{"op": "blur", "sigma": 3}]}

    ids = {(await client.post(url, headers=user.headers, json=spec)).json()["id"] for _ in range(3)}

    assert len(ids) == 1
    outbox = sql(
        "SELECT count(*) FROM outbox WHERE convert_from(payload, 'UTF8') LIKE :pattern",
        pattern=f"%{ids.pop()}%",
    )
    assert outbox[0][0] == 1


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"operations": [{"op": "resize", "width": 0}]}, "width"),
        ({"operations": [{"op": "resize", "width": 999_999}]}, "width"),
        ({"operations": [{"op": "rotate", "angle": 720}]}, "angle"),
        ({"operations": [{"op": "teleport"}]}, "teleport"),
        ({"operations": [{"op": "watermark_text", "text": "x" * 500}]}, "text"),
        ({"output": {"format": "bmp"}}, "format"),
        ({"output": {"quality": 101}}, "quality"),
        ({"transformations": {"resize": {"width": -5}}}, "width"),
        ({"transformations": {"explode": True}}, "explode"),
        ({"transformations": {"filters": {"grayscale": True, "vaporwave": True}}}, "vaporwave"),
    ],
)
async def test_bad_specs_are_422_naming_the_field(client, user, uploaded, spec, field):
    image = await uploaded(user)

    response = await client.post(
        f"/images/{image['id']}/transform", headers=user.headers, json=spec
    )

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["message"], error["message"]


async def test_a_transform_of_a_missing_image_is_404(client, user):
    response = await client.post(
        f"/images/{uuid.uuid4()}/transform", headers=user.headers, json=ORDERED
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "image_not_found"


async def test_an_image_watermark_passes_its_key_as_an_asset(
    client, user, uploaded, topic_reader, images_settings
):
    photo, logo = await uploaded(user), await uploaded(user, 16, 16)
    spec = {"operations": [{"op": "watermark_image", "image_id": logo["id"], "opacity": 0.4}]}

    response = await client.post(
        f"/images/{photo['id']}/transform", headers=user.headers, json=spec
    )

    assert response.status_code == 202, response.text
    [(_, envelope)] = await topic_reader(
        images_settings.topic_transform_requested,
        lambda e: e.data["transformation_id"] == response.json()["id"],
    )
    assert envelope.data["assets"] == {logo["id"]: f"originals/{user.id}/{logo['id']}"}


async def test_a_watermark_from_someone_elses_image_is_refused(client, make_user, uploaded):
    alice, mallory = make_user(), make_user()
    alices_logo, photo = await uploaded(alice), await uploaded(mallory)
    spec = {"operations": ["grayscale", {"op": "watermark_image", "image_id": alices_logo["id"]}]}

    response = await client.post(
        f"/images/{photo['id']}/transform", headers=mallory.headers, json=spec
    )

    assert response.status_code == 422
    assert "operations[1].image_id" in response.json()["error"]["message"]


async def test_status_of_a_transformation(client, user, uploaded):
    image = await uploaded(user)
    created = (
        await client.post(f"/images/{image['id']}/transform", headers=user.headers, json=ORDERED)
    ).json()

    response = await client.get(created["links"]["self"], headers=user.headers)

    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert response.json()["spec"] == TransformSpec.model_validate(ORDERED).model_dump(mode="json")
    missing = await client.get(
        f"/images/{image['id']}/transformations/{uuid.uuid4()}", headers=user.headers
    )
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "transformation_not_found"


async def test_result_content_is_409_with_the_status_while_not_ready(client, user, uploaded):
    image = await uploaded(user)
    created = (
        await client.post(f"/images/{image['id']}/transform", headers=user.headers, json=ORDERED)
    ).json()

    response = await client.get(created["links"]["content"], headers=user.headers)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "transformation_not_ready"
    assert error["details"]["status"] == "pending"
    assert "pending" in error["message"]
