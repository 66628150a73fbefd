"""Properties of every normaliser and aggregator: range, direction, NaN, equal inputs, renormalised weights."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from metrics.aggregate import (
    REASON_LOW_COVERAGE,
    REASON_NEGATIVE,
    REASON_NO_DATA,
    REASON_OK,
    aggregate,
    aggregate_tree,
    describe_reasons,
    weighted_arithmetic,
)
from metrics.catalogue import default_catalogue
from metrics.normalise import (
    competition_rank,
    distance_to_target,
    goalposts,
    min_max,
    normalise,
    rank,
    z_score,
)

Array = npt.NDArray[np.float64]
METHODS = ("arithmetic", "geometric", "harmonic")

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False)
maybe_missing = st.one_of(finite, st.just(np.nan))
vectors = hnp.arrays(np.float64, st.integers(1, 25), elements=maybe_missing)
scores = st.floats(0, 100, allow_nan=False, allow_subnormal=False)
score_tables = st.integers(1, 6).flatmap(
    lambda k: st.tuples(
        hnp.arrays(np.float64, st.tuples(st.integers(1, 8), st.just(k)), elements=st.one_of(scores, st.just(np.nan))),
        hnp.arrays(np.float64, k, elements=st.floats(0.1, 10)),
    )
)


def _in_range(result: Array, low: float = 0.0, high: float = 100.0) -> bool:
    present = result[~np.isnan(result)]
    return bool(np.all((present >= low) & (present <= high)))


def _order_agrees(values: Array, result: Array, direction: int) -> bool:
    """Wherever a < b (both present), the score of a is ≤ (direction 1) or ≥ (direction −1) that of b."""
    present = ~np.isnan(values)
    a, s = values[present], result[present]
    lower = a[:, None] < a[None, :]
    if direction == 1:
        return bool(np.all(~lower | (s[:, None] <= s[None, :])))
    return bool(np.all(~lower | (s[:, None] >= s[None, :])))


# --- normalisers --------------------------------------------------------------------------------------------


@given(vectors, st.sampled_from([1, -1]))
def test_min_max_range_nan_and_direction(values: Array, direction: int) -> None:
    result = min_max(values, direction=direction)  # type: ignore[arg-type]
    assert np.array_equal(np.isnan(result), np.isnan(values))
    assert _in_range(result)
    assert _order_agrees(values, result, direction)


@given(vectors)
def test_min_max_reversed_is_the_complement(values: Array) -> None:
    present = values[~np.isnan(values)]
    assume(present.size and present.max() > present.min())
    np.testing.assert_allclose(min_max(values, direction=-1), 100 - min_max(values), atol=1e-9)


@given(vectors, st.sampled_from([1, -1]))
def test_rank_range_nan_and_direction(values: Array, direction: int) -> None:
    result = rank(values, direction=direction)  # type: ignore[arg-type]
    assert np.array_equal(np.isnan(result), np.isnan(values))
    assert _in_range(result)
    assert _order_agrees(values, result, direction)


@given(vectors, st.sampled_from([1, -1]))
def test_z_score_nan_centre_and_direction(values: Array, direction: int) -> None:
    result = z_score(values, direction=direction)  # type: ignore[arg-type]
    assert np.array_equal(np.isnan(result), np.isnan(values))
    present = result[~np.isnan(result)]
    if present.size:
        assert abs(present.mean()) < 1e-6
    assert _order_agrees(values, result, direction)
    np.testing.assert_allclose(z_score(values, direction=-1), -z_score(values), atol=1e-12)


@given(vectors, finite, finite, st.sampled_from([1, -1]))
def test_goalposts_range_nan_and_direction(values: Array, a: float, b: float, direction: int) -> None:
    assume(abs(a - b) > 1e-3)
    lower, upper = min(a, b), max(a, b)
    result = goalposts(values, lower=lower, upper=upper, direction=direction)  # type: ignore[arg-type]
    assert np.array_equal(np.isnan(result), np.isnan(values))
    assert _in_range(result)
    assert _order_agrees(values, result, direction)


@given(vectors, finite, finite)
def test_distance_to_target_range_nan_and_direction(values: Array, baseline: float, target: float) -> None:
    direction = 1 if target >= baseline else -1
    result = distance_to_target(values, baseline=baseline, target=target, direction=direction)  # type: ignore[arg-type]
    assert np.array_equal(np.isnan(result), np.isnan(values))
    assert _in_range(result)
    assert _order_agrees(values, result, direction)


def test_distance_to_target_by_hand() -> None:
    # baseline 20 → target 100: 60 is half way; beyond the target is capped at 100, behind the baseline at 0.
    assert distance_to_target([60.0, 140.0, 0.0], baseline=20, target=100).tolist() == [50.0, 100.0, 0.0]
    # Per-agency baselines broadcast: each agency is measured from its own start.
    assert distance_to_target([60.0, 60.0], baseline=[20.0, 40.0], target=100).tolist() == pytest.approx(
        [50.0, 100 / 3]
    )
    # Nothing required (baseline already at target): 100 if held, 0 if fallen back.
    assert distance_to_target([100.0, 90.0], baseline=100, target=100).tolist() == [100.0, 0.0]


@given(vectors, st.sampled_from([1, -1]))
def test_competition_rank_is_one_plus_strictly_better(values: Array, direction: int) -> None:
    result = competition_rank(values, direction=direction)  # type: ignore[arg-type]
    assert np.array_equal(np.isnan(result), np.isnan(values))
    present = values[~np.isnan(values)]
    for value, place in zip(values, result, strict=True):
        if np.isnan(value):
            continue
        better = np.sum(present > value) if direction == 1 else np.sum(present < value)
        assert place == better + 1


def test_competition_rank_1224() -> None:
    assert competition_rank([80.0, 95.0, 80.0, 70.0]).tolist() == [2.0, 1.0, 2.0, 4.0]


@given(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6), st.integers(1, 4)), elements=maybe_missing)
)
def test_set_relative_normalisers_work_along_an_axis(block: Array) -> None:
    for method in ("min_max", "z_score", "rank"):
        whole = normalise(method, block, axis=1)
        for draw in range(block.shape[0]):
            for column in range(block.shape[2]):
                one = normalise(method, block[draw, :, column])
                np.testing.assert_allclose(whole[draw, :, column], one, equal_nan=True, atol=1e-9)


# --- aggregators --------------------------------------------------------------------------------------------


@given(score_tables, st.sampled_from(METHODS))
def test_aggregate_lies_between_present_components(table: tuple[Array, Array], method: str) -> None:
    values, weights = table
    result = aggregate(values, weights, method=method).values  # type: ignore[arg-type]
    for row, value in zip(values, result, strict=True):
        present = row[~np.isnan(row)]
        if present.size == 0:
            assert np.isnan(value)
        else:
            assert present.min() - 1e-9 <= value <= present.max() + 1e-9
    assert _in_range(result)


@given(st.integers(1, 8), scores, hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(0.1, 10)))
def test_equal_inputs_aggregate_to_themselves(rows: int, value: float, weights: Array) -> None:
    values = np.full((rows, weights.size), value)
    for method in METHODS:
        result = aggregate(values, weights, method=method).values  # type: ignore[arg-type]
        np.testing.assert_allclose(result, value, rtol=1e-9, atol=1e-9)


@given(score_tables, st.sampled_from(METHODS))
def test_dropping_a_missing_component_equals_renormalised_weights(table: tuple[Array, Array], method: str) -> None:
    values, weights = table
    result = aggregate(values, weights, method=method).values  # type: ignore[arg-type]
    for row, value in zip(values, result, strict=True):
        present = ~np.isnan(row)
        if not present.any():
            continue
        kept = weights[present] / weights[present].sum()
        alone = aggregate(row[present][None, :], kept, method=method).values[0]  # type: ignore[arg-type]
        np.testing.assert_allclose(value, alone, rtol=1e-9, atol=1e-9)


@given(score_tables, st.sampled_from(METHODS))
def test_all_missing_row_stays_missing_with_a_reason(table: tuple[Array, Array], method: str) -> None:
    values, weights = table
    values = values.copy()
    values[0, :] = np.nan
    result = aggregate(values, weights, method=method)  # type: ignore[arg-type]
    assert np.isnan(result.values[0])
    assert result.reason[0] == REASON_NO_DATA


@given(score_tables, st.sampled_from(METHODS), st.floats(0, 1))
def test_min_coverage(table: tuple[Array, Array], method: str, needed: float) -> None:
    values, weights = table
    result = aggregate(values, weights, method=method, min_coverage=needed)  # type: ignore[arg-type]
    share = (~np.isnan(values)).mean(axis=1)
    low = (share < needed) & (share > 0)
    assert np.all(np.isnan(result.values[low]))
    assert np.all(result.reason[low] == REASON_LOW_COVERAGE)
    assert np.all(result.reason[share >= needed][share[share >= needed] > 0] == REASON_OK)


@given(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 5), st.integers(1, 4)), elements=scores),
    st.sampled_from(METHODS),
)
def test_aggregators_broadcast_over_draws(block: Array, method: str) -> None:
    rng = np.random.default_rng(0)
    per_draw = rng.uniform(0.5, 2.0, size=(block.shape[0], 1, block.shape[2]))
    whole = aggregate(block, per_draw, method=method).values  # type: ignore[arg-type]
    assert whole.shape == block.shape[:2]
    for draw in range(block.shape[0]):
        one = aggregate(block[draw], per_draw[draw, 0], method=method).values  # type: ignore[arg-type]
        np.testing.assert_allclose(whole[draw], one, rtol=1e-12, atol=1e-12)


def test_means_by_hand() -> None:
    values = [[25.0, 100.0]]
    assert aggregate(values, [1, 1], method="arithmetic").values[0] == pytest.approx(62.5)
    assert aggregate(values, [1, 1], method="geometric").values[0] == pytest.approx(50.0)  # √(25·100)
    assert aggregate(values, [1, 1], method="harmonic").values[0] == pytest.approx(40.0)  # 2 / (1/25 + 1/100)
    assert aggregate([[0.0, 100.0]], [1, 1], method="geometric").values[0] == 0.0
    assert aggregate([[0.0, 100.0]], [1, 1], method="harmonic").values[0] == 0.0


def test_negative_components_have_no_geometric_mean() -> None:
    result = aggregate([[-1.0, 4.0]], [1, 1], method="geometric")
    assert np.isnan(result.values[0]) and result.reason[0] == REASON_NEGATIVE
    assert aggregate([[-1.0, 4.0]], [1, 1], method="arithmetic").values[0] == 1.5


def test_negative_weights_are_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        weighted_arithmetic([[1.0, 2.0]], [1.0, -1.0])


def test_reasons_read_as_sentences() -> None:
    result = weighted_arithmetic(
        [[50.0, np.nan, np.nan, np.nan], [10.0, 20.0, 30.0, np.nan]], [1, 1, 1, 1], min_coverage=0.6
    )
    assert describe_reasons(result, min_coverage=0.6).tolist() == [
        "1 of 4 components reported (25%); at least 60% needed",
        "",
    ]
    assert result.values[1] == pytest.approx(20.0)


def test_default_tree_scores_without_the_log_pillar() -> None:
    catalogue = default_catalogue()
    reported = [i.code for i in catalogue.indicators if i.parent != "observed"]
    scores = pd.DataFrame({code: [50.0, np.nan] for code in reported}, index=["QOM-REG", "QOM-TAX"])
    scores.loc["QOM-TAX", "electronic_files_pct"] = 80.0
    tree = aggregate_tree(catalogue, scores)
    # Every reported pillar at 50: the index is 50 although the log pillar is missing (9 of 10 present).
    assert tree.values.loc["QOM-REG", "egov_index"] == pytest.approx(50.0)
    assert np.isnan(tree.values.loc["QOM-REG", "observed"])
    assert tree.reasons.loc["QOM-REG", "observed"] == "no data"
    assert tree.coverage.loc["QOM-REG", "egov_index"] == pytest.approx(0.9)
    # An agency that reported one pillar of ten is not scored, and is told why.
    assert np.isnan(tree.values.loc["QOM-TAX", "egov_index"])
    assert tree.reasons.loc["QOM-TAX", "egov_index"].startswith("1 of 10 components reported")


def test_tree_weights_and_method_can_be_overridden() -> None:
    catalogue = default_catalogue()
    scores = pd.DataFrame({i.code: [100.0 if i.parent == "files" else 0.0] for i in catalogue.indicators})
    base = aggregate_tree(catalogue, scores).values.loc[0, "egov_index"]
    heavier = aggregate_tree(catalogue, scores, weights={"files": 10.0}).values.loc[0, "egov_index"]
    assert heavier > base
    assert aggregate_tree(catalogue, scores, method="geometric").values.loc[0, "egov_index"] == 0.0
