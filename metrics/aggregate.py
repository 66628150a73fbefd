"""Aggregators: weighted arithmetic (default), geometric and harmonic means over the last axis.

``values`` hold components in the last axis (entities × components, or draws × entities × components
for the Monte Carlo); ``weights`` broadcast against them, so one weight vector, one per draw
(``draws × 1 × components``) or one per entity all work without a Python loop.

Missing is not zero: weights are renormalised over the components present in each row, and a row
whose share of present components is below ``min_coverage`` is NaN with a reason code saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from metrics.catalogue import Aggregation, Catalogue, GroupAggregation
from metrics.normalise import min_max

FloatArray = npt.NDArray[np.float64]

REASON_OK = 0
REASON_NO_DATA = 1
REASON_LOW_COVERAGE = 2
REASON_NEGATIVE = 3
REASONS: dict[int, str] = {
    REASON_OK: "",
    REASON_NO_DATA: "no data",
    REASON_LOW_COVERAGE: "too few components reported",
    REASON_NEGATIVE: "a negative component has no geometric or harmonic mean",
}


class Aggregated(NamedTuple):
    """Aggregate values with the share of components present and why any value is NaN."""

    values: FloatArray
    coverage: FloatArray
    reported: npt.NDArray[np.int64]
    components: int
    reason: npt.NDArray[np.int8]


class _Prepared(NamedTuple):
    value: FloatArray  # as given, NaN where missing
    filled: FloatArray  # missing components as 0, to be multiplied by their 0 weight
    live: FloatArray  # weights broadcast to the values, 0 where the component is missing
    present: npt.NDArray[np.bool_]
    total: FloatArray  # sum of live weights per row


def _fold(ufunc: np.ufunc, array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``ufunc.reduce`` over the last axis, as a loop over the components when there are few.

    NumPy reduces a short last axis one row at a time, which is slow for many rows of a few
    components; folding whole component columns is many times faster and, below eight components,
    adds in the same order as NumPy's own sum, so the result is the same to the last bit.
    """
    if array.shape[-1] >= 8:
        return np.asarray(ufunc.reduce(array, axis=-1))
    result = array[..., 0].copy()
    for k in range(1, array.shape[-1]):
        result = ufunc(result, array[..., k])
    return result


def _prepare(values: npt.ArrayLike, weights: npt.ArrayLike) -> _Prepared:
    """Values and weights, with the weight of every missing component set to 0 (the renormalisation)."""
    value = np.asarray(values, dtype=np.float64)
    if value.ndim == 0 or value.shape[-1] == 0:
        raise ValueError("aggregation needs at least one component in the last axis")
    weight = np.asarray(weights, dtype=np.float64)
    if np.any(weight < 0) or np.any(np.isnan(weight)):
        raise ValueError("weights must be non-negative numbers")
    present = ~np.isnan(value)
    live = np.where(present, weight, 0.0)
    return _Prepared(value, np.where(present, value, 0.0), live, present, _fold(np.add, live))


def _finish(mean: FloatArray, prepared: _Prepared, min_coverage: float) -> Aggregated:
    """Blank out rows with no usable weight or too little coverage, recording the reason."""
    # Every weighted mean lies between the smallest and largest component; clipping to that range only
    # removes rounding (exp(log(100)) is 100.00000000000001), so a 0–100 score stays within 0–100.
    low = _fold(np.fmin, prepared.value)
    high = _fold(np.fmax, prepared.value)
    mean = np.clip(mean, low, high)
    reported = _fold(np.add, prepared.present.astype(np.int64))
    coverage = reported / prepared.present.shape[-1]
    no_weight = prepared.total <= 0
    reason = np.where(np.isnan(mean), REASON_NEGATIVE, REASON_OK)
    reason = np.where(coverage < min_coverage, REASON_LOW_COVERAGE, reason)
    reason = np.where(no_weight, REASON_NO_DATA, reason).astype(np.int8)
    values = np.where(reason == REASON_OK, mean, np.nan)
    return Aggregated(values, coverage, reported, prepared.present.shape[-1], reason)


def weighted_arithmetic(values: npt.ArrayLike, weights: npt.ArrayLike, *, min_coverage: float = 0.0) -> Aggregated:
    """``sum(w·x) / sum(w)`` over present components; full compensation between components.

    >>> weighted_arithmetic([[50.0, 100.0, np.nan]], [1.0, 3.0, 4.0]).values.tolist()
    [87.5]
    """
    prepared = _prepare(values, weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.einsum("...k,...k->...", prepared.live, prepared.filled) / prepared.total
    return _finish(mean, prepared, min_coverage)


def _has_negative(prepared: _Prepared) -> npt.NDArray[np.bool_]:
    return _fold(np.logical_or, (prepared.live > 0) & (prepared.filled < 0))


def weighted_geometric(values: npt.ArrayLike, weights: npt.ArrayLike, *, min_coverage: float = 0.0) -> Aggregated:
    """``exp(sum(w·ln x) / sum(w))``: a weak component cannot be fully made up by a strong one.

    Needs non-negative components; a zero component makes the aggregate zero.

    >>> weighted_geometric([[25.0, 100.0]], [1.0, 1.0]).values.round(6).tolist()
    [50.0]
    """
    prepared = _prepare(values, weights)
    live = prepared.live
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(live > 0, np.fmax(prepared.filled, 0.0), 1.0))
        mean = np.exp(np.einsum("...k,...k->...", live, np.where(live > 0, logs, 0.0)) / prepared.total)
    return _finish(np.where(_has_negative(prepared), np.nan, mean), prepared, min_coverage)


def weighted_harmonic(values: npt.ArrayLike, weights: npt.ArrayLike, *, min_coverage: float = 0.0) -> Aggregated:
    """``sum(w) / sum(w / x)``: the least compensatory of the three; a zero component gives zero.

    >>> weighted_harmonic([[20.0, 60.0, np.nan]], [1.0, 1.0, 5.0]).values.round(6).tolist()
    [30.0]
    """
    prepared = _prepare(values, weights)
    live = prepared.live
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        inverse = _fold(np.add, np.where(live > 0, live / np.where(live > 0, prepared.filled, 1.0), 0.0))
        mean = np.where(np.isinf(inverse), 0.0, prepared.total / inverse)
    return _finish(np.where(_has_negative(prepared), np.nan, mean), prepared, min_coverage)


def best_of(values: npt.ArrayLike, weights: npt.ArrayLike, *, min_coverage: float = 0.0) -> Aggregated:
    """The highest present component: a published rule such as the EU benchmark's best-of over providers.

    Weights do not scale anything here; a component counts when it is present (and its weight positive).

    >>> best_of([[25.0, 75.0, np.nan], [np.nan, np.nan, np.nan]], [1.0, 1.0, 1.0]).values.tolist()
    [75.0, nan]
    """
    prepared = _prepare(values, weights)
    counted = prepared.live > 0
    best = np.max(np.where(counted, prepared.filled, -np.inf), axis=-1)
    return _finish(np.where(counted.any(axis=-1), best, np.nan), prepared, min_coverage)


# The compensatory means a scoring spec or a sensitivity run may choose between.
AGGREGATORS: dict[str, Callable[..., Aggregated]] = {
    "arithmetic": weighted_arithmetic,
    "geometric": weighted_geometric,
    "harmonic": weighted_harmonic,
}
# Rules an index declares on a group as part of its published method; never offered as alternatives.
RULE_AGGREGATORS: dict[str, Callable[..., Aggregated]] = {"maximum": best_of}


def aggregate(
    values: npt.ArrayLike,
    weights: npt.ArrayLike,
    *,
    method: GroupAggregation = "arithmetic",
    min_coverage: float = 0.0,
) -> Aggregated:
    """Aggregate by a method named in a scoring spec or declared on a group."""
    aggregator = AGGREGATORS.get(method) or RULE_AGGREGATORS[method]
    return aggregator(values, weights, min_coverage=min_coverage)


def describe_reasons(result: Aggregated, *, min_coverage: float) -> npt.NDArray[np.object_]:
    """Reason codes as sentences a reader can act on; empty where the value stands.

    >>> result = weighted_arithmetic([[1.0, np.nan, np.nan], [np.nan] * 3, [1.0, 2.0, 3.0]], [1, 1, 1], min_coverage=0.5)
    >>> describe_reasons(result, min_coverage=0.5).tolist()
    ['1 of 3 components reported (33%); at least 50% needed', 'no data', '']
    """
    reason = np.asarray(result.reason)
    sentences = np.array([REASONS.get(code, "") for code in range(max(REASONS) + 1)], dtype=object)
    text = sentences[reason.astype(np.intp)]  # a lookup, not a Python loop over every entity
    for position in zip(*np.nonzero(reason == REASON_LOW_COVERAGE), strict=True):
        reported, share = int(result.reported[position]), float(result.coverage[position])
        text[position] = (
            f"{reported} of {result.components} components reported ({share:.0%}); at least {min_coverage:.0%} needed"
        )
    return text


class TreeScores(NamedTuple):
    """Scores of every group in a catalogue tree, with the reason any of them is missing."""

    values: pd.DataFrame
    coverage: pd.DataFrame
    reasons: pd.DataFrame


def _columns(arrays: Mapping[str, FloatArray], order: list[str], rows: int) -> FloatArray:
    """One 2-D block (a DataFrame builds from it at once, not column by column)."""
    return np.column_stack([arrays[code] for code in order]) if order else np.empty((rows, 0))


def aggregate_tree(
    catalogue: Catalogue,
    indicator_scores: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    method: Aggregation | None = None,
    method_by_level: Mapping[int, Aggregation] | None = None,
    min_coverage: float | None = None,
) -> TreeScores:
    """Aggregate normalised indicator scores up the tree, deepest groups first.

    ``indicator_scores`` has one row per entity and one column per indicator code (absent columns are
    missing). Each group uses its own declared aggregation (part of an index's definition, like the EU
    benchmark's best-of), else ``method_by_level`` for its depth (0 the index, 1 the pillars, …), else
    ``method``, else the catalogue default; ``weights`` overrides node weights by code (sensitivity
    runs change one argument, not the file).
    """
    defaults = catalogue.scoring
    coverage_needed = defaults.min_coverage if min_coverage is None else min_coverage
    index = indicator_scores.index
    codes = [i.code for i in catalogue.indicators]
    matrix = indicator_scores.reindex(columns=codes).to_numpy(dtype=np.float64)  # absent columns: missing
    columns: dict[str, FloatArray] = {code: matrix[:, j] for j, code in enumerate(codes)}
    coverage: dict[str, FloatArray] = {}
    reasons: dict[str, npt.NDArray[np.object_]] = {}
    for group in catalogue.groups_bottom_up():
        children = catalogue.children(group.code)
        block = np.column_stack([columns[child.code] for child in children])
        child_weights = [(weights or {}).get(child.code, child.weight) for child in children]
        depth = len(catalogue.ancestors(group.code))
        how = group.aggregation or (method_by_level or {}).get(depth) or method or defaults.aggregation
        result = aggregate(block, child_weights, method=how, min_coverage=coverage_needed)
        scores = result.values
        if group.rescale == "min_max":
            scores = min_max(scores, scale=defaults.score_max)
        columns[group.code] = scores
        coverage[group.code] = result.coverage
        reasons[group.code] = describe_reasons(result, min_coverage=coverage_needed)
    order = [g.code for g in catalogue.groups]
    return TreeScores(
        values=pd.DataFrame(_columns(columns, order, len(index)), index=index, columns=order),
        coverage=pd.DataFrame(_columns(coverage, order, len(index)), index=index, columns=order),
        # object, as describe_reasons returns it: pandas' inferred string dtype costs more than the scoring
        reasons=pd.DataFrame({code: reasons[code] for code in order}, index=index, dtype=object),
    )
