"""The app loads in a real browser, right-to-left, with every asset served by the app itself."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from dashboard.app import create_app

pytestmark = pytest.mark.browser


def test_page_is_persian_rtl_and_offline(browser: Any) -> None:
    browser.start_server(create_app())
    browser.wait_for_text_to_equal("h1", "کارنامه دولت الکترونیک", timeout=10)

    html = browser.driver.find_element("tag name", "html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "fa"
    resources = browser.driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    own_host = urlparse(browser.server_url).netloc
    assert resources, "the page loaded no scripts at all"
    assert {urlparse(url).netloc for url in resources} == {own_host}
    assert browser.get_logs() == []
