"""Scores and ranks from real workbooks through the real store, on SQLite and PostgreSQL.

The small catalogue (tests/fixtures/small-catalogue.yaml) has three indicators, so every number
asserted here is worked out by hand in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from ingest.submissions import ingest_report_file
from metrics import api
from metrics.catalogue import load_catalogue
from tests.workbooks import write_filled_report

SMALL = load_catalogue(Path(__file__).resolve().parents[1] / "fixtures" / "small-catalogue.yaml")
MAX = 10 * 1024 * 1024


def _report(
    engine: Engine, tmp_path: Path, agency: str, year: int, files: int, processes: int, signature: bool
) -> None:
    form = {
        "files_total": 1000,
        "files_electronic": files * 10,  # files is a percentage of 1000
        "processes_total": 50,
        "processes_electronic": processes // 2,  # processes is a percentage of 50
        "digital_signature": "بله" if signature else "خیر",
    }
    from tests.workbooks import TYPED_FORM

    path = write_filled_report(
        tmp_path / f"{agency}-{year}.xlsx", agency=agency, period=str(year), form={**TYPED_FORM, **form}
    )
    outcome = ingest_report_file(engine, path, actor="test", max_bytes=MAX, approved_by="test")
    assert outcome.status == "stored", outcome.problems


@pytest.fixture
def province(engine: Engine, tmp_path: Path) -> Engine:
    # agency       1390 files/processes/signature    1393 files/processes/signature
    _report(engine, tmp_path, "QM-EDU", 1390, 40, 40, False)
    _report(engine, tmp_path, "QM-EDU", 1393, 80, 80, True)
    _report(engine, tmp_path, "QM-TAX", 1390, 50, 20, False)
    _report(engine, tmp_path, "QM-TAX", 1393, 50, 40, False)
    _report(engine, tmp_path, "QM-GOV", 1390, 50, 40, True)
    _report(engine, tmp_path, "QM-GOV", 1393, 50, 80, True)
    _report(engine, tmp_path, "QM-ICT", 1393, 50, 80, True)  # the same as QM-GOV in 1393: a tie
    _report(engine, tmp_path, "QM-ROAD", 1390, 90, 90, True)  # reported in 1390 only
    return engine


def test_index_scores_and_competition_ranks_by_hand(province: Engine) -> None:
    table = api.score_result(1393, engine=province, cat=SMALL).agencies
    score = table["index_score"]
    # distance to target, weights files 1, processes 1, enablers 2:
    # EDU: files 80/100 → 80; processes 80/80 → 100; signature → 100; (80 + 100 + 2·100) / 4 = 95
    # TAX: 50; 40/80 → 50; no signature → 0; (50 + 50 + 0) / 4 = 25
    # GOV and ICT: 50; 100; 100; (50 + 100 + 200) / 4 = 87.5
    assert score["QM-EDU"] == pytest.approx(95)
    assert score["QM-TAX"] == pytest.approx(25)
    assert score["QM-GOV"] == pytest.approx(87.5) and score["QM-ICT"] == pytest.approx(87.5)
    ranks = table["rank_province"]
    assert (ranks["QM-EDU"], ranks["QM-GOV"], ranks["QM-ICT"], ranks["QM-TAX"]) == (1, 2, 2, 4)  # 1224
    assert table.loc["QM-ROAD", "scored"] is False or not table.loc["QM-ROAD", "scored"]
    assert table.loc["QM-ROAD", "not_scored_reason"] == "no report for this period"
    assert pd_isna(ranks["QM-ROAD"])


def test_statuses_on_the_path_to_1394_by_hand(province: Engine) -> None:
    rows = api.score_result(1393, engine=province, cat=SMALL).indicators.set_index(["agency_code", "indicator"])
    # EDU files: baseline 40 (1390), target 100 in 1394 → path in 1393 = 40 + 60·3/4 = 85;
    # achievement (80 − 40) / (85 − 40) = 0.889 → below on_track (0.9), above behind (0.6): behind
    edu = rows.loc[("QM-EDU", "electronic_files_pct")]
    assert edu["period_target"] == pytest.approx(85)
    assert edu["achievement"] == pytest.approx(40 / 45)
    assert edu["status"] == "behind"
    # TAX files: 50 → 50, no progress where 37.5 was required: off track
    assert rows.loc[("QM-TAX", "electronic_files_pct"), "status"] == "off_track"
    # GOV processes: baseline 40, target 80 → path 70 in 1393; value 80 → achievement 40/30 = 1.33: ahead
    assert rows.loc[("QM-GOV", "electronic_processes_pct"), "status"] == "ahead"


def test_rank_change_since_the_previous_year(province: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "catalogue", lambda path=None: SMALL)
    for agency, files, processes, signature in [
        ("QM-EDU", 40, 40, False),
        ("QM-TAX", 50, 20, False),
        ("QM-GOV", 50, 40, True),
        ("QM-ROAD", 90, 90, True),
    ]:
        _report(province, tmp_path, agency, 1392, files, processes, signature)

    table = api.scores(1393, engine=province)

    # 1392 ranks: ROAD (90, 90/80 → 100, yes: (90 + 100 + 200) / 4 = 97.5) 1, GOV (50, 50, yes: 75) 2,
    # EDU (40, 50, no: 22.5) 3, TAX (50, 25, no: 18.75) 4; 1393: EDU 1, GOV and ICT 2, TAX 4
    assert table.loc["QM-EDU", "previous_rank_province"] == 3
    assert table.loc["QM-EDU", "rank_change"] == 2  # from 3rd to 1st
    assert table.loc["QM-TAX", "rank_change"] == 0
    assert table.loc["QM-GOV", "rank_change"] == 0
    assert pd_isna(table.loc["QM-ICT", "rank_change"])  # no rank the year before
    assert table.attrs["spec"]["catalogue_version"] == "small-test/1"


def test_spec_change_regenerates_and_cache_follows_data(province: Engine, tmp_path: Path) -> None:
    first = api.score_result(1393, engine=province, cat=SMALL)
    assert api.score_result(1393, engine=province, cat=SMALL) is first  # cached
    geometric = api.score_result(1393, engine=province, cat=SMALL, spec=first.spec.replace(aggregation="geometric"))
    # TAX has a zero component: its geometric mean is 0, its arithmetic mean 25
    assert geometric.agencies.loc["QM-TAX", "index_score"] == pytest.approx(0)
    assert geometric.spec.aggregation == "geometric"
    _report(province, tmp_path, "QM-TAX", 1393, 100, 80, True)  # a corrected report lands
    again = api.score_result(1393, engine=province, cat=SMALL)
    assert again is not first
    assert again.agencies.loc["QM-TAX", "index_score"] == pytest.approx(100)


def pd_isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_aggregation_is_chosen_per_level(province: Engine) -> None:
    spec = api.score_result(1393, engine=province, cat=SMALL).spec
    index_geometric = api.score_result(
        1393, engine=province, cat=SMALL, spec=spec.replace(aggregation_by_level={0: "geometric"})
    )
    pillars_geometric = api.score_result(
        1393, engine=province, cat=SMALL, spec=spec.replace(aggregation_by_level={1: "geometric"})
    )
    # TAX's enablers pillar is 0: a geometric index is 0; each pillar has one indicator, so a geometric
    # mean at the pillar level changes nothing and the arithmetic index stays (50 + 50 + 0) / 4 = 25
    assert index_geometric.agencies.loc["QM-TAX", "index_score"] == pytest.approx(0)
    assert pillars_geometric.agencies.loc["QM-TAX", "index_score"] == pytest.approx(25)
    assert index_geometric.spec.fingerprint() != pillars_geometric.spec.fingerprint()
