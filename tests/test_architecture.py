"""Imports flow one way: ingest → store → metrics → dashboard; nothing imports the dashboard."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "store": {"ingest", "metrics", "dashboard", "egov"},
    "ingest": {"metrics", "dashboard", "egov"},
    "metrics": {"ingest", "dashboard", "egov"},
    "dashboard": {"egov"},
}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_imports_flow_one_way() -> None:
    offences = [
        f"{path.relative_to(ROOT)} imports {sorted(_imported_packages(path) & banned)}"
        for package, banned in FORBIDDEN.items()
        for path in (ROOT / package).rglob("*.py")
        if _imported_packages(path) & banned
    ]
    assert not offences, offences


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from dashboard.app import create_app\nimport metrics.api\n", encoding="utf-8")
    assert _imported_packages(sample) == {"dashboard", "metrics"}
