"""Verified bytes stay verified: once `/complete` has checked a direct upload, nothing the client
still holds (the presigned PUT URL stays valid until it expires) can change what was checked.

The attack this proves closed: an attacker direct-uploads a public picture, completes it, then
re-PUTs other bytes of the same length (the URL binds the length and type, not the content). If
the image pointed at the presigned key, the attacker's transformation would render the new bytes
into the content address (checksum of the VERIFIED bytes + spec) that every owner of the genuine
picture shares, and a victim would be served the attacker's result. The same re-PUT would also
put HTML, SVG or a decompression bomb behind a "verified" image.
"""

import hashlib

import httpx
import pytest
import pyvips
from e2e_kit.api import User
from e2e_kit.photos import photo_bytes

SPEC = {"operations": [{"op": "resize", "width": 640}], "output": {"format": "webp"}}
MAGENTA = [255.0, 0.0, 255.0]


def _padded(data: bytes, size: int) -> bytes:
    """Trailing bytes after the end of an image (or a document) change nothing it declares."""
    assert len(data) <= size
    return data + b" " * (size - len(data))


def _direct_upload(user: User, data: bytes, content_type: str) -> dict:
    ticket = user.http.post(
        "/images/uploads",
        json={"filename": "wallpaper.jpg", "content_type": content_type, "size_bytes": len(data)},
    )
    assert ticket.status_code == 201, ticket.text
    return ticket.json()


def _put(ticket: dict, data: bytes) -> httpx.Response:
    # What any HTTP client holding the URL can do, with the headers the ticket prescribes.
    return httpx.put(ticket["upload_url"], content=data, headers=ticket["headers"], timeout=30)


def _complete(user: User, ticket: dict) -> dict:
    response = user.http.post(ticket["complete_url"])
    assert response.status_code == 201, response.text
    return response.json()


def _result(user: User, image_id: str) -> httpx.Response:
    tid = user.transform_ok(image_id, SPEC)
    assert user.settled(image_id, tid, timeout=30)["status"] == "succeeded"
    content = user.http.get(f"/images/{image_id}/transformations/{tid}/content")
    assert content.status_code == 200, content.text
    return content


def _centre_pixel(data: bytes) -> list[float]:
    image = pyvips.Image.new_from_buffer(data, "")
    return list(image(image.width // 2, image.height // 2))[:3]


def test_re_putting_after_completion_cannot_poison_a_shared_result(new_user) -> None:
    attacker, victim = new_user("attacker"), new_user("victim")
    genuine = photo_bytes("rocket")
    magenta = pyvips.Image.black(640, 427).new_from_image(MAGENTA).jpegsave_buffer(Q=90)
    forged = _padded(magenta, len(genuine))

    ticket = _direct_upload(attacker, genuine, "image/jpeg")
    assert _put(ticket, genuine).status_code == 200
    image = _complete(attacker, ticket)
    # The URL is still valid, so S3 may well accept this: it must just not matter.
    _put(ticket, forged)

    stored = attacker.http.get(f"/images/{image['id']}/content")
    assert hashlib.sha256(stored.content).hexdigest() == image["checksum_sha256"]
    assert stored.content == genuine
    attackers_result = _result(attacker, image["id"])

    victims_image = victim.upload_ok(genuine, "wallpaper.jpg")
    assert victims_image["checksum_sha256"] == image["checksum_sha256"]  # one content address
    victims_result = _result(victim, victims_image["id"])
    assert _centre_pixel(victims_result.content) != pytest.approx(MAGENTA, abs=40)
    # Both are the rendering of the genuine bytes.
    assert victims_result.headers["etag"] == attackers_result.headers["etag"]
    assert victims_result.content == attackers_result.content


def _html() -> bytes:
    return b"<!doctype html><html><body><script>alert(document.domain)</script></body></html>"


def _svg() -> bytes:
    return b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9"/></svg>'


def _png_98_megapixels() -> bytes:
    return pyvips.Image.black(14_000, 7_000).pngsave_buffer(compression=9)


@pytest.mark.parametrize("hostile", [_html, _svg, _png_98_megapixels], ids=lambda f: f.__name__)
def test_re_putting_cannot_slip_refused_content_behind_a_verified_image(user, hostile) -> None:
    payload = hostile()
    genuine = photo_bytes("rocket")
    size = max(len(payload), len(genuine))
    genuine, payload = _padded(genuine, size), _padded(payload, size)

    ticket = _direct_upload(user, genuine, "image/jpeg")
    assert _put(ticket, genuine).status_code == 200
    image = _complete(user, ticket)
    _put(ticket, payload)

    content = user.http.get(f"/images/{image['id']}/content")
    assert content.status_code == 200
    assert content.headers["content-type"] == "image/jpeg"
    assert content.content == genuine
    # Completing again answers with the verified image; it does not re-read the staging key.
    again = user.http.post(ticket["complete_url"])
    assert again.status_code == 200 and again.json()["checksum_sha256"] == image["checksum_sha256"]
