"""No serious or critical axe-core violation on any page of the navbar, in Persian and in English
(and, on each, the right direction, no request off the app's host, no console error).

The page list is ``dashboard.layout.NAV_PAGES``, so a page added to the navbar is checked without
touching this test. The store holds two reports (so charts, tables and the what-if panel have content).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from selenium.webdriver.support.wait import WebDriverWait

from dashboard.app import create_app
from dashboard.i18n import direction
from dashboard.layout import NAV_PAGES
from dashboard.urls import href
from tests.browser.conftest import axe_violations, requested_hosts
from tests.dashboard.whatif_store import FILES_STRONG, PROCESSES_STRONG, YEAR, build_two_agency_store

pytestmark = pytest.mark.browser

STATE = {"province": "QM", "year": str(YEAR)}
PAGE_STATE = {
    "compare": {**STATE, "agencies": f"{FILES_STRONG},{PROCESSES_STRONG}"},
    "scorecard": {**STATE, "agency": FILES_STRONG},
}
SETTLED = """
const busy = document.querySelector('[data-dash-is-loading="true"], ._dash-loading');
const graphs = [...document.querySelectorAll('.dash-graph')];
return !!document.querySelector('h1') && !busy && graphs.every(g => g.querySelector('.main-svg'));
"""


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_no_serious_or_critical_violation_on_any_page(browser: Any, tmp_path: Path, lang: str) -> None:
    engine = build_two_agency_store(tmp_path)
    browser.start_server(create_app(engine=engine))
    found: dict[str, list[dict[str, Any]]] = {}
    for page in NAV_PAGES:
        browser.driver.get(browser.server_url + href(page.path, lang, **PAGE_STATE.get(page.key, STATE)))
        WebDriverWait(browser.driver, 20).until(lambda driver: driver.execute_script(SETTLED))
        violations = axe_violations(browser.driver)
        if violations:
            found[page.key] = violations
        # While here: every page also keeps its direction, its assets on its own host and a clean console.
        assert browser.driver.execute_script("return document.documentElement.dir") == direction(lang), page.key
        assert requested_hosts(browser) == {urlparse(browser.server_url).netloc}, page.key
        assert browser.get_logs() == [], page.key
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
    engine.dispose()
