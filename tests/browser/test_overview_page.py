"""The overview loads in both languages, right to left in Persian, with its charts and no console error
(seen by a governor's office of Qom, the province it shows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.i18n import t
from tests.accounts import make_user, start_signed_in
from tests.browser.conftest import requested_hosts
from tests.dashboard.store_fixture import AGENCY, build_store

pytestmark = pytest.mark.browser


def test_overview_in_both_languages(browser: Any, tmp_path: Path) -> None:
    engine = build_store(tmp_path)
    start_signed_in(browser, create_app(engine=engine), *make_user(engine, "governor", province="QM"))
    own_host = urlparse(browser.server_url).netloc
    for lang in ("fa", "en"):
        suffix = "&lang=en" if lang == "en" else ""
        browser.driver.get(f"{browser.server_url}/overview?province=QM&year=1394{suffix}")
        browser.wait_for_text_to_equal("h1", t("page.overview", lang), timeout=15)
        browser.wait_for_element(f"#{ids.OVERVIEW_PILLARS} .main-svg", timeout=15)
        html = browser.driver.find_element("tag name", "html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == (lang, "rtl" if lang == "fa" else "ltr")
        honours = browser.find_element(f"#{ids.OVERVIEW_HONOURS}")
        assert AGENCY in honours.get_attribute("innerHTML")
        assert t("status.off_track", lang) in browser.find_element(f"#{ids.OVERVIEW_STATUS}").text
        assert requested_hosts(browser) == {own_host}
        assert browser.get_logs() == []
    engine.dispose()
