"""Upload from a URL, through the gateway, against loopback servers only.

The platform runs with FETCH_ALLOWED_NETWORKS=["127.0.0.2/32"] (e2e_kit.platform): 127.0.0.2 is
the one origin it may download from; a listener on 127.0.0.1 (refused like any loopback address)
proves that no connection is made to a forbidden address, by name, or by redirect.
"""

import pytest
from e2e_kit.photos import photo_bytes
from e2e_kit.receivers import counting_listener, http_server

ALLOWED_ORIGIN = "127.0.0.2"


def serve(status: int, headers: dict[str, str], body: bytes = b""):
    return lambda _request: (status, headers, body)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "2130706433"])
def test_loopback_by_address_or_name_is_refused_without_connecting(user, host) -> None:
    with counting_listener() as listener:
        url = f"http://{host}:{listener.port}/photo.png"
        response = user.http.post("/images/fetch", json={"url": url})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "forbidden_address"
        assert listener.seen() == 0


def test_a_redirect_to_loopback_is_refused_without_connecting(user) -> None:
    with counting_listener() as listener:
        target = f"http://localhost:{listener.port}/photo.png"
        with http_server(ALLOWED_ORIGIN, serve(302, {"location": target})) as (origin, seen):
            response = user.http.post("/images/fetch", json={"url": f"{origin}/start"})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "forbidden_address"
        assert [r.path for r in seen.snapshot()] == ["/start"]  # the origin was asked, once
        assert listener.seen() == 0


def test_a_real_photo_is_fetched_from_an_allowed_origin(user) -> None:
    photo = photo_bytes("rocket")
    with http_server(ALLOWED_ORIGIN, serve(200, {"content-type": "image/jpeg"}, photo)) as (
        origin,
        seen,
    ):
        response = user.http.post("/images/fetch", json={"url": f"{origin}/pics/rocket.jpg"})
    assert response.status_code == 201, response.text
    image = response.json()
    assert (image["format"], image["width"], image["height"]) == ("jpeg", 640, 427)
    assert image["filename"] == "rocket.jpg"
    assert seen.snapshot()[0].headers["host"] == origin.removeprefix("http://")
    content = user.http.get(f"/images/{image['id']}/content")
    assert content.status_code == 200
    assert content.content == photo


def test_what_is_not_an_image_is_refused_like_an_upload(user) -> None:
    page = b"<html><body>not a photo</body></html>"
    with http_server(ALLOWED_ORIGIN, serve(200, {"content-type": "image/jpeg"}, page)) as (
        origin,
        _,
    ):
        response = user.http.post("/images/fetch", json={"url": f"{origin}/fake.jpg"})
    assert response.status_code == 415, response.text


def test_a_failing_source_and_bad_urls_get_clear_errors(user) -> None:
    with http_server(ALLOWED_ORIGIN, serve(404, {})) as (origin, _):
        missing = user.http.post("/images/fetch", json={"url": f"{origin}/gone.jpg"})
    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "fetch_failed"
    assert "404" in missing.json()["error"]["message"]
    for url in ("ftp://127.0.0.2/a.jpg", "file:///etc/passwd", "not a url"):
        response = user.http.post("/images/fetch", json={"url": url})
        assert response.status_code == 422, (url, response.text)
    unknown = user.http.post("/images/fetch", json={"url": "http://127.0.0.2/", "sizes": [1]})
    assert unknown.status_code == 422
