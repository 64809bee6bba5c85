"""A real headless browser for the console's tests: Debian's Chromium (`make install` puts it at
/usr/bin/chromium) driven by Playwright's sync API. Playwright's own browser download is never
used, so nothing but the system package is needed.

    with running_browser() as browser:          # or the session fixture `browser`
        watch = PageWatch(page := browser.new_page())
        ...
        watch.assert_clean()                    # no console errors, failed or blocked requests
"""

import asyncio
import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    Request,
    Response,
    sync_playwright,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = (
    "--no-sandbox",  # the tests run as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-background-networking",  # no traffic to anything but the platform under test
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
# Where the browser tests leave their screenshots (gitignored).
ARTIFACTS = Path(__file__).resolve().parents[3] / ".artifacts" / "console"


def launch(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make install` installs Debian's chromium")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS)
    )


@contextlib.contextmanager
def running_browser() -> Iterator[Browser]:
    manager = sync_playwright()
    playwright = manager.start()
    try:
        browser = launch(playwright)
        try:
            yield browser
        finally:
            hold_event_loop(browser)
            browser.close()
    finally:
        playwright.stop()


# Between two calls, Playwright's sync API leaves its own event loop marked as running in this
# thread (and needs it so marked when the next call starts). An asyncio test later in the same
# session would then refuse to start its own loop, so browser tests hold the mark only while
# they run.
def _playwright_loop(browser: Browser) -> asyncio.AbstractEventLoop:
    return browser._loop  # the loop the sync API dispatches on


def hold_event_loop(browser: Browser) -> None:
    asyncio.events._set_running_loop(_playwright_loop(browser))


def release_event_loop() -> None:
    asyncio.events._set_running_loop(None)


@dataclass
class PageWatch:
    """Everything that went wrong in a page: console errors, uncaught exceptions, requests that
    failed or were blocked (CSP, mixed content), and answers >= 400 not listed as expected."""

    page: Page
    expected_statuses: set[int] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"uncaught: {exc}"))
        self.page.on("requestfailed", self._failed)
        self.page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type not in ("error", "warning"):
            return
        text = message.text
        # Chromium logs every HTTP error answer to the console; expected ones are not problems.
        if text.startswith("Failed to load resource") and any(
            f"status of {status}" in text for status in self.expected_statuses
        ):
            return
        self.problems.append(f"console {message.type}: {text}")

    def _failed(self, request: Request) -> None:
        reason = request.failure or "failed"
        if "ERR_ABORTED" in reason and request.resource_type in ("fetch", "image"):
            return  # the console cancels what a view no longer needs when the user moves on
        if "ERR_ABORTED" in reason and request.url.endswith("/favicon.svg"):
            return  # Chromium drops its own favicon fetch when the page navigates meanwhile
        self.problems.append(f"request failed: {request.method} {request.url}: {reason}")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and response.status not in self.expected_statuses:
            request = response.request
            self.problems.append(f"HTTP {response.status}: {request.method} {request.url}")

    def expect(self, statuses: Iterable[int]) -> None:
        self.expected_statuses.update(statuses)

    def assert_clean(self) -> None:
        assert not self.problems, "the page had problems:\n" + "\n".join(self.problems)


def screenshot(target: Page | Locator, name: str) -> Path:
    """`.artifacts/console/<name>.png`: the whole page, or just one element of it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    # From the top: a full-page capture of a scrolled page draws sticky headers mid-page.
    page = target if isinstance(target, Page) else target.page
    page.evaluate("window.scrollTo(0, 0)")
    if isinstance(target, Page):
        target.screenshot(path=str(path), full_page=True)
        return path
    # Clipped from a full-page capture, so a sticky header cannot cover the element.
    box = target.bounding_box()
    assert box is not None, "the element to capture is not on the page"
    target.page.screenshot(path=str(path), full_page=True, clip=box)
    return path
