"""Security headers on every answer through the gateway: nosniff and no-referrer everywhere,
and images (originals and results) also get a CSP that runs and loads nothing."""

from e2e_kit.api import Gateway, User
from e2e_kit.photos import photo_bytes

EVERYWHERE = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer"}
IMAGE_CSP = "default-src 'none'; sandbox"


def _has_everywhere_headers(response) -> None:
    for name, value in EVERYWHERE.items():
        assert response.headers.get(name) == value, (response.url, name, response.headers)
    assert "strict-transport-security" not in response.headers  # not production here


def test_json_answers_carry_the_headers(gateway: Gateway, user: User) -> None:
    for response in (
        user.http.get("/images"),
        user.http.get("/auth/me"),
        gateway.http.get("/images"),  # a 401 from the edge itself
        gateway.http.get("/no-such-route"),  # a 404 from the gateway
        gateway.http.post("/auth/login", json={"username": "x", "password": "wrong one 123"}),
        gateway.http.get("/health"),
    ):
        _has_everywhere_headers(response)
        assert "content-security-policy" not in response.headers


def test_image_answers_carry_the_sandbox_csp(user: User) -> None:
    # A PNG with HTML appended stays an image: no sniffing, and nothing in it can run.
    polyglot = photo_bytes("chelsea") + b"<html><script>alert(document.domain)</script></html>"
    image = user.upload_ok(polyglot, "polyglot.png")
    original = user.http.get(f"/images/{image['id']}/content")
    tid = user.transform_ok(image["id"], {"operations": [{"op": "resize", "width": 64}]})
    assert user.settled(image["id"], tid, timeout=30)["status"] == "succeeded"
    result = user.http.get(f"/images/{image['id']}/transformations/{tid}/content")
    on_the_fly = user.http.get(f"/images/{image['id']}/content", params={"w": 32, "format": "webp"})

    for response in (original, result, on_the_fly):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("image/")
        _has_everywhere_headers(response)
        assert response.headers["content-security-policy"] == IMAGE_CSP
        assert response.headers.get_list("x-content-type-options") == ["nosniff"]  # not twice
