"""Uploading from the console in a real browser: several files at once, a large one straight to
S3 through the presigned flow, and a refusal shown on its own file."""

from pathlib import Path

import pyvips
from e2e_kit.browser import PageWatch
from e2e_kit.console import PATIENCE_MS, Console
from e2e_kit.photos import PHOTOS, SAMPLE_DIR
from e2e_kit.platform import PlatformControl
from playwright.sync_api import Browser, Request, expect

DIRECT_UPLOAD_MIN_BYTES = 8 * 1024 * 1024  # the gateway's CONSOLE_DIRECT_UPLOAD_MIN_BYTES default


def _large_photo(folder: Path) -> Path:
    """The astronaut at about 6 MP as a lightly compressed PNG: a real photo over 8 MiB."""
    image = pyvips.Image.new_from_file(str(SAMPLE_DIR / PHOTOS["astronaut"]))
    scale = (6_000_000 / (image.width * image.height)) ** 0.5
    path = folder / "astronaut-6mp.png"
    path.write_bytes(image.resize(scale, kernel="lanczos3").pngsave_buffer(compression=1))
    assert path.stat().st_size > DIRECT_UPLOAD_MIN_BYTES
    return path


def test_a_large_file_goes_straight_to_storage_and_a_refusal_stays_with_its_file(
    browser: Browser, platform: PlatformControl, tmp_path: Path
) -> None:
    large = _large_photo(tmp_path)
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("these are notes, not a picture\n" * 20)
    storage = platform.env.get("S3_PUBLIC_ENDPOINT_URL") or platform.env["S3_ENDPOINT_URL"]
    console = Console(browser, platform.gateway_url)
    watch = PageWatch(console.page)
    watch.expect({415})  # the refusal of notes.png, logged by Chromium
    sent: list[tuple[str, str]] = []

    def note(request: Request) -> None:
        sent.append((request.method, request.url))

    console.page.on("request", note)
    try:
        console.sign_up()
        console.upload([large, not_an_image])

        refused = console.page.locator("li.upload").filter(has_text=not_an_image.name)
        expect(refused).to_contain_text("Refused: The bytes are not an image type we accept")
        expect(console.tiles()).to_have_count(1, timeout=PATIENCE_MS)
        thumbnail = console.wait_thumbnail_loaded(large.name)
        assert thumbnail.evaluate("img => img.naturalWidth") == 320

        puts = [url for method, url in sent if method == "PUT"]
        assert len(puts) == 1 and puts[0].startswith(storage.rstrip("/") + "/"), puts
        posts = [url.removeprefix(platform.gateway_url) for method, url in sent if method == "POST"]
        assert "/images/uploads" in posts, posts
        assert any(p.startswith("/images/uploads/") and p.endswith("/complete") for p in posts)
        assert "/images" in posts  # the small file went through the gateway
        watch.assert_clean()
    finally:
        console.close()
