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
