"""The reporting matrix shows a stored report, and the province filter is kept in the URL.

Both grids use the infinite row model: the server answers block requests, so only loaded rows exist
in the browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from dashboard import ids
from dashboard.app import create_app
from dashboard.i18n import t
from ingest.submissions import ingest_report_file
from tests.accounts import make_user, start_signed_in
from tests.workbooks import AGENCY, write_filled_report

pytestmark = pytest.mark.browser


def test_province_filter_goes_to_the_url_and_the_matrix_shows_the_report(
    browser: Any, app_engine: Any, tmp_path: Path
) -> None:
    workbook = write_filled_report(tmp_path / "kahak-1393.xlsx", period="1393")
    assert (
        ingest_report_file(app_engine, workbook, actor="tester", max_bytes=10**7, approved_by="tester").status
        == "stored"
    )
    # An analyst: a governor's office is held to its own province, so the filter is an analyst's to change.
    start_signed_in(browser, create_app(engine=app_engine), *make_user(app_engine, "analyst"))
    browser.driver.get(f"{browser.server_url}/reporting?lang=en")
    browser.wait_for_text_to_equal("h1", t("page.reporting", "en"), timeout=10)

    browser.find_element(f"#{ids.REPORTING_PROVINCE}").click()
    browser.wait_for_element("[role=option]")
    next(o for o in browser.driver.find_elements(By.CSS_SELECTOR, "[role=option]") if o.text == "Qom").click()
    browser.wait_for_contains_text(f"#{ids.REPORTING_SUMMARY}", "1393: 1 of", timeout=10)
    assert "province=QM" in browser.driver.current_url and "lang=en" in browser.driver.current_url

    # The grid asks the server for blocks of rows and draws only the rows in view: scroll the Kahak row
    # and the 1393 column into it (retrying while the re-rendered page mounts its grid and loads a block).
    show_cell = (
        "const api = dash_ag_grid.getApi(arguments[0]); const node = api && api.getRowNode(arguments[1]);"
        "if (!node) { return null; }"
        "api.ensureNodeVisible(node); api.ensureColumnVisible('y1393');"
        "return document.querySelector(`#${arguments[0]} [row-id='${arguments[1]}'] [col-id='y1393']`);"
    )
    cell = WebDriverWait(browser.driver, 10).until(
        lambda driver: driver.execute_script(show_cell, ids.REPORTING_MATRIX, AGENCY)
    )
    assert cell.text == t("cell.reported", "en")
    assert "egov-cell-reported" in cell.get_attribute("class")
    codes = browser.driver.execute_script(
        "const codes = []; dash_ag_grid.getApi(arguments[0])"
        ".forEachNode(n => { if (n.data) { codes.push(n.data.agency_code); } }); return codes;",
        ids.REPORTING_MATRIX,
    )
    assert AGENCY in codes and all(code.startswith("QM-") for code in codes)
    browser.wait_for_contains_text(f"#{ids.REPORTING_HISTORY}", workbook.name, timeout=10)
    assert "tester" in browser.find_element(f"#{ids.REPORTING_HISTORY}").text
    assert browser.get_logs() == []
