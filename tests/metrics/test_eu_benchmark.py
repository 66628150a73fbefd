"""The EU eGovernment Benchmark, declared as a catalogue and computed by the engine, against hand values.

Answers are scored by the catalogue's tables: steps online (nothing 0, information 25, forms 50,
submission 75, fully online 100) and yes 100 / no 0; "not relevant" (nr) and a blank cell are missing.
The example data (data/catalogues/eu-egov-benchmark-example.csv) for four made-up countries:

    question                          AVL              BRD              CRP              DRV
    start business, portal            fully 100        submission 75    information 25   nothing 0
    start business, registry          forms 50         nr               submission 75    information 25
      → best-of (central)             100              75               75               25
    parking permit, north             submission 75    nr               forms 50         nothing 0
    parking permit, south             information 25   fully 100        forms 50         submission 75
      → average (regional)            50               100 (nr dropped) 50               37.5
    online availability = mean        75               87.5             62.5             31.25
    mobile: business, parking         yes, no → 50     yes, nr → 100    no, no → 0       no, nr → 0
    user centricity (2·OA + 1·MF)/3   200/3 ≈ 66.67    275/3 ≈ 91.67    125/3 ≈ 41.67    62.5/3 = 125/6
    transparency: delivery, data      yes, yes → 100   no, yes → 50     yes, no → 50     no, no → 0
    key enablers: eID, eDocuments     yes, no → 50     nr, yes → 100    yes, yes → 100   no, blank → 0
    cross-border: availability, eID   forms, no → 25   nr, nr → none    75, yes → 87.5   25, no → 12.5

    overall = mean of the dimensions present:
    AVL (200/3 + 100 + 50 + 25) / 4   = (725/3) / 4  = 725/12  ≈ 60.42
    BRD (275/3 + 50 + 100) / 3        = (725/3) / 3  = 725/9   ≈ 80.56  (cross-border not relevant at all)
    CRP (125/3 + 50 + 100 + 87.5) / 4 = (1675/6) / 4 = 1675/24 ≈ 69.79
    DRV (125/6 + 0 + 0 + 12.5) / 4    = (200/6) / 4  = 25/3    ≈ 8.33

Ranks: BRD 1, CRP 2, AVL 3, DRV 4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics.aggregate import TreeScores, aggregate_tree, best_of
from metrics.catalogue import CATALOGUE_DIR, AnswerScoreFormula, Catalogue, load_catalogue
from metrics.formulas import evaluate_formula, evaluate_indicators
from metrics.normalise import competition_rank
from metrics.score import ScoringSpec, normalise_year

COUNTRIES = ["AVL", "BRD", "CRP", "DRV"]
DIMENSIONS = ["user_centricity", "transparency", "key_enablers", "cross_border"]
DATA = CATALOGUE_DIR / "eu-egov-benchmark-example.csv"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE_DIR / "eu-egov-benchmark.yaml")


@pytest.fixture(scope="module")
def answers(catalogue: Catalogue) -> pd.DataFrame:
    """Answer scores: the real formulas, then the real normaliser of the scoring chain ("none")."""
    values, _ = evaluate_indicators(catalogue.indicators, pd.read_csv(DATA).set_index("country"))
    return normalise_year(catalogue, values, spec=ScoringSpec.default_for(catalogue))


@pytest.fixture(scope="module")
def scores(catalogue: Catalogue, answers: pd.DataFrame) -> TreeScores:
    return aggregate_tree(catalogue, answers)


def test_catalogue_declares_the_benchmark_structure(catalogue: Catalogue) -> None:
    assert [n.code for n in catalogue.children("egov_benchmark")] == DIMENSIONS
    assert catalogue.nodes["oa_start_business"].aggregation == "maximum"  # central: best-of
    assert catalogue.nodes["oa_parking_permit"].aggregation == "arithmetic"  # regional: average
    assert catalogue.answer_tables["steps_online"] == {
        "nothing online": 0,
        "information online": 25,
        "forms online": 50,
        "submission online": 75,
        "fully online": 100,
        "not relevant": None,
    }
    formula = catalogue.indicator("oa_parking_permit_north").formula
    assert isinstance(formula, AnswerScoreFormula) and formula.table == "steps_online"
    assert formula.scores == catalogue.answer_tables["steps_online"]


def test_answers_scored_by_the_declared_tables(answers: pd.DataFrame) -> None:
    assert answers.loc["AVL", ["oa_start_business_portal", "oa_parking_permit_north"]].tolist() == [100, 75]
    assert answers.loc["DRV", "oa_start_business_portal"] == 0  # nothing online is a real zero
    assert np.isnan(answers.loc["BRD", "oa_start_business_registry"])  # not relevant
    assert np.isnan(answers.loc["DRV", "ke_edocuments"])  # blank: not reported


def test_services_best_of_central_and_average_of_regional(scores: TreeScores) -> None:
    frame = scores.values.loc[COUNTRIES]
    np.testing.assert_allclose(frame["oa_start_business"], [100, 75, 75, 25])
    np.testing.assert_allclose(frame["oa_parking_permit"], [50, 100, 50, 37.5])
    np.testing.assert_allclose(frame["online_availability"], [75, 87.5, 62.5, 31.25])
    np.testing.assert_allclose(frame["mobile_friendliness"], [50, 100, 0, 0])


def test_dimensions_by_hand(scores: TreeScores) -> None:
    frame = scores.values.loc[COUNTRIES, DIMENSIONS]
    expected = [
        [200 / 3, 100, 50, 25],
        [275 / 3, 50, 100, np.nan],
        [125 / 3, 50, 100, 87.5],
        [125 / 6, 0, 0, 12.5],
    ]
    np.testing.assert_allclose(frame.to_numpy(), expected, atol=1e-12)
    assert scores.reasons.loc["BRD", "cross_border"] == "no data"


def test_overall_by_hand(scores: TreeScores) -> None:
    overall = scores.values.loc[COUNTRIES, "egov_benchmark"]
    np.testing.assert_allclose(overall, [725 / 12, 725 / 9, 1675 / 24, 25 / 3], atol=1e-12)
    assert scores.coverage.loc["BRD", "egov_benchmark"] == 0.75  # three of four dimensions apply


def test_ranks(catalogue: Catalogue, scores: TreeScores) -> None:
    ranks = competition_rank(scores.values.loc[COUNTRIES, "egov_benchmark"], decimals=catalogue.scoring.rank_decimals)
    assert dict(zip(COUNTRIES, ranks.tolist(), strict=True)) == {"BRD": 1, "CRP": 2, "AVL": 3, "DRV": 4}


def test_a_spec_aggregation_does_not_override_a_declared_best_of(catalogue: Catalogue, answers: pd.DataFrame) -> None:
    geometric = aggregate_tree(catalogue, answers, method="geometric")
    np.testing.assert_allclose(geometric.values.loc[COUNTRIES, "oa_start_business"], [100, 75, 75, 25])


def test_best_of_ignores_missing_and_weights() -> None:
    result = best_of([[25.0, np.nan, 75.0], [np.nan, np.nan, np.nan]], [5.0, 1.0, 1.0])
    np.testing.assert_allclose(result.values, [75.0, np.nan])
    assert result.reason.tolist() == [0, 1]


@given(
    st.lists(st.one_of(st.none(), st.floats(0, 100)), min_size=1, max_size=6),
    st.floats(0.1, 10),
)
def test_best_of_is_the_largest_present_component(row: list[float | None], weight: float) -> None:
    values = np.array([np.nan if v is None else v for v in row])
    result = best_of(values[None, :], np.full(len(row), weight))
    if np.isnan(values).all():
        assert np.isnan(result.values[0]) and result.reason[0] == 1
    else:
        assert result.values[0] == np.nanmax(values)
        assert result.coverage[0] == pytest.approx(np.mean(~np.isnan(values)))


def test_an_undeclared_answer_is_an_error_not_a_gap() -> None:
    formula = AnswerScoreFormula(op="answer_score", field="eid", scores={"yes": 100, "no": 0})
    with pytest.raises(ValueError, match=r"'eid'.*\['ja'\].*expected one of \['yes', 'no'\]"):
        evaluate_formula(formula, pd.DataFrame({"eid": ["yes", "ja"]}))


def test_an_unknown_answer_table_is_rejected(catalogue: Catalogue) -> None:
    raw = catalogue.model_dump(mode="json")
    raw["indicators"][0]["formula"] = {"op": "answer_score", "field": "start_business_portal", "table": "stars"}
    with pytest.raises(pydantic.ValidationError, match="'stars' is not declared under answer_tables"):
        Catalogue.model_validate(raw)


def test_a_table_with_one_answer_is_rejected() -> None:
    with pytest.raises(pydantic.ValidationError, match="at least two answers"):
        AnswerScoreFormula(op="answer_score", field="eid", scores={"yes": 100})
    with pytest.raises(pydantic.ValidationError, match="all 'not relevant'"):
        AnswerScoreFormula(op="answer_score", field="eid", scores={"n/a": None, "not relevant": None})
