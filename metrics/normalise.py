"""Normalisers: put indicators in different units on one scale, direction aware, NaN in → NaN out.

Each is a small pure NumPy function. Set-relative ones (``min_max``, ``z_score``, ``rank``,
``competition_rank``) work along ``axis`` (default 0: entities in rows), so the same call serves a
column, an entities × indicators table or a draws × entities × indicators block. Absolute ones
(``distance_to_target``, ``goalposts``) are elementwise and broadcast their bounds, so a score does not
depend on who else was scored. ``direction=-1`` means lower raw values are better.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike
Direction = Literal[1, -1]


def _floats(values: ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def distance_to_target(
    values: ArrayLike,
    *,
    baseline: ArrayLike,
    target: ArrayLike,
    direction: Direction = 1,
    scale: float = 100.0,
) -> FloatArray:
    """Share of the way from baseline to target, capped to ``[0, scale]``.

    Scores progress the plan asked for rather than position among peers, so an agency that started
    low and moved far scores well. If no progress was required (target at or behind the baseline in
    the indicator's direction) the score is ``scale`` when the value is at or past the target, else 0.

    >>> distance_to_target([20, 60, 120, -5], baseline=20, target=100).tolist()
    [0.0, 50.0, 100.0, 0.0]
    >>> distance_to_target([8, 5, 2], baseline=8, target=2, direction=-1).tolist()
    [0.0, 50.0, 100.0]
    """
    value, start, goal = _floats(values), _floats(baseline), _floats(target)
    # Baseline and target are usually one per indicator: work out what they imply at their own size,
    # and touch the (agencies × indicators) values as few times as possible.
    required = direction * (goal - start)
    progress_asked = required > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = direction * (value - start) / np.where(progress_asked, required, np.nan)
        met = direction * (value - goal) >= 0
    if np.all(progress_asked):  # the usual case: NaN values stay NaN through the division
        share = np.asarray(share, dtype=np.float64)  # a new array (the quotient), safe to work in place
        np.clip(share, 0.0, 1.0, out=share)
        share *= scale
        share += 0.0  # no -0.0
        return share
    share = np.where(progress_asked, share, met)
    missing = np.isnan(value) | (np.isnan(start) | np.isnan(goal))
    return np.where(missing, np.nan, scale * np.clip(share, 0.0, 1.0) + 0.0)  # + 0.0: no -0.0


def goalposts(
    values: ArrayLike,
    *,
    lower: ArrayLike,
    upper: ArrayLike,
    direction: Direction = 1,
    scale: float = 100.0,
) -> FloatArray:
    """Fixed goalposts: ``lower`` scores 0 and ``upper`` scores ``scale`` (reversed for direction −1).

    Fixed bounds keep scores comparable across periods, which min-max over a changing set does not.

    >>> goalposts([0, 25, 50, 80], lower=0, upper=50).tolist()
    [0.0, 50.0, 100.0, 100.0]
    >>> goalposts([0, 25, 50], lower=0, upper=50, direction=-1).tolist()
    [100.0, 50.0, 0.0]
    """
    value, low, high = np.broadcast_arrays(_floats(values), _floats(lower), _floats(upper))
    if np.any(high <= low):
        raise ValueError("goalposts need lower < upper")
    with np.errstate(over="ignore"):  # a huge value over a tiny span is just "past the upper goalpost"
        share = np.clip((value - low) / (high - low), 0.0, 1.0)
    return scale * (share if direction == 1 else 1.0 - share) + 0.0


def min_max(values: ArrayLike, *, direction: Direction = 1, axis: int = 0, scale: float = 100.0) -> FloatArray:
    """Rescale along ``axis`` so the worst present value is 0 and the best is ``scale``.

    When every present value is equal there is nothing to tell apart and all get ``scale``.

    >>> min_max([2.0, 4.0, 6.0, np.nan]).tolist()
    [0.0, 50.0, 100.0, nan]
    >>> min_max([2.0, 4.0, 6.0], direction=-1, scale=1).tolist()
    [1.0, 0.5, 0.0]
    """
    value = _floats(values)
    if value.size == 0:
        return value.copy()
    present = ~np.isnan(value)
    low = np.min(np.where(present, value, np.inf), axis=axis, keepdims=True)
    high = np.max(np.where(present, value, -np.inf), axis=axis, keepdims=True)
    spread = high - low
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = np.where(spread > 0, (value - low) / np.where(spread > 0, spread, 1.0), 1.0)
    share = np.clip(share, 0.0, 1.0)
    if direction == -1:
        share = np.where(spread > 0, 1.0 - share, share)
    return np.where(present, scale * share, np.nan)


def z_score(values: ArrayLike, *, direction: Direction = 1, axis: int = 0, ddof: int = 0) -> FloatArray:
    """Standard scores along ``axis`` over present values; no spread gives 0 for everyone.

    >>> z_score([1.0, 2.0, 3.0, np.nan]).round(4).tolist()
    [-1.2247, 0.0, 1.2247, nan]
    """
    value = _floats(values)
    if value.size == 0:
        return value.copy()
    present = ~np.isnan(value)
    count = present.sum(axis=axis, keepdims=True)
    # Equal values have no spread; test that exactly rather than trust a rounded sd to come out as 0.
    varies = np.max(np.where(present, value, -np.inf), axis=axis, keepdims=True) > np.min(
        np.where(present, value, np.inf), axis=axis, keepdims=True
    )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mean = np.where(present, value, 0.0).sum(axis=axis, keepdims=True) / count
        squares = np.where(present, (value - mean) ** 2, 0.0).sum(axis=axis, keepdims=True)
        sd = np.sqrt(squares / (count - ddof))
        usable = varies & (sd > 0)
        z = np.where(usable, (value - mean) / np.where(usable, sd, 1.0), 0.0)
    return np.where(present, direction * z, np.nan)


def _rank_along(values: FloatArray, *, axis: int, method: Literal["average", "min"], ascending: bool) -> FloatArray:
    """Ranks (1 = first) along ``axis`` via pandas' vectorised 2-D rank; NaN keeps NaN."""
    moved = np.moveaxis(values, axis, -1)
    flat = moved.reshape(-1, moved.shape[-1]) if moved.ndim else moved.reshape(1, 1)
    ranked = pd.DataFrame(flat).rank(axis=1, method=method, ascending=ascending, na_option="keep")
    return np.moveaxis(ranked.to_numpy(dtype=np.float64).reshape(moved.shape), -1, axis)


def rank(values: ArrayLike, *, direction: Direction = 1, axis: int = 0, scale: float = 100.0) -> FloatArray:
    """Percentile rank along ``axis``: worst 0, best ``scale``, ties share their mean rank.

    >>> rank([10.0, 30.0, 20.0, 20.0, np.nan]).tolist()
    [0.0, 100.0, 50.0, 50.0, nan]
    """
    value = _floats(values)
    if value.size == 0:
        return value.copy()
    ordinal = _rank_along(value, axis=axis, method="average", ascending=direction == 1)
    count = (~np.isnan(value)).sum(axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = np.where(count > 1, (ordinal - 1.0) / (count - 1.0), 1.0)
    return np.where(np.isnan(value), np.nan, scale * share)


def competition_rank(
    values: ArrayLike, *, direction: Direction = 1, axis: int = 0, decimals: int | None = None
) -> FloatArray:
    """Standard competition ("1224") ranking: 1 is best, ties share the best place, the next place skips.

    The rank is one plus the number of entities strictly better, as the UN ranks the EGDI. ``decimals``
    rounds first, so scores equal as published are tied rather than split by floating-point noise.

    >>> competition_rank([0.9, 0.7, 0.9, 0.5, np.nan]).tolist()
    [1.0, 3.0, 1.0, 4.0, nan]
    >>> competition_rank([0.50000000001, 0.5], decimals=4).tolist()
    [1.0, 1.0]
    """
    value = _floats(values) if decimals is None else np.round(_floats(values), decimals)
    if value.size == 0:
        return value.copy()
    return _rank_along(value, axis=axis, method="min", ascending=direction == -1)


def competition_ranks_within(scores: npt.ArrayLike, groups: npt.ArrayLike) -> FloatArray:
    """Competition ranks ("1224") along the last axis within each group; NaN scores get no rank.

    Rows (draws) are ranked at once: agencies are sorted by descending score, then stably by group,
    so each group is a run in which a rank is one plus the position of the first equal score.

    >>> competition_ranks_within([[0.9, 0.7, 0.9, 0.5, np.nan]], [0, 0, 0, 0, 0]).tolist()
    [[1.0, 3.0, 1.0, 4.0, nan]]
    >>> competition_ranks_within([[3.0, 2.0, 1.0, 5.0], [1.0, 2.0, 3.0, 5.0]], [0, 1, 0, 1]).tolist()
    [[1.0, 2.0, 2.0, 1.0], [2.0, 2.0, 1.0, 1.0]]
    """
    values = np.atleast_2d(np.asarray(scores, dtype=np.float64))
    group = np.unique(np.asarray(groups), return_inverse=True)[1].reshape(-1)
    # Small integer keys let NumPy's stable sort use radix sort.
    group = group.astype(np.int16 if group.size == 0 or group.max() < 2**15 else np.int64)
    count = values.shape[-1]
    by_score = np.argsort(-values, axis=-1, kind="stable")  # NaN sorts last
    by_group = np.argsort(group[by_score], axis=-1, kind="stable")
    order = np.take_along_axis(by_score, by_group, axis=-1)
    ordered = np.take_along_axis(values, order, axis=-1)
    sorted_group = np.sort(group)
    position = np.arange(count)
    first_of_group = np.r_[True, sorted_group[1:] != sorted_group[:-1]] if count else np.zeros(0, bool)
    group_start = np.maximum.accumulate(np.where(first_of_group, position, 0)) if count else position
    new_score = np.ones_like(ordered, dtype=bool)
    new_score[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    run_start = np.maximum.accumulate(np.where(new_score | first_of_group, position, 0), axis=-1)
    ranked = np.where(np.isnan(ordered), np.nan, (run_start - group_start + 1).astype(np.float64))
    ranks = np.empty_like(values)
    np.put_along_axis(ranks, order, ranked, axis=-1)
    return ranks


def normalise(
    method: str,
    values: ArrayLike,
    *,
    direction: Direction = 1,
    axis: int = 0,
    scale: float = 100.0,
    baseline: ArrayLike = np.nan,
    target: ArrayLike = np.nan,
    bounds: tuple[ArrayLike, ArrayLike] | None = None,
) -> FloatArray:
    """Dispatch on a method named in a scoring spec; ``none`` passes values through unchanged.

    >>> normalise("min_max", [1.0, 3.0], scale=1).tolist(), normalise("none", [1.0, 3.0]).tolist()
    ([0.0, 1.0], [1.0, 3.0])
    """
    if method == "distance_to_target":
        return distance_to_target(values, baseline=baseline, target=target, direction=direction, scale=scale)
    if method == "goalposts":
        if bounds is None:
            raise ValueError("goalposts normalisation needs bounds (lower, upper)")
        return goalposts(values, lower=bounds[0], upper=bounds[1], direction=direction, scale=scale)
    if method == "min_max":
        return min_max(values, direction=direction, axis=axis, scale=scale)
    if method == "z_score":
        return z_score(values, direction=direction, axis=axis)
    if method == "rank":
        return rank(values, direction=direction, axis=axis, scale=scale)
    if method == "none":
        return _floats(values).copy()
    raise ValueError(f"unknown normalisation {method!r}; expected one of {NORMALISERS}")


NORMALISERS = ("distance_to_target", "min_max", "z_score", "goalposts", "rank", "none")
