"""Geography in a real browser: a Persian treemap, right to left, with its province in the URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from dashboard import ids
from dashboard.app import create_app
from dashboard.i18n import t
from tests.accounts import make_user, start_signed_in
from tests.dashboard.whatif_store import YEAR, build_two_agency_store

pytestmark = pytest.mark.browser
SLICE_TEXTS = "return [...document.querySelectorAll(arguments[0] + ' .slicetext')].map(e => e.textContent)"


def test_treemap_in_persian_and_the_province_goes_to_the_url(browser: Any, tmp_path: Path) -> None:
    engine = build_two_agency_store(tmp_path)
    start_signed_in(browser, create_app(engine=engine), *make_user(engine, "analyst"))
    browser.driver.get(f"{browser.server_url}/geography?year={YEAR}")
    browser.wait_for_text_to_equal("h1", t("page.geography", "fa"), timeout=10)
    assert browser.driver.execute_script("return document.documentElement.dir") == "rtl"

    browser.find_element(f"#{ids.GEO_PROVINCE}").click()
    browser.wait_for_element("[role=option]")
    next(o for o in browser.driver.find_elements(By.CSS_SELECTOR, "[role=option]") if o.text == "قم").click()
    WebDriverWait(browser.driver, 10).until(lambda d: "province=QM" in d.current_url)
    browser.wait_for_contains_text(f"#{ids.GEO_SUMMARY}", "۲ از", timeout=10)
    texts = WebDriverWait(browser.driver, 10).until(
        lambda d: d.execute_script(SLICE_TEXTS, f"#{ids.GEO_TREEMAP}") or None
    )
    joined = " ".join(texts)
    assert t("geo.directorates", "fa") in joined and "استانداری قم" in joined and "شاخص: " in joined
    assert browser.get_logs() == []
