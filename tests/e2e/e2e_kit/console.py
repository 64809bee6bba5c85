"""The browser console as a person uses it: one object per browser page, driven through what
the page shows (roles, labels, text), so a test also proves the controls are labelled."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from e2e_kit.api import PASSWORD, unique_name
from playwright.sync_api import Browser, Locator, Page, expect

# Long enough for an on-the-fly thumbnail or a transformation on a loaded machine.
PATIENCE_MS = 60_000
BLOCKING_IMPACTS = ("serious", "critical")


class Console:
    def __init__(self, browser: Browser, base_url: str, *, width: int = 1280, height: int = 900):
        self.base_url = base_url.rstrip("/")
        self.context = browser.new_context(
            base_url=self.base_url, viewport={"width": width, "height": height}
        )
        self.context.set_default_timeout(PATIENCE_MS)
        self.page: Page = self.context.new_page()
        self.username = ""
        self.password = PASSWORD

    def close(self) -> None:
        self.context.close()

    def open(self, fragment: str = "/") -> None:
        self.page.goto(f"/#{fragment}")

    def heading(self, name: str) -> Locator:
        return self.page.get_by_role("heading", name=name, level=1)

    # account ---------------------------------------------------------------------------------
    def sign_up(self, prefix: str = "console") -> None:
        self.username = unique_name(prefix)
        self.open("/sign-up")
        page = self.page
        expect(self.heading("Create your account")).to_be_visible()
        page.get_by_label("Username").fill(self.username)
        page.get_by_label("Email").fill(f"{self.username}@example.com")
        page.get_by_label("Password").fill(self.password)
        page.get_by_role("button", name="Create account").click()
        expect(self.heading("Gallery")).to_be_visible()

    def sign_in(self, username: str, password: str, *, remember: bool = False) -> None:
        self.open("/sign-in")
        page = self.page
        expect(self.heading("Sign in")).to_be_visible()
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        if remember:
            page.get_by_label("Remember me on this device").check()
        page.get_by_role("button", name="Sign in").click()

    def alert(self) -> Locator:
        return self.page.get_by_role("alert")

    # gallery ---------------------------------------------------------------------------------
    def tiles(self) -> Locator:
        return self.page.get_by_role("list", name="Your images").locator("li.tile")

    def tile(self, name: str) -> Locator:
        return self.tiles().filter(has_text=name)

    def upload(self, files: list[Path]) -> None:
        """Through the file input, as a person choosing files does."""
        self.page.get_by_label("Choose files").set_input_files([str(f) for f in files])

    def wait_thumbnail_loaded(self, name: str) -> Locator:
        image = self.tile(name).locator("img")
        expect(image).to_have_attribute("data-state", "loaded", timeout=PATIENCE_MS)
        return image

    # accessibility ---------------------------------------------------------------------------
    def accessibility_problems(self) -> list[str]:
        """axe-core's serious and critical violations on the page as it is now."""
        results = Axe().run(self.page)
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in results.response["violations"]
            if v.get("impact") in BLOCKING_IMPACTS
        ]
