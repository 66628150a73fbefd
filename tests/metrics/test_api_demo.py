"""The public API on the demo province (Qom, five years), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from egov.demo import demo_reports, load_demo_spec, plan_agencies
from ingest.submissions import ingest_report_file
from metrics import api
from metrics.export import DATA_DICTIONARY, export_scores
from store.declared import load_organisation
from store.engine import create_store_engine, upgrade_store
from tests.conftest import fresh_postgres_url


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    folder = tmp_path_factory.mktemp("demo")
    with fresh_postgres_url() if request.param == "postgresql" else _sqlite(folder) as url:
        engine = create_store_engine(url)
        upgrade_store(engine)
        for report in demo_reports(load_demo_spec(), provinces={"QM"}):
            path = folder / report.file_name
            report.builder().save(path)
            assert (
                ingest_report_file(engine, path, actor="demo", max_bytes=10**7, approved_by="demo").status == "stored"
            )
        yield engine
        engine.dispose()


class _sqlite:
    def __init__(self, folder: Path) -> None:
        self.url = f"sqlite:///{folder / 'demo.sqlite3'}"

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *_: object) -> None:
        return None


def _profiles() -> dict[str, str]:
    spec = load_demo_spec()
    return {p.agency.code: p.profile for p in plan_agencies(spec, load_organisation().agencies)}


def test_leaders_outrank_laggards(demo: Engine) -> None:
    table = api.scores(1394, province="QM", engine=demo)
    profile = table.index.map(_profiles())
    median_rank = table.assign(profile=profile).groupby("profile")["rank_province"].median()
    assert median_rank["leader"] < median_rank["steady"] < median_rank["laggard"]
    assert table["rank_province"].dropna().min() == 1
    assert set(table["plan"]) == {"fifth"} and set(table["catalogue_version"]) == {"fifth-plan/1"}


def test_every_agency_is_scored_or_says_why(demo: Engine) -> None:
    table = api.scores(1393, province="QM", engine=demo)
    assert len(table) == sum(1 for a in load_organisation().agencies if a.province == "QM")
    unscored = table[~table["scored"]]
    assert unscored["not_scored_reason"].notna().all()
    assert table[table["scored"]]["not_scored_reason"].isna().all()
    assert (unscored["rank_province"].isna()).all()


def test_completeness_matches_the_submissions(demo: Engine) -> None:
    matrix = api.completeness(engine=demo).loc[lambda m: m.index.str.startswith("QM-")]
    subs = api.submissions(engine=demo)
    reported = subs[subs["period_kind"] == "year"].groupby("year").size()
    for year in range(1390, 1395):
        assert (matrix[year] == "reported").sum() == reported.get(year, 0)
    assert set(matrix.to_numpy().ravel()) <= {"reported", "missing", "late"}


def test_maturity_stages_and_province_stage(demo: Engine) -> None:
    stages = api.maturity(1394, engine=demo).dropna(subset=["stage"])
    assert set(stages["stage_en"]) <= {"not started", "web presence", "interactive", "transactional", "integrated"}
    province = api.province_maturity(1394, engine=demo)
    assert province.loc["QM", "stage_en"] in {"web presence", "interactive", "transactional", "integrated"}


def test_honours_and_laggards_lists(demo: Engine) -> None:
    honours, laggards = api.honours_and_laggards(1394, province="QM", top_n=3, off_track_at_least=4, engine=demo)
    assert 3 <= len(honours) <= 4  # ties share a rank
    assert (honours["rank_province"] <= 3).all()
    assert (laggards["off_track_count"] >= 4).all()


def test_claimed_vs_observed_says_when_there_are_no_logs(demo: Engine) -> None:
    frame = api.claimed_vs_observed(1394, engine=demo)
    assert (frame["observed_source"] == "no service logs loaded").all()
    assert frame["gap_pct"].isna().all()  # missing, never zero
    assert frame.loc["QM-GOV", "claimed_transactional_pct"] >= 0


def test_export_xlsx_with_a_complete_data_dictionary(demo: Engine, tmp_path: Path) -> None:
    path = export_scores(tmp_path / "scores.xlsx", year=1394, engine=demo)[0]
    wb = load_workbook(path, read_only=True)
    assert {"scores", "pillars", "indicators", "inputs", "data_dictionary"} <= set(wb.sheetnames)
    dictionary = pd.read_excel(path, sheet_name="data_dictionary", engine="calamine")
    for sheet in ("scores", "pillars", "indicators", "inputs"):
        header = next(wb[sheet].iter_rows(max_row=1, values_only=True))
        documented = set(dictionary[dictionary["table"] == sheet]["column"])
        assert set(header) == documented
    assert dictionary["meaning_fa"].notna().all() and dictionary["meaning_en"].notna().all()


def test_export_refuses_to_run_formulas(demo: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from metrics import export

    original = export.export_tables

    def with_formula(year: int, *, engine: Engine | None = None) -> dict[str, pd.DataFrame]:
        tables = original(year, engine=engine)
        tables["scores"].loc[tables["scores"].index[0], "name_en"] = '=HYPERLINK("http://x","y")'
        return tables

    monkeypatch.setattr(export, "export_tables", with_formula)
    path = export_scores(tmp_path / "s.xlsx", year=1394, engine=demo)[0]
    cell = load_workbook(path)["scores"]["C2"]
    assert cell.data_type == "s" and str(cell.value).startswith("'=")


def test_every_exported_column_is_in_the_dictionary_or_a_pillar(demo: Engine) -> None:
    from metrics.export import data_dictionary, export_tables

    tables = export_tables(1394, engine=demo)
    for name, frame in tables.items():
        if name == "inputs":  # one column per reported field, described from the catalogue
            continue
        for column in frame.columns:
            assert column in DATA_DICTIONARY or column.startswith("pillar_"), (name, column)
    dictionary = data_dictionary(tables).set_index(["table", "column"])
    assert dictionary.index.is_unique
    assert [c for c in dictionary.loc["inputs"].index] == list(tables["inputs"].columns)
    assert (dictionary[["meaning_fa", "meaning_en"]] != "").all().all()


def test_export_holds_the_reported_inputs(demo: Engine) -> None:
    from metrics.export import export_tables

    inputs = export_tables(1394, engine=demo)["inputs"]
    subs = api.submissions(engine=demo)
    assert set(inputs["agency_code"]) == set(
        subs[(subs["year"] == 1394) & (subs["period_kind"] == "year")]["agency_code"]
    )
    assert set(api.catalogue().report_fields()) <= set(inputs.columns)
    assert (inputs["year"] == 1394).all()
    assert inputs["files_total"].notna().all() and (inputs["files_electronic"] <= inputs["files_total"]).all()
