"""GET /images/transformations: a user's transformations by status (a live client's catch-up)."""

SPEC = {"operations": [{"op": "resize", "width": 16}], "output": {"format": "png"}}


async def test_unfinished_transformations_are_listed_for_their_owner_only(
    client, make_user, uploaded
):
    alice, bob = make_user(), make_user()
    image = await uploaded(alice)
    requested = await client.post(
        f"/images/{image['id']}/transform", headers=alice.headers, json=SPEC
    )
    assert requested.status_code == 202, requested.text

    mine = await client.get("/images/transformations", headers=alice.headers)
    assert mine.status_code == 200, mine.text
    items = mine.json()["items"]
    assert [item["id"] for item in items] == [requested.json()["id"]]
    assert items[0]["status"] in ("pending", "processing")

    theirs = await client.get("/images/transformations", headers=bob.headers)
    assert theirs.json() == {"items": []}


async def test_listing_filters_by_status_and_refuses_unknown_ones(client, user, uploaded):
    image = await uploaded(user)
    await client.post(f"/images/{image['id']}/transform", headers=user.headers, json=SPEC)

    failed = await client.get("/images/transformations?status=failed", headers=user.headers)
    assert failed.json() == {"items": []}

    bad = await client.get("/images/transformations?status=lost", headers=user.headers)
    assert bad.status_code == 422
    assert "status" in bad.json()["error"]["message"]


async def test_listing_needs_a_token(client):
    assert (await client.get("/images/transformations")).status_code == 401
