"""Compare in a real browser: agencies picked in the page go to the URL, and the page shows them side by side."""

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
from tests.dashboard.whatif_store import FILES_STRONG, PROCESSES_STRONG, YEAR, build_two_agency_store

pytestmark = pytest.mark.browser


def _pick(browser: Any, typed: str, option_text: str) -> None:
    """Type into the agency picker and click the option; each pick re-renders the page from the URL, so a
    picker found just before the re-render can go stale: then find it again."""
    for attempt in range(3):
        try:
            field = browser.find_element(f"#{ids.COMPARE_AGENCIES}")
            field.click()
            field.send_keys(typed)
            option = WebDriverWait(browser.driver, 10).until(
                lambda d: next(
                    (o for o in d.find_elements(By.CSS_SELECTOR, "[role=option]") if option_text in o.text), None
                )
            )
            option.click()
            return
        except StaleElementReferenceException:
            if attempt == 2:
                raise


def test_picking_two_agencies_writes_the_url_and_shows_them_side_by_side(browser: Any, tmp_path: Path) -> None:
    engine = build_two_agency_store(tmp_path)
    start_signed_in(browser, create_app(engine=engine), *make_user(engine, "analyst"))
    browser.driver.get(f"{browser.server_url}/compare?lang=en&year={YEAR}")
    browser.wait_for_text_to_equal("h1", t("page.compare", "en"), timeout=10)
    browser.wait_for_text_to_equal(f"#{ids.COMPARE_PROMPT}", t("compare.pick", "en"))

    _pick(browser, "Qom Governorate", FILES_STRONG)
    WebDriverWait(browser.driver, 10).until(lambda d: f"agencies={FILES_STRONG}" in d.current_url)
    _pick(browser, "Kahak", PROCESSES_STRONG)
    browser.wait_for_element(f"#{ids.COMPARE_SUMMARY}", timeout=10)
    assert f"agencies={FILES_STRONG}%2C{PROCESSES_STRONG}" in browser.driver.current_url
    summary = browser.find_element(f"#{ids.COMPARE_SUMMARY}").text
    assert "Qom Governorate" in summary and "Kahak District Office" in summary
    browser.wait_for_element(f"#{ids.COMPARE_PILLARS} .main-svg", timeout=10)
    assert len(browser.driver.find_elements(By.CSS_SELECTOR, f"#{ids.COMPARE_PILLARS} .trace.bars")) == 2
    indicators = browser.find_element(f"#{ids.COMPARE_INDICATORS}").text
    assert "on track" in indicators or "off track" in indicators or "ahead" in indicators
    assert browser.get_logs() == []


def test_a_sent_link_opens_the_same_comparison_in_persian_right_to_left(browser: Any, tmp_path: Path) -> None:
    engine = build_two_agency_store(tmp_path)
    start_signed_in(browser, create_app(engine=engine), *make_user(engine, "governor", province="QM"))
    browser.driver.get(f"{browser.server_url}/compare?agencies={FILES_STRONG},{PROCESSES_STRONG}&year={YEAR}")
    browser.wait_for_text_to_equal("h1", t("page.compare", "fa"), timeout=10)
    browser.wait_for_element(f"#{ids.COMPARE_PILLARS} .main-svg", timeout=10)
    assert browser.driver.execute_script("return document.documentElement.dir") == "rtl"
    summary = browser.find_element(f"#{ids.COMPARE_SUMMARY}").text
    assert "استانداری قم" in summary and "بخشداری کهک" in summary
    legend = browser.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0] + ' .legendtext')].map(e => e.textContent)",
        f"#{ids.COMPARE_PILLARS}",
    )
    assert "استانداری قم" in legend
    assert browser.get_logs() == []
