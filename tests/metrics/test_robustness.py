"""Rank robustness: the Monte Carlo is the scoring chain re-run, draw by draw, only vectorised.

Most tests use the small catalogue (three indicators in three pillars, distance to target,
arithmetic mean), whose ranks a person can work out by hand; the last goes through real workbooks,
the real store and ``api.rank_intervals`` on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sqlalchemy import Engine

from metrics import api
from metrics.aggregate import aggregate_tree
from metrics.catalogue import Catalogue, RobustnessDefaults, load_catalogue
from metrics.normalise import competition_rank, competition_ranks_within
from metrics.robustness import (
    _percentiles,
    rank_robustness,
    run_draws,
    sample_draws,
)
from metrics.score import ScoringSpec, normalise_year, rank_within, score_agencies

SMALL = load_catalogue(Path(__file__).resolve().parents[1] / "fixtures" / "small-catalogue.yaml")
CODES = ["electronic_files_pct", "electronic_processes_pct", "digital_signature"]
FIXED = RobustnessDefaults(draws=40, normalisations=("distance_to_target",), aggregations=("arithmetic",))


def _with_spread(catalogue: Catalogue, spread: float) -> Catalogue:
    return catalogue.model_copy(update={"scoring": catalogue.scoring.model_copy(update={"weight_spread": spread})})


def _random_values(agencies: int, *, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = pd.DataFrame(
        {
            "electronic_files_pct": rng.uniform(0, 100, agencies).round(0),
            "electronic_processes_pct": rng.uniform(0, 100, agencies).round(0),
            "digital_signature": rng.choice([0.0, 100.0], agencies),
        },
        index=[f"A{i:03d}" for i in range(agencies)],
    )
    values.iloc[::7, 0] = np.nan  # some agencies did not report files
    return values


def _small_province() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Reported fields for 1393 and the agencies, in two provinces (the frames score_agencies reads)."""
    rows = {
        # agency: files_electronic of 1000, processes_electronic of 50, digital signature
        "QM-EDU": (800, 40, 1),
        "QM-TAX": (500, 20, 0),
        "QM-GOV": (500, 40, 1),
        "QM-ICT": (500, 40, 1),  # the same as QM-GOV: a tie
        "QM-ROAD": (900, 10, 0),
        "TE-EDU": (300, 45, 1),
        "TE-TAX": (700, 5, 0),
        "TE-GOV": (np.nan, 30, 1),  # files not reported: 2 of 3 components, still scored
    }
    reported = pd.DataFrame(
        [
            {
                "agency_code": code,
                "year": 1393,
                "files_total": 1000,
                "files_electronic": files,
                "processes_total": 50,
                "processes_electronic": processes,
                "digital_signature": signature,
            }
            for code, (files, processes, signature) in rows.items()
        ]
    ).set_index(["agency_code", "year"])
    agencies = pd.DataFrame(
        {
            "province_code": [code[:2] for code in rows],
            "county_code": None,
            "sector_code": [code[3:] for code in rows],
        },
        index=pd.Index(list(rows), name="agency_code"),
    )
    return reported, agencies


def _values_and_ranks(catalogue: Catalogue) -> tuple[pd.DataFrame, pd.DataFrame]:
    reported, agencies = _small_province()
    result = score_agencies(catalogue, reported, agencies, year=1393)
    values = result.indicators.pivot(index="agency_code", columns="indicator", values="value").reindex(agencies.index)
    return values, result.agencies


# --- ranking and percentiles, the vectorised pieces --------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    scores=hnp.arrays(np.float64, (3, 12), elements=st.sampled_from([np.nan, 0.0, 12.5, 50.0, 87.5, 100.0])),
    groups=hnp.arrays(np.int64, 12, elements=st.integers(0, 2)),
)
def test_vectorised_ranks_match_ranking_each_group_alone(scores: np.ndarray, groups: np.ndarray) -> None:
    ranks = competition_ranks_within(scores, groups)
    for row, row_scores in zip(ranks, scores, strict=True):
        expected = np.full(row.shape, np.nan)
        for group in np.unique(groups):
            members = (groups == group) & ~np.isnan(row_scores)
            if members.any():
                expected[members] = competition_rank(row_scores[members])
        np.testing.assert_array_equal(row, expected)


def test_percentiles_match_numpy_over_ranked_draws_only() -> None:
    rng = np.random.default_rng(3)
    ranks = rng.integers(1, 9, size=(101, 5)).astype(np.float64)
    ranks[rng.random(ranks.shape) < 0.2] = np.nan
    ranks[:, 4] = np.nan  # never ranked
    ours = _percentiles(ranks, [5.0, 50.0, 95.0])
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        expected = np.nanpercentile(ranks, [5.0, 50.0, 95.0], axis=0)
    np.testing.assert_allclose(ours, expected)


# --- the Monte Carlo is the chain -------------------------------------------------------------------------


def test_without_perturbation_every_draw_is_the_deterministic_chain() -> None:
    catalogue = _with_spread(SMALL, 0.0)
    values, scored = _values_and_ranks(catalogue)
    result = rank_robustness(catalogue, values, groups=scored["province_code"], settings=FIXED)
    table = result.intervals
    nominal = scored["rank_province"].astype("float64")
    # EDU (80, 80/80 → 100, yes) 95; GOV = ICT 87.5; ROAD (90, 20/80 → 25, no) 28.75; TAX 25 → 1 2 2 4 5
    assert nominal[["QM-EDU", "QM-GOV", "QM-ICT", "QM-ROAD", "QM-TAX"]].tolist() == [1, 2, 2, 4, 5]
    pd.testing.assert_series_equal(table["nominal_rank"], nominal, check_names=False)
    for column in ("median_rank", "p5_rank", "p95_rank"):
        pd.testing.assert_series_equal(table[column], nominal, check_names=False)
    assert (result.ranks == nominal.to_numpy()).all()
    assert table["robust"].all() and (table["interval_width"] == 0).all()


def test_each_draw_reproduces_the_chain_with_its_own_spec() -> None:
    catalogue = _with_spread(SMALL, 0.5)
    values = _random_values(30)
    groups = pd.Series(np.where(np.arange(30) % 2, "QM", "TE"), index=values.index)
    spec = ScoringSpec.default_for(catalogue)
    draws = sample_draws(catalogue, spec, settings=RobustnessDefaults(draws=12))
    ranks = run_draws(catalogue, values, draws, groups=groups.to_numpy(), spec=spec, block_draws=5)
    for draw in range(12):
        own = draws.spec(draw, spec)
        tree = aggregate_tree(
            catalogue, normalise_year(catalogue, values, spec=own), weights=own.weights, method=own.aggregation
        )
        expected = rank_within(tree.values["index"], groups, decimals=catalogue.scoring.rank_decimals)
        np.testing.assert_array_equal(ranks[draw], expected.astype("float64").to_numpy(), err_msg=str(own))


def test_a_clear_leader_stays_first_under_any_perturbation() -> None:
    catalogue = _with_spread(SMALL, 0.9)
    values = _random_values(20).clip(upper=90)
    values.loc["A000"] = [95.0, 95.0, 100.0]  # best on every indicator
    table = rank_robustness(catalogue, values, settings=RobustnessDefaults(draws=300)).intervals
    assert table.loc["A000", ["p5_rank", "median_rank", "p95_rank"]].tolist() == [1, 1, 1]
    assert table.loc["A000", "robust"]


def test_agencies_with_identical_values_get_identical_intervals() -> None:
    values = _random_values(25)
    values.loc["A010"] = values.loc["A003"]
    table = rank_robustness(SMALL, values, settings=RobustnessDefaults(draws=200)).intervals
    columns = ["nominal_rank", "median_rank", "p5_rank", "p95_rank", "robust"]
    assert table.loc["A010", columns].tolist() == table.loc["A003", columns].tolist()


def test_intervals_widen_as_the_weight_spread_grows() -> None:
    values = _random_values(60)
    only_weights = RobustnessDefaults(draws=300, normalisations=("distance_to_target",), aggregations=("arithmetic",))
    widths = [
        rank_robustness(_with_spread(SMALL, spread), values, settings=only_weights).intervals["interval_width"].sum()
        for spread in (0.0, 0.1, 0.5, 0.9)
    ]
    assert widths[0] == 0
    assert widths == sorted(widths) and widths[-1] > widths[1]


def test_same_seed_same_result_and_blocks_do_not_matter() -> None:
    values = _random_values(40)
    base = RobustnessDefaults(draws=150, block_draws=150)
    first = rank_robustness(SMALL, values, settings=base)
    again = rank_robustness(SMALL, values, settings=base)
    pd.testing.assert_frame_equal(first.intervals, again.intervals)
    for block in (1, 7, 64):
        blocked = rank_robustness(SMALL, values, settings=base.model_copy(update={"block_draws": block}))
        np.testing.assert_array_equal(blocked.ranks, first.ranks)
    other = rank_robustness(SMALL, values, settings=base.model_copy(update={"seed": 1}))
    assert not np.array_equal(other.ranks, first.ranks)


def test_sensitivity_credits_the_only_input_that_varies() -> None:
    values = _random_values(40)
    only_normalisation = RobustnessDefaults(draws=200, aggregations=("arithmetic",))
    shares = rank_robustness(_with_spread(SMALL, 0.0), values, settings=only_normalisation).sensitivity["first_order"]
    assert shares["normalisation"] == pytest.approx(1.0)
    assert shares[["weight:files", "weight:processes", "weight:enablers", "aggregation"]].tolist() == [0, 0, 0, 0]


def test_z_score_is_refused_with_geometric_or_harmonic_means() -> None:
    with pytest.raises(ValueError, match="z_score"):
        RobustnessDefaults(normalisations=("z_score",), aggregations=("arithmetic", "geometric"))
    assert RobustnessDefaults(normalisations=("z_score", "rank"), aggregations=("arithmetic",)).draws == 1000


def test_the_default_catalogue_declares_robustness_defaults() -> None:
    settings = api.catalogue().scoring.robustness
    assert settings.draws == 1000 and settings.max_interval_width > 0
    assert set(settings.normalisations) <= {"distance_to_target", "min_max", "goalposts", "z_score", "rank"}


# --- through the store, on both engines -----------------------------------------------------------------


def test_rank_intervals_through_the_store(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.metrics.test_scoring_store import _report

    monkeypatch.setattr(api, "catalogue", lambda path=None: SMALL)
    _report(engine, tmp_path, "QM-EDU", 1393, 80, 80, True)  # at least as good as anyone on every indicator
    _report(engine, tmp_path, "QM-TAX", 1393, 50, 40, False)
    _report(engine, tmp_path, "QM-GOV", 1393, 50, 80, True)
    _report(engine, tmp_path, "QM-ICT", 1393, 50, 80, True)  # the same as QM-GOV

    table = api.rank_intervals(1393, draws=200, province="QM", engine=engine)

    assert set(table["province_code"]) == {"QM"}
    scored = api.score_result(1393, engine=engine, cat=SMALL).agencies
    ranked = table[table["nominal_rank"].notna()]
    assert ranked["nominal_rank"].tolist() == scored.loc[ranked.index, "rank_province"].astype(float).tolist()
    assert table.loc["QM-EDU", ["p5_rank", "median_rank", "p95_rank"]].tolist() == [1, 1, 1]
    columns = ["median_rank", "p5_rank", "p95_rank", "robust"]
    assert table.loc["QM-GOV", columns].tolist() == table.loc["QM-ICT", columns].tolist()
    unreported = table[table["nominal_rank"].isna()]
    assert unreported["median_rank"].isna().all() and unreported["robust"].isna().all()
    assert (ranked["p5_rank"] <= ranked["median_rank"]).all() and (ranked["median_rank"] <= ranked["p95_rank"]).all()
    assert table.attrs["settings"]["draws"] == 200 and "normalisation" in table.attrs["sensitivity"]
    again = api.rank_intervals(1393, draws=200, province="QM", engine=engine)
    pd.testing.assert_frame_equal(table, again)
