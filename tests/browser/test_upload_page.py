"""An IT director uploads through the page: a good file is checked, then stored waiting for review, and
counts once the governor's office approves it; a broken one is refused and changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import Engine, select

from dashboard import ids
from dashboard.app import create_app
from dashboard.i18n import t
from ingest.submissions import ingest_report_file
from metrics.data import submissions_frame
from store.models import Submission
from tests.accounts import browser_sign_in, browser_sign_out, make_user, start_signed_in
from tests.workbooks import AGENCY, AGENCY_NAME, TYPED_FORM, form_cell, write_filled_report

pytestmark = pytest.mark.browser

FILES_ROW = "Electronic case files"
"""The scorecard's row of ``electronic_files_pct`` (files_electronic / files_total) in English."""


def _send_file(browser: Any, path: Path) -> None:
    browser.driver.find_element(By.CSS_SELECTOR, f"#{ids.UPLOAD_DROPZONE} input[type=file]").send_keys(str(path))


def _director(browser: Any, engine: Engine, app: Any, path: str) -> None:
    """Serve ``app`` and sign in as the IT director of the workbooks' agency, landing on ``path``."""
    start_signed_in(browser, app, *make_user(engine, "it_director", agency=AGENCY), path)


def _reviews(engine: Engine) -> list[list[Any]]:
    """Every stored submission: id, agency, period, review state."""
    query = select(Submission.id, Submission.agency_code, Submission.period_code, Submission.review_status)
    with engine.connect() as connection:
        return [list(row) for row in connection.execute(query.order_by(Submission.id))]


def _files_value(browser: Any) -> str:
    """The agency's electronic-case-files value as its scorecard shows it."""
    browser.wait_for_element(f"#{ids.SCORECARD_INDICATORS}", timeout=15)
    row = browser.driver.find_element(
        By.XPATH, f"//*[@id='{ids.SCORECARD_INDICATORS}']//tr[td[contains(., '{FILES_ROW}')]]"
    )
    return str(row.find_element(By.CSS_SELECTOR, ".egov-col-value").text)


def test_an_upload_counts_on_the_scorecard_once_the_governors_office_approves_it(
    browser: Any, app_engine: Any, tmp_path: Path
) -> None:
    # Kahak's approved 1393 report: 450 of 1,200 case files electronic (37.5%).
    first = write_filled_report(tmp_path / "kahak-1393.xlsx", period="1393")
    assert ingest_report_file(app_engine, first, actor="t", max_bytes=10**7, approved_by="t").status == "stored"
    # The corrected report its IT director uploads through the page: 700 of 1,200 (58.3%).
    workbook = write_filled_report(
        tmp_path / "kahak-1393-v2.xlsx", period="1393", form={**TYPED_FORM, "files_electronic": 700}
    )
    scorecard = f"/scorecard?lang=en&agency={AGENCY}&year=1393"
    _director(browser, app_engine, create_app(engine=app_engine), "/upload?lang=en")
    browser.wait_for_text_to_equal("h1", t("page.upload", "en"), timeout=10)

    _send_file(browser, workbook)
    browser.wait_for_contains_text(f"#{ids.UPLOAD_REPORT}", t("upload.checked", "en"), timeout=15)
    assert _reviews(app_engine) == [[1, AGENCY, "1393", "approved"]], "a dry run stores nothing"

    browser.wait_for_element(f"#{ids.UPLOAD_CONFIRM}:not([disabled])").click()
    browser.wait_for_contains_text(f"#{ids.UPLOAD_RESULT}", t("upload.stored", "en", id=2), timeout=15)
    assert _reviews(app_engine) == [[1, AGENCY, "1393", "approved"], [2, AGENCY, "1393", "pending"]]
    stored = submissions_frame(app_engine)
    assert stored[["submission_id", "agency_code", "period_code"]].values.tolist() == [[2, AGENCY, "1393"]]
    assert browser.get_logs() == []
    browser_sign_out(browser)

    # The governor's office of Qom: the scorecard still shows the approved report, not the pending one.
    browser_sign_in(browser, *make_user(app_engine, "governor", province="QM"), scorecard)
    browser.wait_for_text_to_equal(f"#{ids.SCORECARD_AGENCY_NAME}", "Kahak District Office", timeout=15)
    assert _files_value(browser) == "37.5%"

    browser.driver.get(f"{browser.server_url}/review?lang=en")
    browser.wait_for_text_to_equal("h1", t("page.review", "en"), timeout=10)
    browser.find_element(f"#{ids.REVIEW_PICK}").click()
    option = WebDriverWait(browser.driver, 10).until(
        lambda d: next(
            (o for o in d.find_elements(By.CSS_SELECTOR, "[role=option]") if "Kahak District Office" in o.text), None
        )
    )
    assert option.text.startswith("#2")
    option.click()
    browser.find_element(f"#{ids.REVIEW_APPROVE}").click()
    browser.wait_for_contains_text(f"#{ids.REVIEW_RESULT}", t("review.done.approved", "en", number="2"), timeout=15)
    assert _reviews(app_engine)[-1] == [2, AGENCY, "1393", "approved"]

    browser.driver.get(f"{browser.server_url}{scorecard}")
    browser.wait_for_text_to_equal(f"#{ids.SCORECARD_AGENCY_NAME}", "Kahak District Office", timeout=15)
    assert _files_value(browser) == "58.3%"
    assert browser.get_logs() == []


def test_a_broken_file_shows_its_cell_and_stores_nothing(browser: Any, app_engine: Any, tmp_path: Path) -> None:
    workbook = write_filled_report(tmp_path / "broken.xlsx", form={**TYPED_FORM, "files_total": "بیست"})
    _director(browser, app_engine, create_app(engine=app_engine), "/upload")
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
    app = create_app(engine=app_engine, max_upload_bytes=workbook.stat().st_size // 2)
    _director(browser, app_engine, app, "/upload?lang=en")
    browser.wait_for_text_to_equal("h1", t("page.upload", "en"), timeout=10)

    _send_file(browser, workbook)
    browser.wait_for_element(f"#{ids.UPLOAD_TOO_LARGE}:not([hidden])", timeout=10)
    assert "larger than" in browser.find_element(f"#{ids.UPLOAD_TOO_LARGE}").text
    assert submissions_frame(app_engine).empty
    assert browser.get_logs() == []


def test_the_agency_picker_holds_the_directors_own_agency_and_keeps_the_url_year(browser: Any, app_engine: Any) -> None:
    """An IT director reports for their own agency only: the picker holds it (the server does not search
    other agencies for them), and typing its name finds it."""
    _director(browser, app_engine, create_app(engine=app_engine), f"/upload?agency={AGENCY}&year=1393")
    browser.wait_for_text_to_equal("h1", t("page.upload", "fa"), timeout=10)
    field = browser.find_element(f"#{ids.UPLOAD_AGENCY}")
    assert AGENCY in field.get_attribute("value")
    browser.wait_for_element(f"#{ids.UPLOAD_TEMPLATE_BUTTON}:not([disabled])", timeout=10)

    field.click()
    field.send_keys("\ue009a")  # select all (Ctrl+A) and type over it
    field.send_keys("\ue003")
    field.send_keys(AGENCY_NAME.split()[-1])
    option = WebDriverWait(browser.driver, 10).until(
        lambda d: next((o for o in d.find_elements(By.CSS_SELECTOR, "[role=option]") if AGENCY in o.text), None)
    )
    assert AGENCY_NAME in option.text
    assert browser.get_logs() == []


def test_an_it_directors_picker_offers_only_their_own_agency(browser: Any, app_engine: Any) -> None:
    _director(browser, app_engine, create_app(engine=app_engine), "/upload?lang=en")
    browser.wait_for_text_to_equal("h1", t("page.upload", "en"), timeout=10)
    field = browser.find_element(f"#{ids.UPLOAD_AGENCY}")
    field.click()
    field.send_keys("\ue009a")  # select all and clear: the picker lists every option it holds
    field.send_keys("\ue003")
    WebDriverWait(browser.driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[role=option]"))
    offered = [o.text for o in browser.driver.find_elements(By.CSS_SELECTOR, "[role=option]") if o.text]
    assert offered == [f"Kahak District Office ({AGENCY})"]


def test_the_agency_picker_finds_a_name_typed_with_arabic_letters(browser: Any, app_engine: Any) -> None:
    _director(browser, app_engine, create_app(engine=app_engine), "/upload")
    browser.wait_for_text_to_equal("h1", t("page.upload", "fa"), timeout=10)
    field = browser.find_element(f"#{ids.UPLOAD_AGENCY}")

    field.click()
    field.send_keys("\ue009a")  # select all (Ctrl+A) and type over the preselected agency
    field.send_keys("\ue003")
    field.send_keys("كهك")  # Kahak with the Arabic kaf, as an Arabic keyboard layout types it

    option = WebDriverWait(browser.driver, 15).until(
        lambda d: next((o for o in d.find_elements(By.CSS_SELECTOR, "[role=option]") if AGENCY in o.text), None)
    )
    assert "کهک" in option.text
    assert browser.get_logs() == []
