"""The shell: texts and links follow the URL, the app serves RTL Persian first and nothing from a CDN."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dashboard import ids
from dashboard.app import create_app
from dashboard.fonts import FONT_STACK, SYMBOL_FAMILY, SYMBOL_FONT, SYMBOL_RANGES
from dashboard.layout import NAV_PAGES, shell_texts
from store.engine import create_store_engine, upgrade_store
from tests.accounts import client_as

ASSETS = Path(__file__).resolve().parents[2] / "dashboard" / "assets"


@pytest.fixture(scope="module")
def app_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = create_store_engine(f"sqlite:///{tmp_path_factory.mktemp('shell') / 'store.sqlite3'}")
    upgrade_store(engine)
    return engine


def test_shell_texts_in_persian_by_default() -> None:
    texts = shell_texts("/reporting", "?province=QM")
    assert texts["lang"] == "fa" and texts["direction"] == "rtl"
    assert texts["product_name"] == "کارنامه دولت الکترونیک"
    assert texts["product_name_other"] == "E-government scorecard"
    assert texts["lang_hrefs"] == {"fa": "/reporting?province=QM", "en": "/reporting?lang=en&province=QM"}
    assert texts["nav"]["upload"] == {"label": "بارگذاری گزارش", "href": "/upload"}


def test_shell_texts_in_english_keep_the_language_in_every_link() -> None:
    texts = shell_texts("/upload", "?lang=en")
    assert texts["direction"] == "ltr"
    assert texts["lang_hrefs"]["fa"] == "/upload"
    assert all(entry["href"].endswith("lang=en") for entry in texts["nav"].values())
    assert [entry["label"] for entry in texts["nav"].values()] == [
        "Home",
        "Overview",
        "Rankings",
        "Agency scorecard",
        "Reporting",
        "Upload a report",
        "Service logs",  # log uploads/jobs
        "Compare",  # compare/geography/what-if
        "Geography",  # compare/geography/what-if
        "Methodology",
        "Review",  # accounts
        "Audit log",  # accounts
        "Users and deadlines",  # accounts
    ]


def test_every_nav_page_is_registered(app_engine: Engine) -> None:
    import dash

    create_app(engine=app_engine)
    registered = {page["path"] for page in dash.page_registry.values()}
    assert {page.path for page in NAV_PAGES} <= registered


@pytest.mark.parametrize(("query", "lang", "direction"), [("", "fa", "rtl"), ("?lang=en", "en", "ltr")])
def test_first_html_carries_language_and_direction(app_engine: Engine, query: str, lang: str, direction: str) -> None:
    client = client_as(create_app(engine=app_engine), "analyst")
    page = client.get(f"/methodology{query}").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page


def test_nothing_is_fetched_from_another_host(app_engine: Engine) -> None:
    app = create_app(engine=app_engine)
    page = client_as(app, "analyst").get("/").get_data(as_text=True)
    assert app.config.serve_locally
    assert not app.config.external_stylesheets and not app.config.external_scripts
    assert re.findall(r"""(?:src|href)=["'](?:https?:)?//""", page) == []
    for css in ASSETS.glob("*.css"):
        assert re.findall(r"url\(\s*[\"']?(?:https?:)?//", css.read_text(encoding="utf-8")) == [], css.name


def test_fonts_and_their_licence_are_in_the_assets() -> None:
    assert (ASSETS / "fonts" / "Vazirmatn-Regular.woff2").stat().st_size > 10_000
    assert (ASSETS / "fonts" / "Vazirmatn-Bold.woff2").stat().st_size > 10_000
    assert "SIL OPEN FONT LICENSE" in (ASSETS / "fonts" / "OFL.txt").read_text(encoding="utf-8").upper()
    css = (ASSETS / "fonts.css").read_text(encoding="utf-8")
    assert "fonts/Vazirmatn-Regular.woff2" in css and "fonts/Vazirmatn-Bold.woff2" in css


def _symbols_written_by_the_dashboard() -> dict[str, str]:
    """Every character the dashboard's code, scripts and styles write from the symbol blocks (arrows
    onwards: U+2190 and up, emoji included), with a file that writes it."""
    found: dict[str, str] = {}
    root = ASSETS.parent
    for path in [*root.rglob("*.py"), *ASSETS.glob("*.js"), *ASSETS.glob("*.css")]:
        if "vendor" in path.parts:
            continue
        for char in path.read_text(encoding="utf-8"):
            if ord(char) >= 0x2190 and not 0xFE00 <= ord(char) <= 0xFE0F:
                found.setdefault(char, path.name)
    return found


def test_every_symbol_on_screen_has_a_glyph_in_a_font_the_app_serves() -> None:
    """Status marks must not depend on the fonts an office's computers happen to have (an hourglass
    emoji, for one, showed as nothing in headless Chromium on Debian)."""
    from fontTools.ttLib import TTFont

    covered = set(TTFont(ASSETS / "fonts" / "Vazirmatn-Regular.woff2").getBestCmap())
    symbols = set(TTFont(ASSETS / SYMBOL_FONT).getBestCmap())
    assert all(any(low <= code <= high for low, high in SYMBOL_RANGES) for code in symbols)
    written = _symbols_written_by_the_dashboard()
    assert {"✓", "✗", "★", "⚠", "▲", "▼", "◷", "◔"} <= set(written)  # the scan sees the status marks
    missing = {
        char: f"U+{ord(char):04X} in {where}" for char, where in written.items() if ord(char) not in covered | symbols
    }
    assert missing == {}


def test_one_font_stack_everywhere() -> None:
    stacks = set(re.findall(r"font-family:\s*([^;]+);", (ASSETS / "egov.css").read_text(encoding="utf-8")))
    stacks |= set(re.findall(r"font-family:\s*([^;]+);", (ASSETS / "login.css").read_text(encoding="utf-8")))
    assert stacks - {"monospace"} == {FONT_STACK}  # monospace: cell addresses (A1) in the upload report
    fonts_css = (ASSETS / "fonts.css").read_text(encoding="utf-8")
    ranges = ", ".join(f"U+{low:04X}-{high:04X}" for low, high in SYMBOL_RANGES)
    assert f"font-family: {SYMBOL_FAMILY};" in fonts_css and f"unicode-range: {ranges};" in fonts_css
    assert SYMBOL_FONT in fonts_css
    assert "Bitstream" in (ASSETS / "fonts" / "DejaVu-LICENSE.txt").read_text(encoding="utf-8")


def test_print_stylesheet_gives_an_a4_page() -> None:
    css = (ASSETS / "egov.css").read_text(encoding="utf-8")
    assert "size: A4" in css and "@media print" in css


def test_layout_ids_come_from_the_ids_module(app_engine: Engine) -> None:
    app = create_app(engine=app_engine)
    layout = app.layout() if callable(app.layout) else app.layout
    for component_id in (ids.URL, ids.DIRECTION, ids.PRODUCT_NAME, ids.LANG_EN, ids.nav_link("upload")):
        assert component_id in layout
