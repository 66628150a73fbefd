"""Every example in a docstring runs and shows what it says: the examples are the modules' shortest docs.

``metrics.api``'s examples read a demo store and run in ``test_api_docs.py``.
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dashboard", "egov", "ingest", "metrics", "store")
ELSEWHERE = {"metrics.api"}


def _modules_with_examples() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            if name not in ELSEWHERE and ">>> " in path.read_text(encoding="utf-8"):
                found.append(name)
    return found


MODULES = _modules_with_examples()


def test_modules_with_examples_are_found() -> None:
    assert {"dashboard.views.scorecard_data", "metrics.audit", "ingest.text"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_examples(module: str) -> None:
    result = doctest.testmod(
        importlib.import_module(module), optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    )
    assert result.attempted > 0 and result.failed == 0, f"{module}: {result.failed} of {result.attempted} failed"
