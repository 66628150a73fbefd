"""The OECD Digital Government Index, declared as a catalogue and computed by the engine, against hand values.

The example data (data/catalogues/oecd-dgi-example.csv, five made-up countries AVL, BRD, CRP, DRV, ELB in
that order) answers two questions per dimension. Scores 0–1: a no/partly/fully stage 0, 1, 2 scores
0, 0.5, 1; yes/no scores 1/0; the share of ministries with a chief data officer (%) goes through fixed
goalposts 0–100 %, so 50 % → 0.5. Each dimension is the mean of its two questions; the DGI the mean of
the six dimensions.

    dimension           questions (scored)      AVL          BRD          CRP      DRV           ELB
    digital by design   strategy, coordination  (1+1)/2=1    (.5+0)/2=.25   1      (.5+1)/2=.75    0
    data-driven         strategy, CDO share     (.5+.5)/2=.5 (0+.2)/2=.1    1      (1+.8)/2=.9     0
    platform            eID, components         (1+.5)/2=.75 (0+0)/2=0      1      (1+.5)/2=.75    0
    open by default     portal, policy          (1+1)/2=1    (1+0)/2=.5     1      (0+.5)/2=.25    0
    user-driven         research, satisfaction  (.5+0)/2=.25 (0+1)/2=.5     1      (1+1)/2=1       0
    proactiveness       life events, once-only  (0+0)/2=0    (.5+1)/2=.75   1      (0+1)/2=.5      0
    sum of dimensions                           3.5          2.1            6      4.15            0
    DGI = sum / 6                               7/12≈.5833   .35            1      83/120≈.6917    0

Ranks: CRP 1, DRV 2, AVL 3, BRD 4, ELB 5.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.aggregate import TreeScores, aggregate_tree
from metrics.catalogue import CATALOGUE_DIR, Catalogue, load_catalogue
from metrics.formulas import evaluate_indicators
from metrics.normalise import competition_rank
from metrics.score import ScoringSpec, normalise_year

COUNTRIES = ["AVL", "BRD", "CRP", "DRV", "ELB"]
DIMENSIONS = ["digital_by_design", "data_driven", "platform", "open_by_default", "user_driven", "proactiveness"]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE_DIR / "oecd-dgi.yaml")


@pytest.fixture(scope="module")
def questions(catalogue: Catalogue) -> pd.DataFrame:
    """Question scores 0–1: the real formulas, then the real normaliser of the scoring chain."""
    data = pd.read_csv(CATALOGUE_DIR / "oecd-dgi-example.csv").set_index("country")
    values, _ = evaluate_indicators(catalogue.indicators, data)
    return normalise_year(catalogue, values, spec=ScoringSpec.default_for(catalogue))


@pytest.fixture(scope="module")
def scores(catalogue: Catalogue, questions: pd.DataFrame) -> TreeScores:
    return aggregate_tree(catalogue, questions)


def test_catalogue_declares_six_equal_dimensions(catalogue: Catalogue) -> None:
    assert [n.code for n in catalogue.children("dgi")] == DIMENSIONS
    assert {n.weight for n in catalogue.children("dgi")} == {1.0}
    assert catalogue.scoring.normalisation == "none" and catalogue.scoring.score_max == 1
    assert catalogue.indicator("dp_chief_data_officers").goalposts == (0, 100)


def test_question_scores_are_0_to_1(questions: pd.DataFrame) -> None:
    assert ((questions >= 0) & (questions <= 1)).all().all()
    # stage 1 of 0/1/2 is "partly" 0.5; 50 % of ministries through goalposts 0–100 % is 0.5
    assert questions.loc["AVL", "dp_data_strategy"] == 0.5
    assert questions.loc["AVL", "dp_chief_data_officers"] == 0.5
    assert questions.loc["DRV", "dp_chief_data_officers"] == pytest.approx(0.8)


def test_dimensions_by_hand(scores: TreeScores) -> None:
    frame = scores.values.loc[COUNTRIES, DIMENSIONS]
    expected = {
        "AVL": [1, 0.5, 0.75, 1, 0.25, 0],
        "BRD": [0.25, 0.1, 0, 0.5, 0.5, 0.75],
        "CRP": [1, 1, 1, 1, 1, 1],
        "DRV": [0.75, 0.9, 0.75, 0.25, 1, 0.5],
        "ELB": [0, 0, 0, 0, 0, 0],
    }
    np.testing.assert_allclose(frame.to_numpy(), np.array([expected[c] for c in COUNTRIES]), atol=1e-12)


def test_dgi_by_hand(scores: TreeScores) -> None:
    dgi = scores.values.loc[COUNTRIES, "dgi"]
    np.testing.assert_allclose(dgi, [7 / 12, 0.35, 1, 83 / 120, 0], atol=1e-12)
    assert dgi.round(3).tolist() == [0.583, 0.35, 1.0, 0.692, 0.0]


def test_ranks(catalogue: Catalogue, scores: TreeScores) -> None:
    ranks = competition_rank(scores.values.loc[COUNTRIES, "dgi"], decimals=catalogue.scoring.rank_decimals)
    assert dict(zip(COUNTRIES, ranks.tolist(), strict=True)) == {"CRP": 1, "DRV": 2, "AVL": 3, "BRD": 4, "ELB": 5}


def test_every_country_fully_covered(scores: TreeScores) -> None:
    assert (scores.coverage == 1.0).all().all()
    assert (scores.reasons == "").all().all()
