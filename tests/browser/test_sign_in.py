"""Signing in and out in a real browser: the sign-in page in both languages, a wrong password, landing
on the page asked for, who is signed in, signing out, and what an IT director may not open.

What a crafted request can and cannot do is tested without a browser (``tests/dashboard``); these are
the things only a browser shows: redirects followed, forms posted with their CSRF token, cookies kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait
from sqlalchemy import Engine, func, select

from dashboard import ids
from dashboard.app import create_app
from dashboard.auth import CSRF_COOKIE
from dashboard.i18n import t
from store.models import UserSession
from tests.accounts import browser_sign_in, browser_sign_out, make_user, start_signed_in, start_signed_out
from tests.browser.conftest import requested_hosts
from tests.dashboard.store_fixture import AGENCY, OTHER, build_store

pytestmark = pytest.mark.browser


def _wait_for_url(browser: Any, part: str) -> None:
    WebDriverWait(browser.driver, 10).until(lambda driver: part in driver.current_url)


def _lang_dir(browser: Any) -> list[str]:
    return list(browser.driver.execute_script("return [document.documentElement.lang, document.documentElement.dir]"))


def _shown(browser: Any, page_key: str) -> bool:
    return bool(browser.driver.find_element(By.ID, ids.nav_link(page_key)).is_displayed())


def _open_sessions(engine: Engine) -> int:
    """Sessions in the store that are not signed out (``store.accounts``)."""
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).where(UserSession.revoked_at.is_(None))) or 0)


def test_the_sign_in_page_is_persian_right_to_left_and_english_on_request(browser: Any, app_engine: Any) -> None:
    start_signed_out(browser, create_app(engine=app_engine))
    browser.driver.get(f"{browser.server_url}/overview")  # any page: nobody is signed in
    _wait_for_url(browser, "/login?next=%2Foverview")
    browser.wait_for_element("#sign-in", timeout=10)
    assert _lang_dir(browser) == ["fa", "rtl"]
    assert browser.driver.title == t("login.title", "fa")
    assert browser.find_element("label[for=name]").text == t("login.name", "fa")
    assert browser.find_element("label[for=password]").text == t("login.password", "fa")
    assert browser.find_element("#sign-in").text == t("login.submit", "fa")

    browser.driver.find_element(By.CSS_SELECTOR, "a[lang=en]").click()  # the page's own language link
    _wait_for_url(browser, "lang=en")
    browser.wait_for_text_to_equal("#sign-in", t("login.submit", "en"), timeout=10)
    assert _lang_dir(browser) == ["en", "ltr"]
    assert browser.driver.title == t("login.title", "en")
    assert browser.find_element("label[for=name]").text == t("login.name", "en")
    assert browser.find_element("input[name=next]").get_attribute("value") == "/overview", "the page asked for is kept"
    assert requested_hosts(browser) == {urlparse(browser.server_url).netloc}
    assert browser.get_logs() == []


def test_a_wrong_password_shows_the_message_and_opens_no_session(browser: Any, app_engine: Any) -> None:
    start_signed_out(browser, create_app(engine=app_engine))
    name, password = make_user(app_engine, "analyst")
    browser.driver.get(f"{browser.server_url}/login?lang=en")
    browser.wait_for_element("#name", timeout=10).send_keys(name)
    browser.driver.find_element(By.ID, "password").send_keys(password + "x")
    browser.driver.find_element(By.ID, "sign-in").click()

    browser.wait_for_text_to_equal(".egov-login-error", t("login.wrong", "en"), timeout=10)
    assert browser.find_element("#name").get_attribute("value") == name
    assert browser.find_element("#password").get_attribute("value") == ""
    assert _open_sessions(app_engine) == 0
    assert CSRF_COOKIE not in {cookie["name"] for cookie in browser.driver.get_cookies()}  # given when signed in
    logs = [entry["message"] for entry in browser.get_logs()]
    assert logs and all("/login" in m and "401" in m for m in logs), logs  # only the refusal's own 401
    browser.driver.get(f"{browser.server_url}/methodology")
    _wait_for_url(browser, "/login?next=%2Fmethodology")


def test_signing_in_lands_on_the_page_asked_for_and_signing_out_ends_the_session(browser: Any, app_engine: Any) -> None:
    asked = "/rankings?lang=en&year=1394"
    start_signed_out(browser, create_app(engine=app_engine))
    name, password = make_user(app_engine, "governor", province="QM")
    browser.driver.get(f"{browser.server_url}{asked}")
    _wait_for_url(browser, f"/login?next={quote(asked, safe='')}")
    browser.wait_for_element("#name", timeout=10).send_keys(name)
    browser.driver.find_element(By.ID, "password").send_keys(password)
    browser.driver.find_element(By.ID, "sign-in").click()

    browser.wait_for_text_to_equal("h1", t("page.rankings", "en"), timeout=15)
    assert browser.driver.current_url == f"{browser.server_url}{asked}"
    expected = t("shell.signed_in_as", "en", name=name, role=t("role.governor", "en"))
    browser.wait_for_text_to_equal(f"#{ids.USER_NAME}", expected, timeout=10)
    # The navbar hides what a governor's office cannot open. Only a convenience: the server checks every
    # page and callback (dashboard.access), as opening the hidden page by its address shows.
    assert all(_shown(browser, key) for key in ("rankings", "reporting", "review", "audit"))
    assert not _shown(browser, "upload") and not _shown(browser, "logs")
    browser.driver.get(f"{browser.server_url}/upload?lang=en")
    browser.wait_for_text_to_equal("h1", t("forbidden.title", "en"), timeout=10)
    assert browser.get_logs() == []

    assert _open_sessions(app_engine) == 1
    browser_sign_out(browser)
    assert _open_sessions(app_engine) == 0  # revoked: the cookie is refused from now on, wherever it turns up
    browser.driver.get(f"{browser.server_url}{asked}")
    _wait_for_url(browser, f"/login?next={quote(asked, safe='')}")
    browser.wait_for_element("#sign-in", timeout=10)
    assert not browser.driver.find_elements(By.ID, ids.USER_NAME)


def test_after_signing_out_the_back_button_does_not_show_the_page_again(browser: Any, app_engine: Any) -> None:
    start_signed_in(browser, create_app(engine=app_engine), *make_user(app_engine, "analyst"), "/methodology")
    browser.wait_for_text_to_equal("h1", t("page.methodology", "fa"), timeout=10)
    browser_sign_out(browser)
    browser.driver.back()
    WebDriverWait(browser.driver, 10).until(lambda driver: driver.execute_script("return !!document.body"))
    assert "/login" in browser.driver.current_url
    assert not browser.driver.find_elements(By.ID, ids.USER_NAME)


def test_an_it_director_cannot_open_another_agencys_scorecard(browser: Any, tmp_path: Path) -> None:
    engine = build_store(tmp_path)  # Kahak and Qom's governorate, both with 1394 reports
    start_signed_out(browser, create_app(engine=engine))
    browser_sign_in(
        browser, *make_user(engine, "it_director", agency=AGENCY), f"/scorecard?lang=en&agency={OTHER}&year=1394"
    )

    browser.wait_for_text_to_equal("h1", t("forbidden.title", "en"), timeout=15)
    assert browser.find_element(f"#{ids.FORBIDDEN_TITLE}").text == t("forbidden.title", "en")
    assert not browser.driver.find_elements(By.ID, ids.SCORECARD_AGENCY_NAME)
    assert not browser.driver.find_elements(By.ID, ids.SCORECARD_INDICATORS)
    page_text = browser.find_element("body").text
    assert "Qom Governorate" not in page_text and "استانداری قم" not in page_text
    # The navbar shows an IT director their pages only (a convenience; the page above is the server's check).
    assert all(_shown(browser, key) for key in ("home", "rankings", "scorecard", "upload"))
    assert not any(_shown(browser, key) for key in ("compare", "reporting", "logs", "review", "audit"))
    assert browser.get_logs() == []

    browser.driver.get(f"{browser.server_url}/scorecard?lang=en&agency={AGENCY}&year=1394")  # their own
    browser.wait_for_text_to_equal(f"#{ids.SCORECARD_AGENCY_NAME}", "Kahak District Office", timeout=15)
    assert browser.get_logs() == []
    engine.dispose()


def test_an_administrator_reads_the_audit_log_with_the_user_changes(browser: Any, app_engine: Any) -> None:
    start_signed_out(browser, create_app(engine=app_engine))
    name, password = make_user(app_engine, "admin")
    browser_sign_in(browser, name, password, "/audit?lang=en")
    browser.wait_for_text_to_equal("h1", t("page.audit", "en"), timeout=10)
    assert "user.added" in browser.find_element(f"#{ids.AUDIT_TABLE}").text
