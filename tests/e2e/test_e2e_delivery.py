"""Public delivery through the gateway: signed imgproxy-format URLs, with no credentials at all
on the delivery requests (a bare client), signed by the test's own imgproxy signer."""

import time
from collections.abc import Iterator

import httpx
import pytest
from e2e_kit.api import User
from e2e_kit.delivery import Key, fetch_until_ready, imgproxy_signature, new_key
from e2e_kit.photos import dimensions, photo_bytes, sniff_format

SAFE_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; sandbox",
    "cross-origin-resource-policy": "cross-origin",
}


@pytest.fixture(scope="module")
def anonymous(platform) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=platform.gateway_url, timeout=60) as client:
        yield client


@pytest.fixture
def publisher(new_user) -> tuple[User, Key, str]:
    user = new_user("publisher")
    image_id = str(user.upload_ok(photo_bytes("coffee"), "coffee.png")["id"])  # 600x400 PNG
    return user, new_key(user), image_id


def test_the_documented_worked_example_signs_as_documented():
    # imgproxy's signing guide: key "secret", salt "hello" (hex), its example path and result.
    path = "/rs:fill:300:400:0/g:sm/aHR0cDovL2V4YW1w/bGUuY29tL2ltYWdl/cy9jdXJpb3NpdHku/anBn.png"
    assert imgproxy_signature("736563726574", "68656C6C6F", path) == (
        "oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8"
    )


def test_a_signed_url_serves_the_image_to_anyone(publisher, anonymous):
    user, key, image_id = publisher
    response = fetch_until_ready(anonymous, key.url(image_id, "rs:fit:300:300"))
    assert response.status_code == 200, response.text
    assert sniff_format(response.content) == "png"
    assert dimensions(response.content) == (300, 200)
    assert response.headers["content-type"] == "image/png"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-length"] == str(len(response.content))
    assert all(response.headers[name] == value for name, value in SAFE_HEADERS.items())
    etag = response.headers["etag"]
    # The base64 source form names the same variant; so does the API's transform request.
    again = anonymous.get(key.base64_url(image_id, "rs:fit:300:300", "png"))
    assert again.status_code == 200 and again.headers["etag"] == etag
    spec = {
        "operations": [{"op": "resize", "width": 300, "height": 300}],
        "output": {"format": "png"},
    }
    same = user.transform(image_id, spec)
    assert same.status_code == 200, same.text  # it exists already: the delivery URL made it
    assert same.json()["etag"] == etag


def test_tampered_unsigned_expired_and_foreign_urls_are_refused(publisher, new_user, anonymous):
    _, key, image_id = publisher
    good = key.url(image_id, "rs:fit:120:120")
    assert fetch_until_ready(anonymous, good).status_code == 200
    tampered = good.replace("rs:fit:120:120", "rs:fit:121:120")
    assert anonymous.get(tampered).status_code == 403
    signature = good.split("/")[3]
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    assert anonymous.get(good.replace(signature, flipped)).status_code == 403
    unsigned = good.replace(signature, "insecure")
    assert anonymous.get(unsigned).json()["error"]["code"] == "invalid_signature"
    expired = anonymous.get(key.url(image_id, f"rs:fit:120:120/exp:{int(time.time()) - 10}"))
    assert expired.status_code == 404 and expired.json()["error"]["code"] == "url_expired"
    stranger = new_user("stranger")
    theirs = str(stranger.upload_ok(photo_bytes("chelsea"), "chelsea.png")["id"])
    assert anonymous.get(key.url(theirs, "rs:fit:120:120")).status_code == 404
    unknown = anonymous.get(key.url(image_id, "rs:fit:120:120/frobnicate:1"))
    assert unknown.status_code == 400 and "frobnicate" in unknown.json()["error"]["message"]
    bad_width = anonymous.get(key.url(image_id, "w:lots"))
    assert bad_width.status_code == 400 and "width" in bad_width.json()["error"]["message"]


def test_rotation_keeps_urls_of_other_keys_and_deletion_stops_the_key(publisher, anonymous):
    user, old, image_id = publisher
    new = new_key(user)
    listed = user.http.get("/delivery/keys").json()["items"]
    assert {item["id"] for item in listed} == {old.id, new.id}
    assert all("key" not in item and "salt" not in item for item in listed)
    assert fetch_until_ready(anonymous, old.url(image_id, "w:90")).status_code == 200
    assert anonymous.get(new.url(image_id, "w:90")).status_code == 200  # both pairs are active
    assert user.http.delete(f"/delivery/keys/{old.id}").status_code == 204
    # This gateway forgets the account's keys on the delete: the old URL fails at once.
    assert anonymous.get(old.url(image_id, "w:90")).status_code == 403
    assert anonymous.get(new.url(image_id, "w:90")).status_code == 200


def test_accept_picks_avif_or_webp_and_revalidation_is_304(publisher, anonymous):
    _, key, image_id = publisher
    url = key.url(image_id, "rs:fit:200:200", extension=None)
    avif = fetch_until_ready(anonymous, url, headers={"Accept": "image/avif,image/webp,*/*"})
    assert avif.status_code == 200, avif.text
    assert sniff_format(avif.content) == "avif" and avif.headers["vary"] == "Accept"
    webp = fetch_until_ready(anonymous, url, headers={"Accept": "image/webp"})
    assert sniff_format(webp.content) == "webp" and webp.headers["vary"] == "Accept"
    plain = fetch_until_ready(anonymous, url, headers={"Accept": "*/*"})
    assert sniff_format(plain.content) == "png"  # the source's format
    assert len({avif.headers["etag"], webp.headers["etag"], plain.headers["etag"]}) == 3
    revalidated = anonymous.get(
        url, headers={"Accept": "image/webp", "If-None-Match": webp.headers["etag"]}
    )
    assert revalidated.status_code == 304 and revalidated.content == b""
    assert revalidated.headers["etag"] == webp.headers["etag"]
    head = anonymous.head(url, headers={"Accept": "image/webp"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(webp.content))


def test_eager_presets_are_ready_without_a_transform_request(new_user, anonymous):
    user = new_user("eager")
    thumb = {"operations": [{"op": "resize", "width": 64, "height": 64, "fit": "cover"}],
             "output": {"format": "webp"}}  # fmt: skip
    assert user.http.put("/presets/thumb", json=thumb).status_code == 201
    assert user.http.put("/presets/gray", json={"operations": ["grayscale"]}).status_code == 201
    uploaded = user.http.post(
        "/images",
        files={"file": ("coffee.png", photo_bytes("coffee"), "image/png")},
        data={"presets": "thumb,gray"},
    )
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    assert len(body["transformations"]) == 2  # requested with the image, in its transaction
    image_id = str(body["id"])
    finals = user.wait_terminal_polling(
        image_id, [str(t["id"]) for t in body["transformations"]], 60
    )
    assert {f["status"] for f in finals.values()} == {"succeeded"}
    key = new_key(user)
    response = anonymous.get(key.url(image_id, "pr:thumb", extension=None))
    assert response.status_code == 200, response.text
    assert sniff_format(response.content) == "webp" and dimensions(response.content) == (64, 64)
    # The same preset through the API and the on-the-fly query names the same variant.
    by_name = user.http.post(f"/images/{image_id}/transform", json={"preset": "thumb"})
    assert by_name.status_code == 200 and by_name.json()["etag"] == response.headers["etag"]
    on_the_fly = user.http.get(f"/images/{image_id}/content", params={"preset": "thumb"})
    assert on_the_fly.status_code == 200 and on_the_fly.headers["etag"] == response.headers["etag"]
    unknown = user.http.post(
        "/images", files={"file": ("c.png", photo_bytes("coffee"), "image/png")},
        data={"presets": "nope"},
    )  # fmt: skip
    assert unknown.status_code == 422 and "nope" in unknown.json()["error"]["message"]


def test_owners_get_signed_urls_from_the_api(publisher, anonymous):
    user, _, image_id = publisher
    assert user.http.put("/presets/small", json={"operations": [
        {"op": "resize", "width": 50}]}).status_code == 201  # fmt: skip
    details = user.http.get(f"/images/{image_id}", params={"signed_presets": "small"}).json()
    small = fetch_until_ready(anonymous, details["delivery"]["presets"]["small"])
    assert small.status_code == 200 and dimensions(small.content)[0] == 50
    listing = user.http.get("/images", params={"signed_presets": ""}).json()
    assert anonymous.get(listing["items"][0]["delivery"]["original"]).status_code in (200, 503)
    signed = user.http.post(
        f"/images/{image_id}/delivery-url",
        json={"options": "rs:fill:40:40", "extension": "jpg", "expires_in": 600},
    )
    assert signed.status_code == 200, signed.text
    made = fetch_until_ready(anonymous, signed.json()["url"])
    assert sniff_format(made.content) == "jpeg" and dimensions(made.content) == (40, 40)
    assert int(made.headers["cache-control"].split("max-age=")[1].split(",")[0]) <= 600
    refused = user.http.post(f"/images/{image_id}/delivery-url", json={"options": "zz:1"})
    assert refused.status_code == 400 and "zz" in refused.json()["error"]["message"]


def test_cached_reads_and_new_renders_have_separate_budgets(publisher, anonymous):
    _, key, image_id = publisher
    hot = key.url(image_id, "w:100")
    assert fetch_until_ready(anonymous, hot).status_code == 200
    # 500 reads of an already-made variant in well under a minute: none is refused.
    statuses = [anonymous.get(hot).status_code for _ in range(500)]
    assert statuses.count(200) == 500, {s: statuses.count(s) for s in set(statuses)}
    # New renders are limited (8 a minute per account in this suite; one was spent above).
    answers = [fetch_until_ready(anonymous, key.url(image_id, f"w:{101 + n}")) for n in range(10)]
    codes = [answer.status_code for answer in answers]
    assert 429 in codes and codes.count(200) <= 7, codes
    limited = next(answer for answer in answers if answer.status_code == 429)
    assert limited.json()["error"]["code"] == "render_budget_exceeded"
    assert anonymous.get(hot).status_code == 200  # the cached read still passes


def test_a_deleted_image_stops_answering(publisher, anonymous):
    user, key, image_id = publisher
    url = key.url(image_id, "w:80")
    assert fetch_until_ready(anonymous, url).status_code == 200
    assert user.http.delete(f"/images/{image_id}").status_code == 204
    assert anonymous.get(url).status_code == 404


def test_a_deleted_account_stops_answering(new_user, anonymous):
    user = new_user("leaving")
    image_id = str(user.upload_ok(photo_bytes("chelsea"), "chelsea.png")["id"])
    url = new_key(user).url(image_id, "w:70")
    assert fetch_until_ready(anonymous, url).status_code == 200
    assert user.http.delete(f"/auth/users/{user.id}").status_code == 204
    # The images service drops the account's keys and images on UserDeleted; the gateway's key
    # cache lets a key live at most DELIVERY_KEY_CACHE_SECONDS (5 s) after that.
    deadline = time.monotonic() + 60
    while (status := anonymous.get(url).status_code) == 200 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert status in (403, 404)
