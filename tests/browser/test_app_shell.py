"""Every page loads in a real browser in both languages: right direction, own-host assets, no console error."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from selenium.webdriver.support.wait import WebDriverWait

from dashboard import ids
from dashboard.app import create_app
from dashboard.i18n import t
from tests.accounts import make_user, start_signed_in
from tests.browser.conftest import requested_hosts

pytestmark = pytest.mark.browser

PAGES = (
    ("/", "product.name"),
    ("/methodology", "page.methodology"),
    ("/reporting", "page.reporting"),
    ("/review", "page.review"),
    ("/audit", "page.audit"),
    ("/upload", "forbidden.title"),  # open to IT directors only: a governor's office sees "not permitted"
)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_every_page_loads_in_its_language_and_direction(browser: Any, app_engine: Any, lang: str) -> None:
    start_signed_in(browser, create_app(engine=app_engine), *make_user(app_engine, "governor", province="QM"))
    own_host = urlparse(browser.server_url).netloc
    for path, title_key in PAGES:
        browser.driver.get(f"{browser.server_url}{path}{'?lang=en' if lang == 'en' else ''}")
        browser.wait_for_text_to_equal("h1", t(title_key, lang), timeout=10)
        browser.wait_for_text_to_equal(f"#{ids.PRODUCT_NAME}", t("product.name", lang))
        html = browser.driver.find_element("tag name", "html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == (lang, "rtl" if lang == "fa" else "ltr"), path
        assert requested_hosts(browser) == {own_host}, path
        assert browser.get_logs() == [], path
    fonts = browser.driver.execute_script(
        "return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert any("Vazirmatn" in family for family in fonts)


def test_status_marks_are_drawn_with_the_apps_own_symbol_font(browser: Any, app_engine: Any) -> None:
    """The reporting matrix's cells start with a mark (✗ missing): the browser fetches EgovSymbols for it
    from the app (Vazirmatn has no such glyphs), whatever fonts the computer has."""
    start_signed_in(browser, create_app(engine=app_engine), *make_user(app_engine, "governor", province="QM"))
    browser.driver.get(f"{browser.server_url}/reporting?province=QM")
    show_cell = (  # the grid draws only the columns in view: scroll a year's column into it
        "let api; try { api = dash_ag_grid.getApi(arguments[0]); } catch (e) { return null; }"
        "const node = api && api.getRowNode('QM-AGRI');"
        "if (!node) { return null; }"
        "api.ensureNodeVisible(node); api.ensureColumnVisible('y1393');"
        "return document.querySelector(`#${arguments[0]} [row-id='QM-AGRI'] [col-id='y1393']`);"
    )
    cell = WebDriverWait(browser.driver, 10).until(
        lambda driver: driver.execute_script(show_cell, ids.REPORTING_MATRIX)
    )
    assert cell.text == t("cell.missing", "fa")
    loaded = "return [...document.fonts].some(f => f.family.includes('EgovSymbols') && f.status === 'loaded')"
    WebDriverWait(browser.driver, 10).until(lambda driver: driver.execute_script(loaded))
    assert requested_hosts(browser) == {urlparse(browser.server_url).netloc}


def test_language_toggle_keeps_the_page_and_the_navbar_follows(browser: Any, app_engine: Any) -> None:
    start_signed_in(browser, create_app(engine=app_engine), *make_user(app_engine, "analyst"))
    browser.driver.get(f"{browser.server_url}/methodology")
    browser.wait_for_text_to_equal("h1", t("page.methodology", "fa"), timeout=10)

    browser.find_element(f"#{ids.LANG_EN}").click()
    browser.wait_for_text_to_equal("h1", t("page.methodology", "en"), timeout=10)
    assert browser.driver.execute_script("return [document.documentElement.lang, document.documentElement.dir]") == [
        "en",
        "ltr",
    ]
    assert browser.driver.current_url.endswith("/methodology?lang=en")
    browser.find_element(f"#{ids.nav_link('reporting')}").click()
    browser.wait_for_text_to_equal("h1", t("page.reporting", "en"), timeout=10)
    assert browser.driver.current_url.endswith("/reporting?lang=en")

    browser.find_element(f"#{ids.LANG_FA}").click()
    browser.wait_for_text_to_equal("h1", t("page.reporting", "fa"), timeout=10)
    assert browser.driver.execute_script("return document.documentElement.dir") == "rtl"
    assert browser.get_logs() == []
