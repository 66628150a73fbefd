"""Every public function of ``metrics.api`` is documented with an example, and the examples run.

The examples read the configured store, as a notebook does; here it is a fresh demo store.
"""

from __future__ import annotations

import doctest
import inspect
import io
from collections.abc import Iterator

import pytest

from metrics import api
from store import engine as engine_module
from store.settings import get_settings
from tests.demo_store import demo_data_dir

PUBLIC_FUNCTIONS = sorted(name for name in api.__all__ if inspect.isfunction(getattr(api, name)))
OPTIONS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _examples() -> dict[str, doctest.DocTest]:
    tests = doctest.DocTestFinder().find(api, extraglobs={"api": api})
    return {test.name.removeprefix("metrics.api").lstrip("."): test for test in tests if test.examples}


@pytest.fixture
def demo_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The configured store (``EGOV_DATA_DIR``) is the demo store while the examples run."""
    monkeypatch.setenv("EGOV_DATA_DIR", str(demo_data_dir()))
    monkeypatch.delenv("EGOV_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    engine_module._ENGINES.clear()
    yield
    for cached in engine_module._ENGINES.values():
        cached.dispose()
    engine_module._ENGINES.clear()
    get_settings.cache_clear()


def test_the_public_functions_are_found() -> None:
    assert {"scores", "ranks", "claimed_vs_observed", "catalogue"} <= set(PUBLIC_FUNCTIONS)


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_every_public_function_is_documented_with_an_example(name: str) -> None:
    doc = inspect.getdoc(getattr(api, name)) or ""
    assert doc.strip(), f"api.{name} has no docstring"
    assert name in _examples(), f"api.{name}'s docstring has no >>> example"


@pytest.mark.parametrize("name", ["", *PUBLIC_FUNCTIONS], ids=lambda n: n or "module")
def test_the_examples_run(name: str, demo_store: None) -> None:
    test = _examples()[name]
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    runner.run(test, out=report.write)
    assert runner.failures == 0, report.getvalue()


def test_the_export_examples_run() -> None:
    """The export's pure helpers document themselves too (no store needed)."""
    import metrics.export

    result = doctest.testmod(metrics.export, optionflags=OPTIONS)
    assert result.failed == 0 and result.attempted > 0
