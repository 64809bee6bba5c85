"""The console's account pages in a real browser: the messages a person sees when signing in
goes wrong, and what the admin page shows to whom."""

from collections.abc import Callable

from e2e_kit.api import Gateway, User, unique_name
from e2e_kit.browser import PageWatch
from e2e_kit.console import Console
from e2e_kit.platform import PlatformControl
from playwright.sync_api import Browser, Request, expect


def test_wrong_password_shows_a_clear_message(
    browser: Browser, platform: PlatformControl, new_user: Callable[..., User]
) -> None:
    user = new_user("console")
    console = Console(browser, platform.gateway_url)
    watch = PageWatch(console.page)
    watch.expect({401})  # the wrong password's answer, logged by Chromium as it arrives
    try:
        console.sign_in(user.account.username, "not the password at all")
        expect(console.alert()).to_have_text(
            "Wrong username or password. Check both and try again."
        )
        expect(console.heading("Sign in")).to_be_visible()
        # The right password then works from the same page, remembered across a reload.
        console.page.get_by_label("Password").fill(user.account.password)
        console.page.get_by_label("Remember me on this device").check()
        console.page.get_by_role("button", name="Sign in").click()
        expect(console.heading("Gallery")).to_be_visible()
        console.page.reload()
        expect(console.heading("Gallery")).to_be_visible()
        watch.assert_clean()
    finally:
        console.close()


def test_a_weak_password_shows_the_servers_reason(
    browser: Browser, platform: PlatformControl, gateway: Gateway
) -> None:
    username = unique_name("weak")
    weak = {"username": username, "email": f"{username}@example.com", "password": "short"}
    # What the server says about this password (its policy, not the console's, decides).
    refusal = gateway.http.post("/auth/register", json=weak)
    assert refusal.status_code == 422, refusal.text
    reason = refusal.json()["error"]["message"]

    console = Console(browser, platform.gateway_url)
    watch = PageWatch(console.page)
    watch.expect({422})
    try:
        console.open("/sign-up")
        page = console.page
        page.get_by_label("Username").fill(weak["username"])
        page.get_by_label("Email").fill(weak["email"])
        page.get_by_label("Password").fill(weak["password"])
        page.get_by_role("button", name="Create account").click()
        expect(console.alert()).to_have_text(reason)
        expect(console.heading("Create your account")).to_be_visible()
        watch.assert_clean()
    finally:
        console.close()


def test_a_normal_user_cannot_reach_the_admin_page(
    browser: Browser, platform: PlatformControl
) -> None:
    console = Console(browser, platform.gateway_url)
    watch = PageWatch(console.page)
    admin_calls: list[str] = []

    def note_admin_call(request: Request) -> None:
        if "/admin/" in request.url or "/auth/users" in request.url:
            admin_calls.append(request.url)

    console.page.on("request", note_admin_call)
    try:
        console.sign_up()
        nav = console.page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Gallery")).to_be_visible()
        expect(nav.get_by_role("link", name="Admin")).to_have_count(0)
        console.open("/admin")
        expect(console.alert()).to_have_text(
            "This page is for administrators. Your account cannot see it."
        )
        expect(console.page.get_by_role("table")).to_have_count(0)
        assert admin_calls == [], admin_calls
        watch.assert_clean()
    finally:
        console.close()


def test_the_admin_sees_users_images_and_storage(
    browser: Browser, platform: PlatformControl, admin: User
) -> None:
    console = Console(browser, platform.gateway_url)
    watch = PageWatch(console.page)
    try:
        console.sign_in(admin.account.username, admin.account.password)
        expect(console.heading("Gallery")).to_be_visible()
        console.page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Admin"
        ).click()
        expect(console.heading("Administration")).to_be_visible()
        users = console.page.get_by_role("region", name="Users (table)")
        expect(users.get_by_role("cell", name=admin.account.username, exact=True)).to_be_visible()
        for region in ("Everyone's images (table)", "Storage objects (table)"):
            expect(console.page.get_by_role("region", name=region)).to_be_visible()
        assert console.accessibility_problems() == []
        watch.assert_clean()
    finally:
        console.close()
