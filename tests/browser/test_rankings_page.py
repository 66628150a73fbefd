"""The rankings grid fetches rows from the server; a filter changes them; a row click opens the agency."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from dashboard import ids
from dashboard.app import create_app
from dashboard.i18n import t
from tests.accounts import make_user, start_signed_in
from tests.dashboard.store_fixture import AGENCY, OTHER, build_store

pytestmark = pytest.mark.browser

ROW_CODES = (
    "return [...document.querySelectorAll(`#${arguments[0]} .ag-center-cols-container [row-id]`)]"
    ".map(r => r.getAttribute('row-id')).filter(id => id)"
)


def _codes(browser: Any) -> list[str]:
    return browser.driver.execute_script(ROW_CODES, ids.RANKINGS_GRID)


def _choose(browser: Any, select_id: str, label: str) -> None:
    browser.find_element(f"#{select_id}").click()
    browser.wait_for_element("[role=option]")
    next(o for o in browser.driver.find_elements(By.CSS_SELECTOR, "[role=option]") if o.text == label).click()


def test_filter_then_click_a_row(browser: Any, tmp_path: Path) -> None:
    engine = build_store(tmp_path)
    start_signed_in(browser, create_app(engine=engine), *make_user(engine, "analyst"))
    browser.driver.get(f"{browser.server_url}/rankings?lang=en&year=1394")
    browser.wait_for_text_to_equal("h1", t("page.rankings", "en"), timeout=15)
    # The page re-renders when the URL changes: an element read mid-render goes stale, so look again.
    wait = WebDriverWait(browser.driver, 15, ignored_exceptions=(StaleElementReferenceException,))
    wait.until(lambda _: AGENCY in _codes(browser))
    everyone = browser.find_element(f"#{ids.RANKINGS_COUNT}").text

    _choose(browser, ids.RANKINGS_PROVINCE, "Qom")
    wait.until(lambda _: "province=QM" in browser.driver.current_url)
    wait.until(lambda _: browser.find_element(f"#{ids.RANKINGS_COUNT}").text != everyone)
    _choose(browser, ids.RANKINGS_SECTOR, "Governance")
    wait.until(lambda _: "sector=governance" in browser.driver.current_url)
    wait.until(lambda _: _codes(browser) and all(c.startswith("QM-") for c in _codes(browser)))
    wait.until(lambda _: "QM-EDU" not in _codes(browser) and _codes(browser)[:2] == [AGENCY, OTHER])
    sectors = {c.text for c in browser.driver.find_elements(By.CSS_SELECTOR, f"#{ids.RANKINGS_GRID} [col-id=sector]")}
    assert sectors - {"", t("ranking.col.sector", "en")} == {"Governance"}

    browser.find_element(f"#{ids.RANKINGS_GRID} [row-id='{OTHER}'] [col-id='index_score']").click()
    wait.until(lambda _: "/scorecard" in browser.driver.current_url)
    assert f"agency={OTHER}" in browser.driver.current_url and "lang=en" in browser.driver.current_url
    browser.wait_for_text_to_equal(f"#{ids.SCORECARD_AGENCY_NAME}", "Qom Governorate", timeout=15)
    assert browser.get_logs() == []
    engine.dispose()


def test_rankings_in_persian_is_right_to_left(browser: Any, tmp_path: Path) -> None:
    engine = build_store(tmp_path)
    start_signed_in(browser, create_app(engine=engine), *make_user(engine, "governor", province="QM"))
    browser.driver.get(f"{browser.server_url}/rankings?province=QM&year=1394")
    browser.wait_for_text_to_equal("h1", t("page.rankings", "fa"), timeout=15)
    WebDriverWait(browser.driver, 15).until(lambda _: AGENCY in _codes(browser))
    assert browser.driver.execute_script("return document.documentElement.dir") == "rtl"
    assert browser.find_elements(f"#{ids.RANKINGS_GRID} .ag-rtl")
    rank = browser.find_element(f"#{ids.RANKINGS_GRID} [row-id='{AGENCY}'] [col-id='rank']").text
    assert rank == "۱"
    assert browser.get_logs() == []
    engine.dispose()
