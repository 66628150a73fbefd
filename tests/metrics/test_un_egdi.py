"""The UN EGDI, declared as a catalogue and computed by the engine, against values worked out by hand.

How the example data was built so the arithmetic can be done on paper (data/catalogues/un-egdi-example.csv,
six made-up countries AVL, BRD, CRP, DRV, ELB, FRD in that order):

Every TII and HCI indicator is ``centre + step × pattern`` where each pattern is an ordering of
(−2, −1, 0, 0, 1, 2): mean 0, sum of squares 10. So every z-score is ``pattern / √(10/6)`` whatever the
centre and step, the common factor √(10/6) cancels in the min-max rescaling, and each sub-index is the
min-max of a weighted SUM of patterns.

TII (equal weights), patterns by indicator:
    internet users    60 + 10p: p = (−2, −1,  0, 0, 1, 2)
    fixed telephone   20 +  5p: p = (−1, −2,  0, 1, 0, 2)
    mobile           110 + 15p: p = (−2,  0, −1, 1, 0, 2)
    wireless bb       50 + 20p: p = (−1, −2,  1, 0, 0, 2)
    fixed bb          15 +  5p: p = (−2, −1,  0, 1, 0, 2)
    sum S             = (−8, −6, 0, 3, 1, 10)  → TII = (S + 8) / 18 = (0, 2/18, 8/18, 11/18, 9/18, 1)

HCI (weights 1/3, 2/9, 2/9, 2/9 ∝ 3, 2, 2, 2):
    literacy          85 + 5p:   p = (−2, −1, 0, 0, 1, 2)   × 3 → (−6, −3, 0, 0, 3, 6)
    gross enrolment   80 + 5p:   p = (−1, −2, 0, 0, 1, 2)
    expected years    13 + 1p:   p = (−2, −1, 0, 0, 2, 1)
    mean years         9 + 1.5p: p = (−2, −1, 1, 0, 0, 2)
    2 × (sum of last three) = 2 × (−5, −4, 1, 0, 3, 5) = (−10, −8, 2, 0, 6, 10)
    H = (−16, −11, 2, 0, 9, 16)  → HCI = (H + 16) / 32 = (0, 5/32, 18/32, 16/32, 25/32, 1)

OSI raw = (0.30, 0.40, 0.55, 0.50, 0.70, 0.78) → OSI = (raw − 0.30) / 0.48 = (0, 5/24, 25/48, 5/12, 5/6, 1)

EGDI = (OSI + TII + HCI) / 3, over 288ths inside the bracket:
    AVL: 0                                      → 0
    BRD: 60 + 32 + 45   = 137 / 288 → / 3       → 137/864 ≈ 0.1586
    CRP: 150 + 128 + 162 = 440 / 288            → 440/864 ≈ 0.5093
    DRV: 120 + 176 + 144 = 440 / 288            → 440/864 ≈ 0.5093   (tied with CRP)
    ELB: 240 + 144 + 225 = 609 / 288            → 609/864 ≈ 0.7049
    FRD: 3                                      → 1
Competition ("1224") ranks: FRD 1, ELB 2, CRP 3, DRV 3, BRD 5, AVL 6.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from metrics.aggregate import TreeScores, aggregate_tree
from metrics.catalogue import CATALOGUE_DIR, Catalogue, load_catalogue
from metrics.formulas import evaluate_indicators
from metrics.normalise import competition_rank, normalise

COUNTRIES = ["AVL", "BRD", "CRP", "DRV", "ELB", "FRD"]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(CATALOGUE_DIR / "un-egdi.yaml")


@pytest.fixture(scope="module")
def scores(catalogue: Catalogue) -> TreeScores:
    data = pd.read_csv(CATALOGUE_DIR / "un-egdi-example.csv").set_index("country")
    values, _ = evaluate_indicators(catalogue.indicators, data)
    normalised = pd.DataFrame(
        {
            i.code: normalise(
                i.normalisation or catalogue.scoring.normalisation, values[i.code].to_numpy(), direction=i.direction
            )
            for i in catalogue.indicators
        },
        index=values.index,
    )
    return aggregate_tree(catalogue, normalised)


def test_catalogue_declares_the_un_structure(catalogue: Catalogue) -> None:
    assert [n.code for n in catalogue.children("egdi")] == ["osi", "tii", "hci"]
    assert len(catalogue.children("tii")) == 5
    weights = [n.weight for n in catalogue.children("hci")]
    assert np.allclose(np.array(weights) / sum(weights), [1 / 3, 2 / 9, 2 / 9, 2 / 9])
    assert catalogue.scoring.score_max == 1 and catalogue.scoring.normalisation == "z_score"


def test_sub_indices_by_hand(scores: TreeScores) -> None:
    frame = scores.values.loc[COUNTRIES]
    np.testing.assert_allclose(frame["osi"], [0, 5 / 24, 25 / 48, 5 / 12, 5 / 6, 1], atol=1e-12)
    np.testing.assert_allclose(frame["tii"], [0, 2 / 18, 8 / 18, 11 / 18, 9 / 18, 1], atol=1e-12)
    np.testing.assert_allclose(frame["hci"], [0, 5 / 32, 18 / 32, 16 / 32, 25 / 32, 1], atol=1e-12)


def test_egdi_by_hand(scores: TreeScores) -> None:
    egdi = scores.values.loc[COUNTRIES, "egdi"]
    np.testing.assert_allclose(egdi, [0, 137 / 864, 440 / 864, 440 / 864, 609 / 864, 1], atol=1e-12)
    assert egdi.round(4).tolist() == [0.0, 0.1586, 0.5093, 0.5093, 0.7049, 1.0]


def test_competition_ranks_1224(catalogue: Catalogue, scores: TreeScores) -> None:
    egdi = scores.values.loc[COUNTRIES, "egdi"].to_numpy()
    ranks = competition_rank(egdi, decimals=catalogue.scoring.rank_decimals)
    assert dict(zip(COUNTRIES, ranks.tolist(), strict=True)) == {
        "FRD": 1,
        "ELB": 2,
        "CRP": 3,
        "DRV": 3,
        "BRD": 5,
        "AVL": 6,
    }


def test_every_country_fully_covered(scores: TreeScores) -> None:
    assert (scores.coverage == 1.0).all().all()
    assert (scores.reasons == "").all().all()
