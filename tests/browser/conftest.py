"""Browser tests drive the real Dash app in Debian's headless Chromium (dash[testing])."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from tests.conftest import REQUIRE_SERVICES


@pytest.fixture
def browser(request: pytest.FixtureRequest) -> Any:
    """``dash_duo`` when Chromium and ChromeDriver are installed; otherwise skip with why."""
    missing = [tool for tool in ("chromium", "chromedriver") if shutil.which(tool) is None]
    if missing:
        reason = f"{' and '.join(missing)} not installed (make setup installs them as root on Debian)"
        if REQUIRE_SERVICES:
            pytest.fail(f"{reason}; EGOV_REQUIRE_SERVICES=1: required here")
        pytest.skip(reason)
    return request.getfixturevalue("dash_duo")


@pytest.fixture
def app_engine(tmp_path: Any) -> Any:
    """A fresh migrated SQLite store (organisation and periods loaded) for the app under test."""
    from store.engine import create_store_engine, upgrade_store

    engine = create_store_engine(f"sqlite:///{tmp_path / 'dashboard.sqlite3'}")
    upgrade_store(engine)
    yield engine
    engine.dispose()


def requested_hosts(dash_duo: Any) -> set[str]:
    """The hosts of every resource the current page requested (scripts, styles, fonts, XHR)."""
    from urllib.parse import urlparse

    names = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href])"
    )
    return {urlparse(url).netloc for url in names}


# --- compare/geography/what-if ---
AXE_BLOCKING = ("serious", "critical")


def axe_source() -> str:
    """axe-core 4.14.1 from npm (``npm pack axe-core``), MPL-2.0: its licence is beside it in ``vendor/``."""
    from pathlib import Path

    return (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(driver: Any, *, impacts: tuple[str, ...] = AXE_BLOCKING) -> list[dict[str, Any]]:
    """Run axe-core on the current page; the violations of the given impacts, each with where it is.

    The script is injected as text (no network), once per page load.
    """
    if not driver.execute_script("return typeof window.axe === 'object'"):
        driver.execute_script(axe_source())
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [node["target"] for node in v["nodes"]][:5],
        }
        for v in result
        if v.get("impact") in impacts
    ]


# --- end compare/geography/what-if ---
