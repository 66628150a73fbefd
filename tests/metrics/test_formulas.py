"""Formulas: declared operations over reported fields, vectorised; missing or divide-by-zero is NaN, not 0."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.schema import FORM_FIELDS
from metrics.catalogue import (
    BooleanFormula,
    ChoiceScoreFormula,
    LevelScoreFormula,
    RatioFormula,
    ShareOfSumFormula,
    ValueFormula,
    default_catalogue,
)
from metrics.formulas import apply_missing, evaluate_formula, evaluate_indicator, evaluate_indicators

NAN = float("nan")


def _same(actual: pd.Series, expected: list[float]) -> None:
    np.testing.assert_allclose(actual.to_numpy(dtype=float), np.array(expected, dtype=float), equal_nan=True)


def test_ratio_zero_denominator_and_missing_input_are_missing() -> None:
    frame = pd.DataFrame({"files_electronic": [30, 5, None, 0], "files_total": [120, 0, 10, 10]})
    formula = RatioFormula(op="ratio", numerator="files_electronic", denominator="files_total")
    _same(evaluate_formula(formula, frame), [25.0, NAN, NAN, 0.0])


def test_ratio_sums_lists_and_any_missing_part_is_missing() -> None:
    frame = pd.DataFrame({"services_transactional": [3, 1], "services_integrated": [1, None], "services_total": [8, 4]})
    formula = RatioFormula(
        op="ratio", numerator=("services_transactional", "services_integrated"), denominator="services_total"
    )
    _same(evaluate_formula(formula, frame), [50.0, NAN])


def test_share_of_sum() -> None:
    frame = pd.DataFrame({"inquiries_online": [30, 0, None], "inquiries_paper": [10, 0, 5]})
    formula = ShareOfSumFormula(
        op="share_of_sum", part="inquiries_online", parts=("inquiries_online", "inquiries_paper")
    )
    _same(evaluate_formula(formula, frame), [75.0, NAN, NAN])  # 0 of 0 is unknown, not 0%


def test_boolean_scores_yes_100_no_0() -> None:
    frame = pd.DataFrame({"digital_signature": [1, 0, None, 7]})
    _same(evaluate_formula(BooleanFormula(op="boolean", field="digital_signature"), frame), [100.0, 0.0, NAN, NAN])


def test_level_score_is_mean_over_all_services() -> None:
    frame = pd.DataFrame(
        {
            "services_informational": [4, 0, 1],
            "services_interactive": [2, 0, None],
            "services_transactional": [2, 0, 0],
            "services_integrated": [0, 0, 0],
            "services_total": [10, 0, 5],
        }
    )
    formula = LevelScoreFormula(
        op="level_score",
        counts={
            "services_informational": 25,
            "services_interactive": 50,
            "services_transactional": 75,
            "services_integrated": 100,
        },
        total="services_total",
    )
    # (4·25 + 2·50 + 2·75 + 0·100) / 10 = 350 / 10 = 35; the 2 non-electronic services count as 0.
    _same(evaluate_formula(formula, frame), [35.0, NAN, NAN])


def test_choice_score_by_ordinal() -> None:
    frame = pd.DataFrame({"service_desk": [0, 1, 2, 3, 1.5, None]})
    formula = ChoiceScoreFormula(op="choice_score", field="service_desk", scores=(0, 40, 100))
    _same(evaluate_formula(formula, frame), [0.0, 40.0, 100.0, NAN, NAN, NAN])


def test_absent_column_is_missing_not_zero() -> None:
    frame = pd.DataFrame({"files_total": [1, 2]})
    _same(evaluate_formula(ValueFormula(op="value", field="log.digital_takeup_pct"), frame), [NAN, NAN])


def test_missing_treatments() -> None:
    index = pd.MultiIndex.from_tuples(
        [("B", "1391"), ("A", "1392"), ("A", "1391"), ("A", "1393"), ("B", "1392")], names=["agency", "period"]
    )
    values = pd.Series([NAN, NAN, 40.0, NAN, 10.0], index=index)
    kept = apply_missing(values, "missing")
    assert kept.values.isna().sum() == 3 and not kept.imputed.any()
    zero = apply_missing(values, "zero")
    _same(zero.values, [0.0, 0.0, 40.0, 0.0, 10.0])
    assert zero.imputed.tolist() == [True, True, False, True, False]
    carried = apply_missing(values, "carry_forward", entity_level="agency")
    _same(carried.values, [NAN, 40.0, 40.0, 40.0, 10.0])  # B had nothing to carry in 1391
    assert carried.imputed.tolist() == [False, True, False, True, False]


def test_default_catalogue_on_a_full_report() -> None:
    catalogue = default_catalogue()
    report = {spec.code: 0.0 for spec in FORM_FIELDS if spec.kind in {"count", "percent", "yes_no", "choice"}}
    report.update(
        files_total=200,
        files_electronic=50,
        processes_total=40,
        processes_electronic=10,
        services_total=20,
        services_informational=4,
        services_interactive=4,
        services_transactional=4,
        services_integrated=4,
        services_counter_eligible=10,
        services_at_counters=5,
        letters_total=1000,
        letters_automated=900,
        printers_total=10,
        printers_withdrawn=2,
        inquiries_online=60,
        inquiries_paper=40,
        digital_signature=1,
        government_network=1,
        setad_procurement=0,
        service_desk=1,
        representatives_total=4,
        representatives_trained=2,
        representatives_certified=1,
    )
    values, imputed = evaluate_indicators(catalogue.indicators, pd.DataFrame([report]))
    row = values.iloc[0]
    expected = {
        "electronic_files_pct": 25.0,
        "electronic_processes_pct": 25.0,
        "e_services_pct": 80.0,
        "e_services_maturity_score": (4 * 25 + 4 * 50 + 4 * 75 + 4 * 100) / 20,  # 50
        "e_services_transactional_pct": 40.0,
        "automated_letters_pct": 90.0,
        "printers_withdrawn_pct": 20.0,
        "digital_signature": 100.0,
        "government_network": 100.0,
        "setad_procurement": 0.0,
        "online_inquiries_pct": 60.0,
        "service_desk_stage": 40.0,
        "counter_services_pct": 50.0,
        "representatives_trained_pct": 50.0,
        "representatives_certified_pct": 25.0,
    }
    for code, value in expected.items():
        assert row[code] == pytest.approx(value), code
    assert math.isnan(row["digital_takeup_pct"]) and math.isnan(row["completion_rate_pct"])
    assert not imputed.to_numpy().any()


def test_indicator_missing_treatment_applies() -> None:
    catalogue = default_catalogue()
    indicator = catalogue.indicator("printers_withdrawn_pct").model_copy(update={"missing": "zero"})
    result = evaluate_indicator(indicator, pd.DataFrame({"printers_total": [0], "printers_withdrawn": [0]}))
    assert result.values.tolist() == [0.0] and result.imputed.tolist() == [True]


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=30))
def test_ratio_of_part_to_whole_is_a_percentage(pairs: list[tuple[int, int]]) -> None:
    part = [min(a, b) for a, b in pairs]
    whole = [max(a, b) for a, b in pairs]
    frame = pd.DataFrame({"files_electronic": part, "files_total": whole})
    result = evaluate_formula(RatioFormula(op="ratio", numerator="files_electronic", denominator="files_total"), frame)
    for value, total in zip(result, whole, strict=True):
        if total == 0:
            assert math.isnan(value)
        else:
            assert 0.0 <= value <= 100.0
