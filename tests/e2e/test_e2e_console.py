"""The browser console, end to end in a real headless Chromium against the running platform:
the journey a person takes, from signing up to deleting a photo."""

import re
from datetime import date
from pathlib import Path

from e2e_kit.browser import PageWatch, screenshot
from e2e_kit.console import PATIENCE_MS, Console
from e2e_kit.photos import photo_bytes, photo_jpeg
from e2e_kit.platform import PlatformControl
from playwright.sync_api import Browser, expect

THUMBNAIL_WIDTH = 320  # what the gallery asks for (js/pictures.js THUMBNAIL)
BY = "\N{MULTIPLICATION SIGN}"  # how the console writes dimensions: 512 x 512


def _photos(folder: Path) -> tuple[Path, Path]:
    astronaut = folder / "astronaut.png"
    astronaut.write_bytes(photo_bytes("astronaut"))  # 512 x 512 PNG
    coffee = folder / "coffee.jpg"
    coffee.write_bytes(photo_jpeg("coffee"))  # 600 x 400 JPEG
    return astronaut, coffee


def test_journey_upload_transform_and_delete(
    browser: Browser, platform: PlatformControl, tmp_path: Path
) -> None:
    console = Console(browser, platform.gateway_url)
    page = console.page
    watch = PageWatch(page)
    try:
        # 1. sign up
        console.sign_up()

        # 2. upload two real photos by the file input
        astronaut, coffee = _photos(tmp_path)
        console.upload([astronaut, coffee])

        # 3. both thumbnails: small on-the-fly variants, never the originals scaled down
        for photo in (astronaut, coffee):
            thumbnail = console.wait_thumbnail_loaded(photo.name)
            natural_width = thumbnail.evaluate("img => img.naturalWidth")
            assert natural_width == THUMBNAIL_WIDTH, (photo.name, natural_width)
            tile = console.tile(photo.name)
            expect(tile).to_contain_text("KB")  # its size
            expect(tile.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
            expect(tile.locator("time")).to_contain_text(str(date.today().year))  # its date
        # Newest first: the second upload finished last or first, but both are on page one.
        expect(console.tiles()).to_have_count(2)
        screenshot(page, "gallery")

        # 4. open one
        console.tile(astronaut.name).get_by_role("link").click()
        expect(console.heading(astronaut.name)).to_be_visible()
        expect(page.get_by_text(f"512 {BY} 512 px")).to_be_visible()
        expect(page.locator("img.preview")).to_have_attribute("data-state", "loaded")
        expect(page.get_by_role("button", name="Request transformation")).to_be_visible()
        screenshot(page, "image-page")

        # 5. request resize + sepia in the builder
        page.evaluate("window.__sameDocument = true")  # gone if anything reloads the page
        page.get_by_label("Operation", exact=True).select_option("resize")
        page.get_by_role("button", name="Add operation").click()
        resize = page.locator("li.step").filter(has_text="Resize")
        resize.get_by_label("Width").fill("200")
        page.get_by_label("Operation", exact=True).select_option("sepia")
        page.get_by_role("button", name="Add operation").click()
        expect(page.locator("li.step")).to_have_count(2)
        builder = page.locator(".builder-panel")
        builder.scroll_into_view_if_needed()
        screenshot(builder, "builder")
        page.get_by_role("button", name="Request transformation").click()

        # 6. the status reaches succeeded without a reload (live, over the WebSocket)
        requested = f"resize 200{BY}auto \N{RIGHTWARDS ARROW} sepia"
        variant = page.locator("li.variant").filter(has_text=requested)
        expect(variant.locator(".badge")).to_have_text("Succeeded", timeout=PATIENCE_MS)
        assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
        expect(variant).to_contain_text(f"200 {BY} 200 px")

        # 7. open the result: its natural size is what was asked for
        variant.get_by_role("button", name="Preview").click()
        result = page.locator("img.result-image")
        expect(result).to_have_attribute("data-state", "loaded")
        size = result.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert size == [200, 200], size
        expect(page.get_by_text(f"Natural size 200 {BY} 200 px")).to_be_visible()

        # 8. delete the other photo and see it leave the gallery
        page.get_by_role("link", name="Gallery", exact=True).first.click()
        expect(console.tiles()).to_have_count(2)
        console.tile(coffee.name).get_by_role("link").click()
        expect(console.heading(coffee.name)).to_be_visible()
        page.get_by_role("button", name="Delete…").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text("cannot be undone")
        dialog.get_by_role("button", name="Delete image").click()
        expect(console.heading("Gallery")).to_be_visible()
        expect(console.tile(coffee.name)).to_have_count(0)
        expect(console.tiles()).to_have_count(1)
        expect(console.tile(astronaut.name)).to_be_visible()

        watch.assert_clean()
    finally:
        console.close()
