"""CSRF: a cookie-authenticated state change from another site is refused.

Two layers: the cookie is SameSite=Lax (browsers do not send it on cross-site POSTs), and the
gateway refuses unsafe methods that carry the cookie with a foreign Origin (or Referer) with 403.
Bearer-authenticated calls are not exposed to CSRF (a page cannot set that header), so they pass.
"""

import httpx
import pytest
from e2e_kit.api import Gateway, User
from e2e_kit.live import refused
from e2e_kit.photos import photo_bytes

EVIL = "https://evil.example"


@pytest.fixture
def browser(gateway: Gateway, new_user) -> tuple[User, httpx.Client]:
    user: User = new_user("browser")
    login = gateway.login(user.account.username, user.account.password)
    assert login.status_code == 200, login.text
    client = httpx.Client(
        base_url=gateway.base_url, cookies={"access_token": login.cookies["access_token"]}
    )
    yield user, client
    client.close()


def test_cookie_authenticated_changes_from_a_foreign_origin_are_refused(browser) -> None:
    user, cookie_client = browser
    image_id = str(user.upload_ok(photo_bytes("chelsea"), "chelsea.png")["id"])
    foreign = [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Referer": f"{EVIL}/page"},
        {
            "Origin": cookie_client.base_url.scheme
            + "://"
            + cookie_client.base_url.host
            + ".evil.example"
        },
    ]
    for headers in foreign:
        attempts = [
            cookie_client.delete(f"/images/{image_id}", headers=headers),
            cookie_client.post(
                f"/images/{image_id}/transform", json={"operations": ["mirror"]}, headers=headers
            ),
            cookie_client.post(
                "/images",
                files={"file": ("x.png", photo_bytes("chelsea"), "image/png")},
                headers=headers,
            ),
            cookie_client.post("/auth/logout", headers=headers),
        ]
        for response in attempts:
            assert response.status_code == 403, (headers, response.request.url, response.text)
            assert response.json()["error"]["code"]
    assert user.http.get(f"/images/{image_id}").status_code == 200
    assert user.http.get("/images").json()["total"] == 1


def test_same_origin_cookie_requests_and_bearer_requests_pass(browser, gateway: Gateway) -> None:
    user, cookie_client = browser
    image_id = str(user.upload_ok(photo_bytes("chelsea"), "chelsea.png")["id"])
    own_origin = gateway.base_url

    # Safe methods are never refused, whatever the Origin.
    assert cookie_client.get(f"/images/{image_id}", headers={"Origin": EVIL}).status_code == 200
    # The gateway's own origin (a first-party page) and non-browser clients (no Origin) pass.
    same_site = cookie_client.post(
        f"/images/{image_id}/transform",
        json={"operations": ["flip"]},
        headers={"Origin": own_origin},
    )
    assert same_site.status_code in (200, 202), same_site.text
    no_origin = cookie_client.post(f"/images/{image_id}/transform", json={"operations": ["mirror"]})
    assert no_origin.status_code in (200, 202), no_origin.text
    # Bearer tokens are not sent by browsers on their own: no CSRF exposure, no refusal.
    bearer = user.http.delete(f"/images/{image_id}", headers={"Origin": EVIL})
    assert bearer.status_code == 204, bearer.text


def test_live_feed_refuses_a_cookie_from_a_foreign_page(browser, gateway: Gateway) -> None:
    """Cross-site WebSocket hijacking: browsers send the cookie (and their Origin) with a
    WebSocket handshake from any page, so a cookie-authenticated /ws must check the Origin."""
    user, cookie_client = browser
    cookie = f"access_token={cookie_client.cookies['access_token']}"
    assert refused(gateway.ws_url, {"Cookie": cookie, "Origin": EVIL})
    assert not refused(gateway.ws_url, {"Cookie": cookie, "Origin": gateway.base_url})
    assert not refused(gateway.ws_url, {"Authorization": f"Bearer {user.account.token}",
                                        "Origin": EVIL})  # fmt: skip
