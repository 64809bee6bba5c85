"""The console's serving rules: versioned assets that never leave their folder, and a
Content-Security-Policy that allows nothing but the platform (and its storage origin)."""

from pathlib import Path

import pytest

from gateway_service.adapters.console_assets import ConsoleAssets
from gateway_service.domain.console_policy import content_security_policy, origin_of


@pytest.fixture
def assets(tmp_path: Path) -> ConsoleAssets:
    (tmp_path / "js").mkdir()
    (tmp_path / "index.html").write_text(
        '<script src="{{base}}/js/main.js"></script><body {{settings}}>'
    )
    (tmp_path / "js" / "main.js").write_text("export {};")
    (tmp_path / "notes.txt").write_text("not an asset type")
    (tmp_path.parent / "secret.js").write_text("outside")
    return ConsoleAssets(tmp_path)


def test_the_version_changes_with_any_file(assets: ConsoleAssets) -> None:
    before = assets.version
    (assets.root / "js" / "main.js").write_text("export const changed = 1;")
    assert ConsoleAssets(assets.root).version != before


def test_only_console_files_of_known_types_are_found(assets: ConsoleAssets) -> None:
    found = assets.find("js/main.js")
    assert found is not None and found.media_type.startswith("text/javascript")
    for path in ("../secret.js", "js/../../secret.js", "notes.txt", ".hidden.js", "", "js"):
        assert assets.find(path) is None, path


def test_the_index_page_names_the_versioned_assets_and_escapes_settings(
    assets: ConsoleAssets,
) -> None:
    page = assets.index_page({"direct-upload-min-bytes": '8"><script>'})
    assert f'src="/console/{assets.version}/js/main.js"' in page
    assert 'data-direct-upload-min-bytes="8&quot;&gt;&lt;script&gt;"' in page


def test_the_shipped_console_has_an_index_and_its_entry_module() -> None:
    shipped = ConsoleAssets()
    assert shipped.find("index.html") is not None
    assert shipped.find("js/main.js") is not None


def test_the_policy_allows_no_inline_code_and_only_the_storage_origin() -> None:
    policy = dict(
        part.split(" ", 1) for part in content_security_policy("http://127.0.0.1:8333").split("; ")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self' http://127.0.0.1:8333"
    assert policy["frame-ancestors"] == "'none'"
    assert "http" not in content_security_policy(None).replace("https", "")


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("http://127.0.0.1:8333", "http://127.0.0.1:8333"),
        ("https://S3.Example.com/bucket/key?x=1", "https://s3.example.com"),
        ("", None),
        ("javascript:alert(1)", None),
        ("http://user:pass@host", None),
        ("s3.example.com", None),
    ],
)
def test_only_http_origins_enter_the_policy(url: str, origin: str | None) -> None:
    assert origin_of(url) == origin
