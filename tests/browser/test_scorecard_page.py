"""The scorecard loads in both languages and its Excel download opens in openpyxl with the indicators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from selenium.webdriver.support.wait import WebDriverWait

from dashboard import ids
from dashboard.app import create_app
from dashboard.i18n import t
from tests.accounts import make_user, start_signed_in
from tests.dashboard.store_fixture import AGENCY, build_store

pytestmark = pytest.mark.browser


def test_scorecard_loads_and_downloads_excel(browser: Any, tmp_path: Path) -> None:
    engine = build_store(tmp_path)
    start_signed_in(browser, create_app(engine=engine), *make_user(engine, "governor", province="QM"))
    browser.driver.get(f"{browser.server_url}/scorecard?lang=en&agency={AGENCY}&year=1394")
    browser.wait_for_text_to_equal(f"#{ids.SCORECARD_AGENCY_NAME}", "Kahak District Office", timeout=15)
    browser.wait_for_element(f"#{ids.SCORECARD_PATHS} .main-svg", timeout=15)
    assert "No service logs are loaded" in browser.find_element(f"#{ids.SCORECARD_CLAIMS}").text
    assert "kahak-1394-v2.xlsx" in browser.find_element(f"#{ids.SCORECARD_HISTORY}").text

    browser.find_element(f"#{ids.SCORECARD_DOWNLOAD_BUTTON}").click()
    target = Path(browser.download_path) / f"scorecard_{AGENCY}_1394.xlsx"
    WebDriverWait(browser.driver, 20).until(lambda _: target.exists() and target.stat().st_size > 0)
    workbook = load_workbook(target)
    codes = [row[0] for row in workbook["Indicators"].iter_rows(min_row=2, values_only=True)]
    assert "electronic_files_pct" in codes
    assert browser.get_logs() == []

    browser.driver.get(f"{browser.server_url}/scorecard?agency={AGENCY}&year=1394")
    browser.wait_for_text_to_equal("h1", t("page.scorecard", "fa"), timeout=15)
    browser.wait_for_text_to_equal(f"#{ids.SCORECARD_AGENCY_NAME}", "بخشداری کهک", timeout=15)
    assert browser.driver.execute_script("return document.documentElement.dir") == "rtl"
    assert browser.get_logs() == []
    engine.dispose()
