"""Real accounts for the tests: users made through ``store.accounts`` and signed in through ``/login``.

No test reaches past the sign-in: a client signs in with the form (CSRF token and all) exactly as a
browser does, and later POSTs carry the ``X-CSRFToken`` header that Dash's renderer would send.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import Engine

from store.accounts import add_user

_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_user(
    engine: Engine,
    role: str,
    *,
    name: str | None = None,
    province: str | None = None,
    agency: str | None = None,
) -> tuple[str, str]:
    """A new user of ``role``; returns (name, password). The password is random: none is written down."""
    name = name or f"{role}-{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(12)
    add_user(engine, name, role=role, password=password, actor="tests", province=province, agency=agency)
    return name, password


def login_form_token(client: FlaskClient) -> str:
    page = client.get("/login").get_data(as_text=True)
    found = _CSRF_FIELD.search(page)
    assert found, "the sign-in page has no CSRF field"
    return found.group(1)


def sign_in(client: FlaskClient, name: str, password: str) -> Any:
    """Sign in through the form; returns the answer (302 on success)."""
    return client.post(
        "/login", data={"name": name, "password": password, "csrf_token": login_form_token(client), "next": "/"}
    )


def signed_in_client(app: Any, name: str, password: str) -> FlaskClient:
    """A test client signed in as ``name``, sending the CSRF header on every later request."""
    client: FlaskClient = app.server.test_client()
    answer = sign_in(client, name, password)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    client.get("/")  # a signed-in answer sets the CSRF cookie
    cookie = client.get_cookie("_csrf_token")
    assert cookie is not None, "no CSRF cookie after signing in"
    client.environ_base["HTTP_X_CSRFTOKEN"] = cookie.value
    return client


def start_signed_in(browser: Any, app: Any, name: str, password: str, path: str = "/") -> None:
    """Serve ``app``, sign in through its real sign-in page in Chromium, and land on ``path``.

    ``dash_duo.start_server`` would open ``/`` and wait for Dash there, which now redirects to the
    sign-in page; so the server starts without navigating and the browser signs in first.
    """
    start_signed_out(browser, app)
    browser_sign_in(browser, name, password, path)


def start_signed_out(browser: Any, app: Any) -> None:
    """Serve ``app`` with nobody signed in; the browser has not opened any page yet."""
    browser.start_server(app, navigate=False)
    browser._url = browser.server.url.rstrip("/")  # what ``server_url`` answers, without its wait for Dash


def browser_sign_in(browser: Any, name: str, password: str, path: str = "/") -> None:
    """Sign in through the real sign-in page in Chromium, then wait for ``path`` to render."""
    from urllib.parse import quote

    from selenium.webdriver.common.by import By

    browser.driver.get(f"{browser.server_url}/login?next={quote(path)}")
    browser.wait_for_element("#name", timeout=10).send_keys(name)
    browser.driver.find_element(By.ID, "password").send_keys(password)
    browser.driver.find_element(By.ID, "sign-in").click()
    browser.wait_for_element("#_pages_content", timeout=15)


def browser_sign_out(browser: Any) -> None:
    """Press the header's sign-out button and wait for the sign-in page it leads to."""
    from selenium.webdriver.support.wait import WebDriverWait

    from dashboard import ids

    browser.wait_for_element(f"#{ids.SIGN_OUT}", timeout=10).click()
    WebDriverWait(browser.driver, 10).until(lambda driver: "/login" in driver.current_url)
    browser.wait_for_element("#sign-in", timeout=10)


def browser_sign_in_as(
    browser: Any,
    engine: Engine,
    role: str,
    path: str = "/",
    *,
    province: str | None = None,
    agency: str | None = None,
) -> str:
    """Make a new user of ``role`` in ``engine`` and sign them in in the running browser; returns the name."""
    name, password = make_user(engine, role, province=province, agency=agency)
    browser_sign_in(browser, name, password, path)
    return name


def client_as(app: Any, role: str, *, province: str | None = None, agency: str | None = None) -> FlaskClient:
    """A test client signed in as a new user of ``role`` in the app's own store."""
    from dashboard.data import ENGINE_CONFIG_KEY

    name, password = make_user(app.server.config[ENGINE_CONFIG_KEY], role, province=province, agency=agency)
    return signed_in_client(app, name, password)
