"""An IT director uploads through the page: a good file is checked then stored; a broken one is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from dashboard import ids
from dashboard.app import create_app
from dashboard.i18n import t
from metrics.data import submissions_frame
from tests.workbooks import AGENCY, AGENCY_NAME, TYPED_FORM, form_cell, write_filled_report

pytestmark = pytest.mark.browser


def _send_file(browser: Any, path: Path) -> None:
    browser.driver.find_element(By.CSS_SELECTOR, f"#{ids.UPLOAD_DROPZONE} input[type=file]").send_keys(str(path))


def test_a_filled_template_is_checked_then_stored(browser: Any, app_engine: Any, tmp_path: Path) -> None:
    workbook = write_filled_report(tmp_path / "kahak-1393.xlsx", period="1393")
    browser.start_server(create_app(engine=app_engine))
    browser.driver.get(f"{browser.server_url}/upload?lang=en")
    browser.wait_for_text_to_equal("h1", t("page.upload", "en"), timeout=10)

    _send_file(browser, workbook)
    browser.wait_for_contains_text(f"#{ids.UPLOAD_REPORT}", t("upload.checked", "en"), timeout=15)
    assert submissions_frame(app_engine).empty, "a dry run stores nothing"

    browser.wait_for_element(f"#{ids.UPLOAD_CONFIRM}:not([disabled])").click()
    browser.wait_for_contains_text(f"#{ids.UPLOAD_RESULT}", t("upload.stored", "en", id=1), timeout=15)
    stored = submissions_frame(app_engine)
    assert stored[["submission_id", "agency_code", "period_code"]].values.tolist() == [[1, AGENCY, "1393"]]
    assert browser.get_logs() == []


def test_a_broken_file_shows_its_cell_and_stores_nothing(browser: Any, app_engine: Any, tmp_path: Path) -> None:
    workbook = write_filled_report(tmp_path / "broken.xlsx", form={**TYPED_FORM, "files_total": "بیست"})
    browser.start_server(create_app(engine=app_engine))
    browser.driver.get(f"{browser.server_url}/upload")
    browser.wait_for_text_to_equal("h1", t("page.upload", "fa"), timeout=10)

    _send_file(browser, workbook)
    browser.wait_for_contains_text(f"#{ids.UPLOAD_REPORT}", form_cell("files_total"), timeout=15)
    report = browser.find_element(f"#{ids.UPLOAD_REPORT}").text
    assert "بیست" in report
    assert "عدد صحیح لازم است" in report  # the problem in the page's language
    assert browser.find_element(f"#{ids.UPLOAD_CONFIRM}").get_attribute("disabled") == "true"
    assert submissions_frame(app_engine).empty
    assert browser.get_logs() == []


def test_a_file_over_the_limit_is_refused_with_a_message(browser: Any, app_engine: Any, tmp_path: Path) -> None:
    workbook = write_filled_report(tmp_path / "big.xlsx")
    browser.start_server(create_app(engine=app_engine, max_upload_bytes=workbook.stat().st_size // 2))
    browser.driver.get(f"{browser.server_url}/upload?lang=en")
    browser.wait_for_text_to_equal("h1", t("page.upload", "en"), timeout=10)

    _send_file(browser, workbook)
    browser.wait_for_element(f"#{ids.UPLOAD_TOO_LARGE}:not([hidden])", timeout=10)
    assert "larger than" in browser.find_element(f"#{ids.UPLOAD_TOO_LARGE}").text
    assert submissions_frame(app_engine).empty
    assert browser.get_logs() == []


def test_the_agency_picker_keeps_the_url_pick_and_searches_on_the_server(browser: Any, app_engine: Any) -> None:
    browser.start_server(create_app(engine=app_engine))
    browser.driver.get(f"{browser.server_url}/upload?agency={AGENCY}&year=1393")
    browser.wait_for_text_to_equal("h1", t("page.upload", "fa"), timeout=10)
    field = browser.find_element(f"#{ids.UPLOAD_AGENCY}")
    assert AGENCY in field.get_attribute("value")
    browser.wait_for_element(f"#{ids.UPLOAD_TEMPLATE_BUTTON}:not([disabled])", timeout=10)

    field.click()
    field.send_keys("\ue009a")  # select all (Ctrl+A) and type over it
    field.send_keys("\ue003")
    field.send_keys(AGENCY_NAME.split()[-1])  # the server answers; Arabic ي/ك: tests/dashboard/test_upload.py
    option = WebDriverWait(browser.driver, 10).until(
        lambda d: next((o for o in d.find_elements(By.CSS_SELECTOR, "[role=option]") if AGENCY in o.text), None)
    )
    assert AGENCY_NAME in option.text
    assert browser.get_logs() == []


def test_the_agency_picker_finds_a_name_typed_with_arabic_letters(browser: Any, app_engine: Any) -> None:
    browser.start_server(create_app(engine=app_engine))
    browser.driver.get(f"{browser.server_url}/upload")
    browser.wait_for_text_to_equal("h1", t("page.upload", "fa"), timeout=10)
    field = browser.find_element(f"#{ids.UPLOAD_AGENCY}")

    field.click()
    field.send_keys("كهك")  # Kahak with the Arabic kaf, as an Arabic keyboard layout types it

    option = WebDriverWait(browser.driver, 15).until(
        lambda d: next((o for o in d.find_elements(By.CSS_SELECTOR, "[role=option]") if AGENCY in o.text), None)
    )
    assert "کهک" in option.text
    assert browser.get_logs() == []
