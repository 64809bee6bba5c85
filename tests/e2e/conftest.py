"""The end-to-end suite: the whole platform as separate processes (devstack's running_platform),
driven only through the gateway over HTTP and WebSocket, checked against the real S3."""

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the e2e_kit helpers

from e2e_kit.api import Account, Gateway, User
from e2e_kit.browser import hold_event_loop, release_event_loop, running_browser
from e2e_kit.platform import ADMIN, E2E_ENV, E2E_RESTARTS, PlatformControl, apply_env
from playwright.sync_api import Browser


@pytest.fixture(scope="session")
def platform(stack, running_platform) -> PlatformControl:
    """The shared platform, with the e2e settings applied to the services they concern (auth and
    the gateway are restarted once with them; tests/e2e runs last in the session, so nothing after
    it sees the changed settings)."""
    apply_env(running_platform, E2E_ENV, E2E_RESTARTS)
    return PlatformControl(stack, running_platform)


@pytest.fixture(autouse=True)
def _platform_whole_after_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "platform" in request.fixturenames:
        request.getfixturevalue("platform").ensure_all_running()


@pytest.fixture(scope="session")
def gateway(platform: PlatformControl) -> Iterator[Gateway]:
    client = Gateway(platform.gateway_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def s3(platform: PlatformControl):
    return platform.s3


@pytest.fixture
def new_user(gateway: Gateway) -> Iterator[Callable[..., User]]:
    """`new_user("alice")`: a freshly registered account, logged in with a Bearer token."""
    made: list[User] = []

    def make(prefix: str = "e2e") -> User:
        made.append(gateway.register(prefix))
        return made[-1]

    yield make
    for user in made:
        user.close()


@pytest.fixture
def user(new_user: Callable[..., User]) -> User:
    return new_user()


@pytest.fixture(scope="session")
def admin(gateway: Gateway) -> Iterator[User]:
    """The admin seeded at auth's startup from ADMIN_* settings."""
    login = gateway.login(ADMIN["username"], ADMIN["password"])
    assert login.status_code == 200, login.text
    body = login.json()
    me = gateway.http.get("/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    account = Account(ADMIN["username"], ADMIN["email"], ADMIN["password"], str(me.json()["id"]),
                      body["access_token"], me.json()["role"])  # fmt: skip
    assert account.role == "admin", me.json()
    admin_user = User(gateway, account)
    yield admin_user
    admin_user.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium (Debian's /usr/bin/chromium) under Playwright's sync API, shared by the
    session; each test opens its own context (cookies, storage) with `browser.new_context()`."""
    with running_browser() as the_browser:
        yield the_browser


@pytest.fixture(autouse=True)
def _event_loop_free_between_browser_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """See e2e_kit.browser.hold_event_loop: asyncio tests after a browser test keep working."""
    # A module may have a `browser` fixture of its own (test_e2e_csrf's cookie client).
    used = request.getfixturevalue("browser") if "browser" in request.fixturenames else None
    if not isinstance(used, Browser):
        yield
        return
    hold_event_loop(used)
    yield
    release_event_loop()
