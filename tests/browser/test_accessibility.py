"""No serious or critical axe-core violation on the sign-in page and on every page of the navbar, in
Persian and in English (and, on each, the right direction, no request off the app's host, no console
error).

The page list is ``dashboard.layout.NAV_PAGES``, so a page added to the navbar is checked without
touching this test. Each page is seen by a user who may open it (``dashboard.access.PAGE_ROLES``): a
governor's office of Qom where it may, else an IT director of a Qom agency, else an administrator. The
store holds two approved reports (so charts, tables and the what-if panel have content) and one waiting
for review (so the review queue has something to decide).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from selenium.webdriver.support.wait import WebDriverWait

from dashboard.access import PAGE_ROLES
from dashboard.app import create_app
from dashboard.i18n import direction
from dashboard.layout import NAV_PAGES, NavPage
from dashboard.urls import href
from ingest.submissions import ingest_report_file
from tests.accounts import browser_sign_in, browser_sign_out, make_user, start_signed_out
from tests.browser.conftest import axe_violations, requested_hosts
from tests.dashboard.whatif_store import FILES_STRONG, PROCESSES_STRONG, YEAR, build_two_agency_store
from tests.workbooks import write_filled_report

pytestmark = pytest.mark.browser

STATE = {"province": "QM", "year": str(YEAR)}
PAGE_STATE = {
    "compare": {**STATE, "agencies": f"{FILES_STRONG},{PROCESSES_STRONG}"},
    "scorecard": {**STATE, "agency": FILES_STRONG},
}
ROLES_IN_TURN: dict[str, dict[str, str]] = {
    "governor": {"province": "QM"},
    "it_director": {"agency": FILES_STRONG},
    "admin": {},
}
"""Who sees the pages, first choice first, and what each is tied to."""
SETTLED = """
const busy = document.querySelector('[data-dash-is-loading="true"], ._dash-loading');
const graphs = [...document.querySelectorAll('.dash-graph')];
return !!document.querySelector('h1') && !busy && graphs.every(g => g.querySelector('.main-svg'));
"""


def pages_by_role() -> dict[str, list[NavPage]]:
    """Every navbar page under the first role of ``ROLES_IN_TURN`` that may open it."""
    grouped: dict[str, list[NavPage]] = {role: [] for role in ROLES_IN_TURN}
    for page in NAV_PAGES:
        role = next((r for r in ROLES_IN_TURN if r in PAGE_ROLES[page.key]), None)
        assert role is not None, f"no role of {list(ROLES_IN_TURN)} may open {page.key}: add one"
        grouped[role].append(page)
    return grouped


def _check(
    browser: Any, url: str, lang: str, key: str, found: dict[str, list[dict[str, Any]]], *, axe: bool = True
) -> None:
    browser.driver.get(url)
    WebDriverWait(browser.driver, 20).until(lambda driver: driver.execute_script(SETTLED))
    violations = axe_violations(browser.driver) if axe else []
    if violations:
        found[key] = violations
    # While here: every page also keeps its direction, its assets on its own host and a clean console.
    assert browser.driver.execute_script("return document.documentElement.dir") == direction(lang), key
    assert requested_hosts(browser) == {urlparse(browser.server_url).netloc}, key
    assert browser.get_logs() == [], key


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_no_serious_or_critical_violation_on_any_page(browser: Any, tmp_path: Path, lang: str) -> None:
    engine = build_two_agency_store(tmp_path)
    waiting = write_filled_report(tmp_path / "waiting.xlsx", agency=PROCESSES_STRONG, period=str(YEAR - 1))
    assert ingest_report_file(engine, waiting, actor="tester", max_bytes=10**7).status == "stored"
    start_signed_out(browser, create_app(engine=engine))
    found: dict[str, list[dict[str, Any]]] = {}

    _check(browser, f"{browser.server_url}{href('/login', lang)}", lang, "login", found)
    for role, pages in pages_by_role().items():
        if not pages:
            continue
        first = href(pages[0].path, lang, **PAGE_STATE.get(pages[0].key, STATE))
        browser_sign_in(browser, *make_user(engine, role, **ROLES_IN_TURN[role]), first)
        for page in pages:
            url = browser.server_url + href(page.path, lang, **PAGE_STATE.get(page.key, STATE))
            _check(browser, url, lang, f"{page.key} ({role})", found)
        browser_sign_out(browser)
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
    engine.dispose()
