"""Lower-is-better indicators: scored from their worst value to the plan's target, by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import ValidationError

from metrics.catalogue import Catalogue
from metrics.score import ScoringSpec, normalise_year

PLAN = {"code": "fifth", "name_fa": "پنجم", "name_en": "Fifth", "first_year": 1390, "target_year": 1394}
GROUPS = [
    {"code": "index", "name_fa": "شاخص", "name_en": "Index"},
    {"code": "paper", "parent": "index", "name_fa": "کاغذ", "name_en": "Paper"},
]


def _catalogue(**indicator: object) -> Catalogue:
    base = {
        "code": "paper_copies_per_inquiry",
        "parent": "paper",
        "name_fa": "کپی کاغذی به ازای استعلام",
        "name_en": "Paper copies per inquiry",
        "unit": "copies",
        "direction": -1,
        "formula": {"op": "value", "field": "inquiries_paper"},
        "target": 0,
    }
    return Catalogue.model_validate(
        {"version": "t/1", "plan": PLAN, "groups": GROUPS, "indicators": [{**base, **indicator}]}
    )


def test_lower_is_better_runs_from_its_worst_value_to_the_target() -> None:
    catalogue = _catalogue(goalposts=[0, 10])  # worst 10 copies, target 0
    values = pd.DataFrame({"paper_copies_per_inquiry": [10.0, 5.0, 0.0, 12.0, None]}, index=list("ABCDE"))

    scores = normalise_year(catalogue, values, spec=ScoringSpec.default_for(catalogue))

    # (10 − value) / (10 − 0) × 100, capped to 0–100; missing stays missing
    assert scores["paper_copies_per_inquiry"].tolist()[:4] == pytest.approx([0.0, 50.0, 100.0, 0.0])
    assert pd.isna(scores["paper_copies_per_inquiry"].iloc[4])


def test_a_target_inside_the_goalposts_is_the_full_score() -> None:
    catalogue = _catalogue(goalposts=[0, 10], target=2)  # reaching 2 copies meets the plan
    values = pd.DataFrame({"paper_copies_per_inquiry": [2.0, 6.0]}, index=["A", "B"])
    scores = normalise_year(catalogue, values, spec=ScoringSpec.default_for(catalogue))
    assert scores["paper_copies_per_inquiry"].tolist() == pytest.approx([100.0, 50.0])  # (10 − 6) / (10 − 2)


def test_lower_is_better_without_goalposts_is_refused() -> None:
    with pytest.raises(ValidationError, match="needs goalposts"):
        _catalogue()
