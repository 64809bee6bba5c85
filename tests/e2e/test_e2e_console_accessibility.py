"""The console's main pages under axe-core (serious and critical violations fail), by keyboard,
and at a phone's 375 px width."""

from pathlib import Path

from e2e_kit.browser import PageWatch, screenshot
from e2e_kit.console import Console
from e2e_kit.photos import photo_bytes
from e2e_kit.platform import PlatformControl
from playwright.sync_api import Browser, Page, expect

PHONE_WIDTH = 375


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the screen"


def test_main_pages_pass_axe_and_fit_a_phone(
    browser: Browser, platform: PlatformControl, tmp_path: Path
) -> None:
    photo = tmp_path / "chelsea.png"
    photo.write_bytes(photo_bytes("chelsea"))
    console = Console(browser, platform.gateway_url, width=PHONE_WIDTH, height=800)
    page = console.page
    watch = PageWatch(page)
    try:
        console.open("/sign-in")
        expect(console.heading("Sign in")).to_be_visible()
        assert console.accessibility_problems() == []
        _no_sideways_scroll(page)

        console.sign_up()
        console.upload([photo])
        console.wait_thumbnail_loaded(photo.name)
        assert console.accessibility_problems() == []
        _no_sideways_scroll(page)
        screenshot(page, "gallery-375px")

        # By keyboard alone: Tab from the top reaches the tile, Enter opens it.
        page.keyboard.press("Tab")  # skip link
        tile_link = console.tile(photo.name).get_by_role("link")
        for _ in range(30):
            if tile_link.evaluate("el => el === document.activeElement"):
                break
            page.keyboard.press("Tab")
        else:
            raise AssertionError("the image tile cannot be reached with Tab")
        page.keyboard.press("Enter")
        expect(console.heading(photo.name)).to_be_visible()

        # The image page with one builder step open: every generated field is labelled.
        page.get_by_label("Operation", exact=True).select_option("watermark_text")
        page.get_by_role("button", name="Add operation").click()
        expect(page.locator("li.step")).to_have_count(1)
        assert console.accessibility_problems() == []
        _no_sideways_scroll(page)
        screenshot(page, "image-page-375px")

        # The delete confirmation is a modal dialog that Escape closes.
        page.get_by_role("button", name="Delete…").click()
        expect(page.get_by_role("dialog")).to_be_visible()
        assert console.accessibility_problems() == []
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_have_count(0)
        watch.assert_clean()
    finally:
        console.close()
