"""Aggregators: weighted arithmetic (default), geometric and harmonic means over the last axis.

``values`` hold components in the last axis (entities × components, or draws × entities × components
for the Monte Carlo); ``weights`` broadcast against them, so one weight vector, one per draw
(``draws × 1 × components``) or one per entity all work without a Python loop.

Missing is not zero: weights are renormalised over the components present in each row, and a row
whose share of present components is below ``min_coverage`` is NaN with a reason code saying why.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from metrics.catalogue import Aggregation, Catalogue
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
    return _Prepared(value, np.where(present, value, 0.0), live, present, live.sum(axis=-1))


def _finish(mean: FloatArray, prepared: _Prepared, min_coverage: float) -> Aggregated:
    """Blank out rows with no usable weight or too little coverage, recording the reason."""
    # Every weighted mean lies between the smallest and largest component; clipping to that range only
    # removes rounding (exp(log(100)) is 100.00000000000001), so a 0–100 score stays within 0–100.
    low = np.fmin.reduce(prepared.value, axis=-1)
    high = np.fmax.reduce(prepared.value, axis=-1)
    mean = np.clip(mean, low, high)
    reported = prepared.present.sum(axis=-1)
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
    return np.any((prepared.live > 0) & (prepared.filled < 0), axis=-1)


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
        inverse = np.where(live > 0, live / np.where(live > 0, prepared.filled, 1.0), 0.0).sum(axis=-1)
        mean = np.where(np.isinf(inverse), 0.0, prepared.total / inverse)
    return _finish(np.where(_has_negative(prepared), np.nan, mean), prepared, min_coverage)


AGGREGATORS: dict[str, Callable[..., Aggregated]] = {
    "arithmetic": weighted_arithmetic,
    "geometric": weighted_geometric,
    "harmonic": weighted_harmonic,
}


def aggregate(
    values: npt.ArrayLike, weights: npt.ArrayLike, *, method: Aggregation = "arithmetic", min_coverage: float = 0.0
) -> Aggregated:
    """Aggregate by a method named in a scoring spec."""
    return AGGREGATORS[method](values, weights, min_coverage=min_coverage)


def describe_reasons(result: Aggregated, *, min_coverage: float) -> npt.NDArray[np.object_]:
    """Reason codes as sentences a reader can act on; empty where the value stands.

    >>> result = weighted_arithmetic([[1.0, np.nan, np.nan], [np.nan] * 3, [1.0, 2.0, 3.0]], [1, 1, 1], min_coverage=0.5)
    >>> describe_reasons(result, min_coverage=0.5).tolist()
    ['1 of 3 components reported (33%); at least 50% needed', 'no data', '']
    """
    reason = np.asarray(result.reason)
    text = np.array([REASONS[int(code)] for code in reason.ravel()], dtype=object).reshape(reason.shape)
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


def aggregate_tree(
    catalogue: Catalogue,
    indicator_scores: pd.DataFrame,
    *,
    weights: Mapping[str, float] | None = None,
    method: Aggregation | None = None,
    min_coverage: float | None = None,
) -> TreeScores:
    """Aggregate normalised indicator scores up the tree, deepest groups first.

    ``indicator_scores`` has one row per entity and one column per indicator code (absent columns are
    missing). Each group uses its own declared aggregation, else ``method``, else the catalogue default;
    ``weights`` overrides node weights by code (sensitivity runs change one argument, not the file).
    """
    defaults = catalogue.scoring
    coverage_needed = defaults.min_coverage if min_coverage is None else min_coverage
    columns: dict[str, pd.Series] = {
        i.code: indicator_scores.get(i.code, pd.Series(np.nan, index=indicator_scores.index)).astype("float64")
        for i in catalogue.indicators
    }
    coverage: dict[str, FloatArray] = {}
    reasons: dict[str, npt.NDArray[np.object_]] = {}
    for group in catalogue.groups_bottom_up():
        children = catalogue.children(group.code)
        block = np.column_stack([columns[child.code].to_numpy() for child in children])
        child_weights = [(weights or {}).get(child.code, child.weight) for child in children]
        how = group.aggregation or method or defaults.aggregation
        result = aggregate(block, child_weights, method=how, min_coverage=coverage_needed)
        scores = result.values
        if group.rescale == "min_max":
            scores = min_max(scores, scale=defaults.score_max)
        columns[group.code] = pd.Series(scores, index=indicator_scores.index)
        coverage[group.code] = result.coverage
        reasons[group.code] = describe_reasons(result, min_coverage=coverage_needed)
    order = [g.code for g in catalogue.groups]
    index = indicator_scores.index
    return TreeScores(
        values=pd.DataFrame({code: columns[code] for code in order}, index=index),
        coverage=pd.DataFrame({code: coverage[code] for code in order}, index=index),
        reasons=pd.DataFrame({code: reasons[code] for code in order}, index=index),
    )
