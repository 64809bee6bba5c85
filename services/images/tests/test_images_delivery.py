"""The images side of delivery: signing keys, presets (same validation as a transform), eager
variants at upload and completion, the internal routes only the gateway may call."""

import httpx

from platform_common.delivery import SigningPair, delivery_path
from platform_common.settings import DEV_INTERNAL_API_TOKEN

THUMB = {"operations": [{"op": "resize", "width": 32, "height": 32, "fit": "cover"}],
         "output": {"format": "webp"}}  # fmt: skip


async def test_signing_keys_show_the_secret_once_and_delete_is_scoped(client, make_user):
    alice, bob = make_user(), make_user()
    created = await client.post("/delivery/keys", headers=alice.headers)
    assert created.status_code == 201, created.text
    body = created.json()
    assert len(bytes.fromhex(body["key"])) == 32 and len(bytes.fromhex(body["salt"])) == 32
    listed = (await client.get("/delivery/keys", headers=alice.headers)).json()["items"]
    assert [item["id"] for item in listed] == [body["id"]] and "key" not in listed[0]
    assert (
        await client.delete(f"/delivery/keys/{body['id']}", headers=bob.headers)
    ).status_code == 404
    assert (
        await client.delete(f"/delivery/keys/{body['id']}", headers=alice.headers)
    ).status_code == 204
    assert (await client.get("/delivery/keys", headers=alice.headers)).json()["items"] == []


async def test_presets_are_validated_like_a_transform(client, user):
    bad = await client.put("/presets/thumb", headers=user.headers,
                           json={"operations": [{"op": "resize", "width": 0}]})  # fmt: skip
    assert bad.status_code == 422 and "width" in bad.text
    bad_name = await client.put("/presets/Not%20ok", headers=user.headers, json=THUMB)
    assert bad_name.status_code == 422
    created = await client.put("/presets/thumb", headers=user.headers, json=THUMB)
    assert created.status_code == 201
    replaced = await client.put(
        "/presets/thumb", headers=user.headers, json={"operations": ["sepia"]}
    )
    assert replaced.status_code == 200 and replaced.json()["spec"]["operations"][0]["op"] == "sepia"
    assert (await client.get("/presets/thumb", headers=user.headers)).status_code == 200
    assert [
        p["name"] for p in (await client.get("/presets", headers=user.headers)).json()["items"]
    ] == ["thumb"]
    assert (await client.delete("/presets/thumb", headers=user.headers)).status_code == 204
    assert (await client.get("/presets/thumb", headers=user.headers)).status_code == 404


async def test_direct_upload_completion_requests_the_eager_presets(client, user, make_image, sql):
    assert (await client.put("/presets/thumb", headers=user.headers, json=THUMB)).status_code == 201
    data = make_image("png", 80, 60)
    ticket = (await client.post(
        "/images/uploads", headers=user.headers,
        json={"filename": "a.png", "content_type": "image/png", "size_bytes": len(data)},
    )).json()  # fmt: skip
    async with httpx.AsyncClient() as plain:
        assert (
            await plain.put(ticket["upload_url"], content=data, headers=ticket["headers"])
        ).status_code == 200
    unknown = await client.post(
        ticket["complete_url"], headers=user.headers, json={"presets": ["nope"]}
    )
    assert unknown.status_code == 422 and "nope" in unknown.text
    done = await client.post(
        ticket["complete_url"], headers=user.headers, json={"presets": ["thumb"]}
    )
    assert done.status_code == 201, done.text
    [made] = done.json()["transformations"]
    assert made["spec"]["output"]["format"] == "webp"
    # Written with the image row: the request event sits in the same database's outbox.
    rows = sql("SELECT payload FROM outbox WHERE key = :key", key=str(done.json()["id"]))
    assert len(rows) == 1 and made["id"] in bytes(rows[0][0]).decode()


async def test_internal_routes_need_the_internal_token(client, user, uploaded):
    image = await uploaded(user)
    assert (await client.get(f"/internal/delivery/{user.id}/keys")).status_code == 404
    wrong = {"X-Internal-Token": "guess"}
    assert (
        await client.get(f"/internal/delivery/{user.id}/keys", headers=wrong)
    ).status_code == 404
    right = {"X-Internal-Token": DEV_INTERNAL_API_TOKEN}
    await client.post("/delivery/keys", headers=user.headers)
    keys = (await client.get(f"/internal/delivery/{user.id}/keys", headers=right)).json()["keys"]
    assert len(keys) == 1
    options = await client.get(
        f"/internal/delivery/{user.id}/images/{image['id']}",
        params={"options": ["w:10", "zz:1"], "render": "true"}, headers=right,
    )  # fmt: skip
    assert options.status_code == 400 and "zz" in options.json()["error"]["message"]
    budget = await client.get(
        f"/internal/delivery/{user.id}/images/{image['id']}",
        params={"options": ["w:11"], "render": "false"}, headers=right,
    )  # fmt: skip
    assert budget.status_code == 429 and budget.json()["error"]["code"] == "render_budget_exceeded"
    pair = SigningPair.from_hex(keys[0]["id"], keys[0]["key"], keys[0]["salt"])
    assert delivery_path(pair, user.id, image["id"], ["w:10"]).startswith(f"/d/{user.id}/")
