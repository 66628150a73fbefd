"""The analysts' notebooks: stored without outputs, opening with their question, using only the public
API, and running top to bottom on a fresh demo store."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.demo_store import demo_data_dir, demo_env

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
PERSIAN = re.compile(r"[\u0600-\u06FF]")
# What a notebook may import from the product: the read door, the catalogue, the ingest entry points.
PUBLIC_MODULES = {"metrics.api", "metrics.catalogue", "ingest.submissions", "ingest.service_logs"}
PUBLIC_FROM_PACKAGE = {"metrics": {"api"}}
PRODUCT_PACKAGES = {"metrics", "ingest", "store", "dashboard", "egov"}
RAW_DATABASE = {"sqlalchemy", "sqlite3", "duckdb", "psycopg", "psycopg2"}
RAW_SQL = re.compile(r"\bselect\b[\s\S]+\bfrom\b|\binsert\s+into\b|\bupdate\s+\w+\s+set\b", re.IGNORECASE)


def _code(notebook: nbformat.NotebookNode) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def test_the_four_notebooks_are_there() -> None:
    names = {path.name for path in NOTEBOOKS}
    assert {
        "01_explore_scores.ipynb",
        "02_sensitivity.ipynb",
        "03_claimed_vs_observed.ipynb",
        "04_new_indicator.ipynb",
    } <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_stripped(path: Path) -> None:
    notebook = _read(path)
    nbformat.validate(notebook)
    dirty = [
        index
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} keep outputs or execution counts; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_opens_with_its_question_in_both_languages(path: Path) -> None:
    first = _read(path).cells[0]
    assert first.cell_type == "markdown"
    assert "پرسش" in first.source and "Question" in first.source
    assert PERSIAN.search(first.source)


def _imports(source: str) -> list[tuple[str, list[str]]]:
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_uses_only_the_public_api(path: Path) -> None:
    offences = []
    for source in _code(_read(path)):
        for module, names in _imports(source):
            top = module.split(".")[0]
            if top in RAW_DATABASE:
                offences.append(f"imports {module}: read through metrics.api instead")
            elif (
                top in PRODUCT_PACKAGES
                and module not in PUBLIC_MODULES
                and not set(names) <= PUBLIC_FROM_PACKAGE.get(module, set())
            ):
                offences.append(f"imports {module} {names}: not part of the public API")
        offences += [f"raw SQL: {match.group(0)[:60]!r}" for match in RAW_SQL.finditer(source)]
    assert not offences, f"{path.name}: {offences}"


def test_the_import_check_sees_a_private_module() -> None:
    assert _imports("from metrics.data import agencies_frame\nimport metrics.api") == [
        ("metrics.data", ["agencies_frame"]),
        ("metrics.api", []),
    ]


@pytest.mark.slow  # about 90 s: the demo store (25 s, shared with the API examples) and four kernels
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_top_to_bottom_on_the_demo_store(path: Path) -> None:
    notebook = _read(path)
    client = NotebookClient(
        notebook,
        kernel_name="python3",  # ipykernel's own kernel: the interpreter running the tests (the venv)
        timeout=600,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute(env=demo_env(demo_data_dir()))  # a cell that raises fails the test with its traceback
    errors = [o for cell in notebook.cells for o in cell.get("outputs", []) if o.output_type == "error"]
    assert not errors
