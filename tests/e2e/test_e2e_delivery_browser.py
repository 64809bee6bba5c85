"""A page on another origin shows a signed delivery URL in <img>, in a real headless Chromium."""

import html
import http.server
import threading
from collections.abc import Iterator

import httpx
import pytest
from e2e_kit.delivery import fetch_until_ready, new_key
from e2e_kit.photos import photo_bytes


@pytest.fixture
def page_server() -> Iterator[tuple[str, dict[str, bytes]]]:
    """A static site on its own loopback port (another origin than the gateway)."""
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()


def test_a_page_on_another_origin_shows_the_signed_image(user, platform, browser, page_server):
    origin, pages = page_server
    image_id = str(user.upload_ok(photo_bytes("chelsea"), "chelsea.png")["id"])  # 451x300
    url = platform.gateway_url + new_key(user).url(image_id, "rs:fit:240:240", extension="webp")
    with httpx.Client() as warm:  # the first request renders; the page then loads it at once
        assert fetch_until_ready(warm, url).status_code == 200
    pages["/gallery.html"] = (
        f'<!doctype html><title>gallery</title><img id="cat" src="{html.escape(url)}">'
    ).encode()
    page = browser.new_page()
    try:
        page.goto(f"{origin}/gallery.html")
        page.wait_for_function("document.getElementById('cat').complete", timeout=30_000)
        width = page.evaluate("document.getElementById('cat').naturalWidth")
        height = page.evaluate("document.getElementById('cat').naturalHeight")
    finally:
        page.close()
    assert (width, height) == (240, 160)
