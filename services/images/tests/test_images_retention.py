"""The retention sweep: variants nobody asked for in RETENTION_DAYS, interrupted deletions."""

from datetime import timedelta

from images_service.entrypoints.worker.loops import retention_policy
from images_service.service_layer.images import utcnow
from images_service.service_layer.retention import run_retention
from images_service.service_layer.unit_of_work import ImagesUnitOfWork


def _sweep(images_app):
    state = images_app.state.images
    uow = ImagesUnitOfWork(state.session_factory)
    return run_retention(uow, state.storage, retention_policy(state.settings))


async def test_variants_not_requested_for_the_retention_period_are_deleted(
    client, user, uploaded, s3, images_settings, report_succeeded, wait_until, sql, images_app,
    object_keys,
):  # fmt: skip
    image = await uploaded(user)
    created = {}
    for op in ("grayscale", "mirror"):
        response = await client.post(
            f"/images/{image['id']}/transform", headers=user.headers, json={"operations": [op]}
        )
        created[op] = response.json()
        key = f"variants/{created[op]['etag'].strip(chr(34))}.png"
        s3.put_object(Bucket=images_settings.s3_bucket, Key=key, Body=b"v")
        await report_succeeded(user, image["id"], created[op]["id"], size=1)
        created[op]["key"] = key
    assert await wait_until(
        lambda: (
            sql(
                "SELECT count(*) FROM transformations "
                "WHERE image_id = :id AND status = 'succeeded'",
                id=image["id"],
            )
            == [(2,)]
        )
    )
    long_ago = utcnow() - timedelta(days=images_settings.retention_days + 1)
    sql(
        "UPDATE transformations SET last_requested_at = :at WHERE id = :id",
        at=long_ago,
        id=created["grayscale"]["id"],
    )

    report = _sweep(images_app)

    assert report.variants >= 1
    assert object_keys(created["grayscale"]["key"]) == []
    assert object_keys(created["mirror"]["key"]) == [created["mirror"]["key"]]
    stale = await client.get(created["grayscale"]["links"]["self"], headers=user.headers)
    assert stale.status_code == 404
    # Asking again simply makes it anew.
    again = await client.post(
        f"/images/{image['id']}/transform", headers=user.headers, json={"operations": ["grayscale"]}
    )
    assert again.status_code == 202


async def test_an_interrupted_deletion_is_finished_by_the_sweep(
    client, user, uploaded, sql, images_app, object_keys
):
    image = await uploaded(user)
    sql("UPDATE images SET status = 'deleting' WHERE id = :id", id=image["id"])
    assert (await client.get(f"/images/{image['id']}", headers=user.headers)).status_code == 404

    _sweep(images_app)

    assert sql("SELECT count(*) FROM images WHERE id = :id", id=image["id"]) == [(0,)]
    assert object_keys(f"originals/{user.id}/") == []
