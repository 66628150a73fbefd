"""An administrator uploads a service log through the page; it is processed in the background while the
app keeps serving other pages, and the outcome and the job list follow (DiskCache backend)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from dashboard import ids, log_jobs
from dashboard.i18n import t
from tests.accounts import make_user, start_signed_in
from tests.dashboard.log_helpers import ROWS, log_app, seed_services, write_log

pytestmark = pytest.mark.browser


def test_a_log_uploaded_through_the_page_is_processed_in_the_background(
    browser: Any, app_engine: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_services(app_engine, tmp_path)
    log = write_log(tmp_path / "kahak-1393.csv", ROWS)
    gate = tmp_path / "gate"
    real_ingest = log_jobs.ingest_log_file

    def held_ingest(*args: Any, on_progress: Any = None, **kwargs: Any) -> Any:
        """Report half-way, then wait for the test to open the gate: the job is running for as long as needed."""
        on_progress(0.5)
        deadline = time.monotonic() + 120
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        return real_ingest(*args, on_progress=on_progress, **kwargs)

    monkeypatch.setattr(log_jobs, "ingest_log_file", held_ingest)  # the job's process is forked from this one
    start_signed_in(browser, log_app(app_engine, tmp_path), *make_user(app_engine, "admin"))
    driver = browser.driver
    driver.get(f"{browser.server_url}/logs?lang=en")
    browser.wait_for_text_to_equal("h1", t("page.logs", "en"), timeout=15)

    browser.wait_for_element(f"#{ids.LOGS_FILE_INPUT}", timeout=10).send_keys(str(log))
    driver.find_element(By.ID, ids.LOGS_SOURCE).send_keys("portal")
    driver.find_element(By.ID, ids.LOGS_UPLOAD_BUTTON).click()

    browser.wait_for_contains_text(f"#{ids.LOGS_JOB_PROGRESS_TEXT}", "Processing: 50%", timeout=30)
    assert driver.find_element(By.ID, ids.LOGS_UPLOAD_PROGRESS).get_attribute("value") == "100"
    assert driver.find_element(By.ID, ids.LOGS_JOB_PROGRESS).get_attribute("value") == "50"

    # While the job runs, a second user (another tab) gets another page, callbacks and all.
    first_tab = driver.current_window_handle
    driver.switch_to.new_window("tab")
    driver.get(f"{browser.server_url}/reporting?lang=en")
    browser.wait_for_text_to_equal("h1", t("page.reporting", "en"), timeout=20)
    driver.close()
    driver.switch_to.window(first_tab)
    assert "Processing: 50%" in driver.find_element(By.ID, ids.LOGS_JOB_PROGRESS_TEXT).text  # still held

    gate.touch()
    browser.wait_for_contains_text(
        f"#{ids.LOGS_OUTCOME}", t("logs.result.done", "en", file="kahak-1393.csv", job=1), timeout=60
    )
    outcome = driver.find_element(By.ID, ids.LOGS_OUTCOME).text
    assert "Rows read" in outcome and "portal" in outcome and "1393/05, 1393/06, 1393/07" in outcome
    browser.wait_for_contains_text(f"#{ids.LOGS_JOBS}", "kahak-1393.csv", timeout=15)
    row = driver.find_element(By.CSS_SELECTOR, f"#{ids.LOGS_JOBS} tr[data-job-id='1']").text
    assert "stored" in row and "web" in row
    assert driver.find_element(By.ID, ids.LOGS_JOB_PANEL).get_attribute("hidden") == "true"
    assert browser.get_logs() == []


def test_a_file_over_the_limit_is_stopped_in_the_browser(browser: Any, app_engine: Any, tmp_path: Path) -> None:
    seed_services(app_engine, tmp_path)
    log = write_log(tmp_path / "big.csv", ROWS * 50)
    app = log_app(app_engine, tmp_path, max_bytes=log.stat().st_size // 2)
    start_signed_in(browser, app, *make_user(app_engine, "admin"))
    browser.driver.get(f"{browser.server_url}/logs")
    browser.wait_for_text_to_equal("h1", t("page.logs", "fa"), timeout=15)

    browser.wait_for_element(f"#{ids.LOGS_FILE_INPUT}", timeout=10).send_keys(str(log))
    browser.driver.find_element(By.ID, ids.LOGS_UPLOAD_BUTTON).click()

    browser.wait_for_element(f"#{ids.LOGS_UPLOAD_MESSAGE}:not([hidden])", timeout=10)
    assert "مگابایت" in browser.find_element(f"#{ids.LOGS_UPLOAD_MESSAGE}").text
    assert not (tmp_path / "web" / "uploads").exists() or not any((tmp_path / "web" / "uploads").iterdir())
    assert browser.get_logs() == []
