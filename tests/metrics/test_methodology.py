"""The methodology page is generated from the catalogue alone, in Persian and English."""

from __future__ import annotations

import doctest
import re

import pandas as pd
import pytest

import metrics.methodology
from metrics.catalogue import CATALOGUE_DIR, Catalogue, default_catalogue, load_catalogue
from metrics.methodology import LANGS, Lang, methodology_markdown, methodology_tables

PERSIAN = re.compile(r"[\u0600-\u06FF]")
CODE_SPAN = re.compile(r"`[^`]*`")


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return default_catalogue()


@pytest.fixture(scope="module")
def pages(catalogue: Catalogue) -> dict[str, str]:
    return {lang: methodology_markdown(catalogue, lang=lang) for lang in LANGS}


def _prose(text: str) -> str:
    """The text a reader reads: without code spans (field names, codes) and the HTML direction wrapper."""
    return CODE_SPAN.sub("", text).replace('<div dir="rtl" lang="fa">', "").replace("</div>", "")


@pytest.mark.parametrize("lang", LANGS)
def test_every_pillar_and_indicator_appears_with_its_name(
    catalogue: Catalogue, pages: dict[str, str], lang: Lang
) -> None:
    page = pages[lang]
    for node in catalogue.iter_nodes():
        name = node.name_fa if lang == "fa" else node.name_en
        assert name in page, f"{node.code}: {name!r} missing from the {lang} page"
        assert f"`{node.code}`" in page
    for indicator in catalogue.indicators:
        assert f"#### {indicator.name_fa if lang == 'fa' else indicator.name_en} (`{indicator.code}`)" in page


def test_each_page_is_in_its_language(pages: dict[str, str]) -> None:
    assert not PERSIAN.search(pages["en"])
    persian_letters = len(PERSIAN.findall(_prose(pages["fa"])))
    latin_letters = len(re.findall(r"[A-Za-z]", _prose(pages["fa"])))
    assert persian_letters > 10 * latin_letters
    assert pages["fa"].startswith('<div dir="rtl" lang="fa">')


def test_persian_page_writes_numbers_in_persian_digits(pages: dict[str, str]) -> None:
    assert not re.search(r"[0-9]", _prose(pages["fa"])), re.findall(r".{20}[0-9].{20}", _prose(pages["fa"]))[:3]
    assert "۱۳۹۴" in pages["fa"] and "1394" in pages["en"]
    assert "۱۶٫۷٪" in pages["fa"] and "16.7%" in pages["en"]  # the e-services pillar: 1.5 of 9


def test_page_covers_the_method(catalogue: Catalogue, pages: dict[str, str]) -> None:
    en = pages["en"]
    for text in (
        "Fifth Development Plan",
        "years 1390–1394; target year: **1394**",
        "`fifth-plan/1`",
        "`files_electronic` ÷ `files_total` × 100",  # a ratio in words
        "`services_informational` = 25, `services_interactive` = 50",  # level weights
        "option 0 = 0, option 1 = 40, option 2 = 100",  # choices and their scores
        "`digital_signature`: yes = 100, no = 0",
        "`log.digital_takeup_pct` as reported (from service logs)",
        "stays missing (never zero)",
        "**Baseline year:** 1390",
        "**1394 target:** 100",
        "a straight line from the agency's own value in 1390 to 100 in 1394",
        "distance to target (`distance_to_target`)",
        "weighted arithmetic mean (`arithmetic`)",
        "| ahead | at least 1.1 |",
        "| off track | below 0.6 |",
        "less than 60% of an aggregate's components",
        "at least 50% of its services",
    ):
        assert text in en, text
    for method in ("min_max", "z_score", "goalposts", "rank", "geometric", "harmonic", "maximum"):
        assert f"(`{method}`)" in en  # every method is explained, the ones in use in bold
    assert "**distance to target (`distance_to_target`)**" in en


def test_weight_shares_sum_to_100(catalogue: Catalogue) -> None:
    tables = methodology_tables(catalogue)
    pillars, indicators = tables["pillars"], tables["indicators"]
    assert pillars.loc[pillars["depth"] == 1, "share_of_index_pct"].sum() == pytest.approx(100)
    assert indicators["share_of_index_pct"].sum() == pytest.approx(100)
    for pillar, rows in indicators.groupby("parent"):
        assert rows["share_of_parent_pct"].sum() == pytest.approx(100), pillar
    services = pillars.set_index("code").loc["services"]
    assert services["share_of_index_pct"] == pytest.approx(100 * 1.5 / 9)


def test_tables_hold_every_node_in_both_languages(catalogue: Catalogue) -> None:
    tables = methodology_tables(catalogue)
    assert set(tables) == {"pillars", "indicators"}
    assert tables["pillars"]["code"].tolist()[0] == catalogue.root.code
    assert set(tables["pillars"]["code"]) == {g.code for g in catalogue.groups}
    assert set(tables["indicators"]["code"]) == {i.code for i in catalogue.indicators}
    row = tables["indicators"].set_index("code").loc["electronic_files_pct"]
    assert row["formula_en"] == "`files_electronic` ÷ `files_total` × 100"
    assert row["formula_fa"] == "`files_electronic` ÷ `files_total` × ۱۰۰"
    assert (row["baseline_year"], row["target_year"], row["target"]) == (1390, 1394, 100)
    assert tables["indicators"][["name_fa", "name_en", "formula_fa", "formula_en"]].map(bool).all().all()


def _with_indicator(catalogue: Catalogue, code: str, **changes: object) -> Catalogue:
    indicators = tuple(i.model_copy(update=changes) if i.code == code else i for i in catalogue.indicators)
    return catalogue.model_copy(update={"indicators": indicators})


def test_a_changed_weight_shows_in_the_page(catalogue: Catalogue) -> None:
    groups = tuple(g.model_copy(update={"weight": 4.5}) if g.code == "services" else g for g in catalogue.groups)
    changed = catalogue.model_copy(update={"groups": groups})
    en = methodology_markdown(changed, lang="en")
    fa = methodology_markdown(changed, lang="fa")
    # 4.5 of 12 = 37.5%
    assert "| — E-services | `services` | 4.5 | 37.5% | 37.5% |" in en
    assert "| — خدمات الکترونیک | `services` | ۴٫۵ | ۳۷٫۵٪ | ۳۷٫۵٪ |" in fa
    assert "37.5%" not in methodology_markdown(catalogue, lang="en")
    shares = methodology_tables(changed)["pillars"].set_index("code")["share_of_index_pct"]
    assert shares["services"] == pytest.approx(37.5)


def test_a_changed_target_and_path_show_in_the_page(catalogue: Catalogue) -> None:
    changed = _with_indicator(catalogue, "electronic_files_pct", target=85.0, path={1392: 40.0})
    en = methodology_markdown(changed, lang="en")
    fa = methodology_markdown(changed, lang="fa")
    assert "**1394 target:** 85" in en and "**هدف ۱۳۹۴:** ۸۵" in fa
    assert "declared path from the agency's own value in 1390: 1392 = 40, 1394 = 85" in en
    assert "۱۳۹۲ = ۴۰، ۱۳۹۴ = ۸۵" in fa


def test_a_changed_name_and_default_show_in_the_page(catalogue: Catalogue) -> None:
    changed = _with_indicator(catalogue, "electronic_files_pct", name_en="Files kept electronically")
    scoring = catalogue.scoring.model_copy(update={"min_coverage": 0.75, "aggregation": "geometric"})
    changed = changed.model_copy(update={"scoring": scoring})
    en = methodology_markdown(changed, lang="en")
    assert "#### Files kept electronically (`electronic_files_pct`)" in en
    assert "less than 75% of an aggregate's components" in en
    assert "(default: weighted geometric mean (`geometric`))" in en


@pytest.mark.parametrize("path", sorted(CATALOGUE_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_shipped_catalogue_documents_itself(path: object) -> None:
    catalogue = load_catalogue(str(path))
    tables = methodology_tables(catalogue)
    for lang in LANGS:
        page = methodology_markdown(catalogue, lang=lang)
        assert all(f"(`{i.code}`)" in page for i in catalogue.indicators)
    assert isinstance(tables["indicators"], pd.DataFrame) and len(tables["indicators"]) == len(catalogue.indicators)


def test_published_index_rules_are_described() -> None:
    eu = methodology_markdown(load_catalogue(CATALOGUE_DIR / "eu-egov-benchmark.yaml"), lang="en")
    assert "best of (`maximum`)" in eu
    assert "“forms online” = 50" in eu and "“not relevant” = missing (dropped)" in eu
    assert "the best of its components counts (weights are not used)" in eu
    assert "**Target:** none declared" in eu
    egdi = methodology_markdown(load_catalogue(CATALOGUE_DIR / "un-egdi.yaml"), lang="en")
    assert "(`arithmetic + min-max`)" in egdi  # sub-indices rescaled over the set
    dgi = methodology_markdown(load_catalogue(CATALOGUE_DIR / "oecd-dgi.yaml"), lang="fa")
    assert "دروازه‌ها ۰ تا ۱۰۰" in dgi


def test_unknown_language_is_rejected(catalogue: Catalogue) -> None:
    with pytest.raises(ValueError, match="lang"):
        methodology_markdown(catalogue, lang="de")  # type: ignore[arg-type]


def test_doctests() -> None:
    result = doctest.testmod(metrics.methodology, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
