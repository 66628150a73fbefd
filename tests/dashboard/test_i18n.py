"""The translation table is complete, and layouts hold no Persian text of their own."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from dashboard.i18n import LANGS, TEXT, t
from dashboard.layout import NAV_PAGES

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_key_has_persian_and_english_with_the_same_placeholders(key: str) -> None:
    entry = TEXT[key]
    assert set(entry) == set(LANGS)
    assert all(entry[lang].strip() for lang in LANGS), key
    assert _placeholders(entry["fa"]) == _placeholders(entry["en"]), key


def test_persian_text_is_persian() -> None:
    """A Persian entry written in Latin letters is an untranslated string (language names excepted)."""
    not_words = {"lang.en", "formula.plus", "formula.quote"}
    latin_only = [k for k, e in TEXT.items() if not ARABIC_SCRIPT.search(e["fa"]) and k not in not_words]
    assert latin_only == []


def _python_files() -> list[Path]:
    return [p for p in DASHBOARD.rglob("*.py") if p.name != "i18n.py"]


def _docstrings(tree: ast.AST) -> set[int]:
    """``id`` of every docstring constant (doctests show Persian output on purpose)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


# formatting.py holds the Persian digits and number signs themselves: symbols, not interface text.
NUMBER_SYMBOLS = {"formatting.py"}


def test_no_persian_literal_outside_the_table() -> None:
    offences = []
    for path in _python_files():
        if path.name in NUMBER_SYMBOLS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        offences += [
            f"{path.relative_to(DASHBOARD)}:{node.lineno}: {node.value[:30]!r}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and ARABIC_SCRIPT.search(node.value)
        ]
    assert offences == []


def test_the_literal_check_sees_a_persian_literal(tmp_path: Path) -> None:
    tree = ast.parse('"""docstring ۱"""\nlabel = "خانه"\n')
    skip = _docstrings(tree)
    found = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and id(n) not in skip and ARABIC_SCRIPT.search(str(n.value))
    ]
    assert [n.value for n in found] == ["خانه"]


def test_every_literal_key_passed_to_t_exists() -> None:
    used = {
        node.args[0].value
        for path in _python_files()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "t"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert used, "the scan found no t() calls at all"
    assert sorted(used - set(TEXT)) == []


def test_keys_built_at_run_time_exist() -> None:
    dynamic = [
        *(f"page.{page.key}" for page in NAV_PAGES),
        *(f"cell.{status}" for status in ("reported", "late", "missing")),
        *(f"submission.{status}" for status in ("submitted", "superseded")),
        *(f"upload.col.{key}" for key in ("cell", "field", "seen", "problem", "expected")),
        *(f"upload.step{step}" for step in (1, 2, 3)),
        *(f"home.{key}" for key in ("reporting", "upload", "methodology")),
        *(f"lang.{lang}" for lang in LANGS),
    ]
    assert [key for key in dynamic if key not in TEXT] == []


def test_t_fills_placeholders_and_rejects_unknown_keys() -> None:
    assert t("upload.stored", "fa", id="۷") == "گزارش با شماره ۷ ثبت شد."
    assert t("upload.stored", "xx", id="7") == t("upload.stored", "fa", id="7")
    with pytest.raises(KeyError):
        t("no.such.key", "fa")
