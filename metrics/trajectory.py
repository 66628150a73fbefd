"""The road to the target year: where each agency should be, whether it is on track, and at what pace.

Each agency is held to a path from its OWN baseline (its value in the baseline year) to the plan's
target in the target year: a straight line by default, or through an explicit ``{year: value}`` path.
Achievement is progress made over progress required, so an agency that started far behind is judged
by how far it has come. The recent trend (least squares over the last few years) tells where the
agency will be in the target year at its current pace, and when it would reach the target.

Everything is vectorised over agencies: ``values`` are agencies × years, with NaN where not reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from metrics.catalogue import StatusBands

FloatArray = npt.NDArray[np.float64]
Direction = Literal[1, -1]
NOT_SCORED = "not_scored"


def path_targets(
    year: npt.ArrayLike,
    *,
    baseline_year: npt.ArrayLike,
    baseline_value: npt.ArrayLike,
    target_year: int,
    target_value: float,
    path: Mapping[int, float] | None = None,
) -> FloatArray:
    """The target for ``year`` on each agency's path from its baseline to the plan target.

    Before the baseline the target is the baseline itself (nothing was asked yet); from the target year
    on it is the plan target. An explicit path adds knots; the agency's own baseline is the first knot.

    >>> path_targets(1392, baseline_year=1390, baseline_value=[20.0, 60.0], target_year=1394, target_value=100).tolist()
    [60.0, 80.0]
    >>> path_targets([1391, 1392, 1393], baseline_year=1390, baseline_value=0.0, target_year=1394, target_value=100,
    ...              path={1392: 20.0}).tolist()
    [10.0, 20.0, 60.0]
    """
    knots = {int(y): float(v) for y, v in (path or {}).items() if y < target_year}
    knots[target_year] = float((path or {}).get(target_year, target_value))
    knot_years = np.array(sorted(knots), dtype=np.float64)
    knot_values = np.array([knots[int(y)] for y in knot_years], dtype=np.float64)
    when, start_year, start_value = np.broadcast_arrays(
        np.asarray(year, dtype=np.float64),
        np.asarray(baseline_year, dtype=np.float64),
        np.asarray(baseline_value, dtype=np.float64),
    )
    after = np.searchsorted(knot_years, start_year, side="right").clip(max=len(knot_years) - 1)
    next_year, next_value = knot_years[after], knot_values[after]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = (when - start_year) / (next_year - start_year)
    first_leg = start_value + share * (next_value - start_value)
    later = np.interp(when, knot_years, knot_values)
    target = np.where(when < next_year, first_leg, later)
    target = np.where(when <= start_year, start_value, target)
    return np.where(start_year >= target_year, np.where(when >= target_year, knot_values[-1], start_value), target)


def achievement(
    value: npt.ArrayLike, *, baseline_value: npt.ArrayLike, period_target: npt.ArrayLike, direction: Direction = 1
) -> FloatArray:
    """Progress made over progress required by the period's target (1 = exactly on the path).

    When no progress was required yet (the baseline year, or a baseline already at the target) the
    agency has achieved 1 if it is at or past the period's target and 0 if it fell back.

    >>> achievement([50.0, 80.0, 30.0], baseline_value=20.0, period_target=80.0).tolist()
    [0.5, 1.0, 0.16666666666666666]
    >>> achievement([20.0, 10.0], baseline_value=20.0, period_target=20.0).tolist()
    [1.0, 0.0]
    """
    now, start, goal = np.broadcast_arrays(
        np.asarray(value, dtype=np.float64),
        np.asarray(baseline_value, dtype=np.float64),
        np.asarray(period_target, dtype=np.float64),
    )
    required = direction * (goal - start)
    made = direction * (now - start)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = made / np.where(required > 0, required, 1.0)
    held = np.where(direction * (now - goal) >= 0, 1.0, 0.0)
    result = np.where(required > 0, ratio, held)
    return np.where(np.isnan(now) | np.isnan(start) | np.isnan(goal), np.nan, result)


def status_of(achieved: npt.ArrayLike, bands: StatusBands) -> npt.NDArray[np.object_]:
    """The status band for each achievement; NaN achievement is ``not_scored``.

    >>> status_of([1.2, 1.0, 0.7, 0.1, np.nan], StatusBands(ahead=1.1, on_track=0.9, behind=0.6)).tolist()
    ['ahead', 'on_track', 'behind', 'off_track', 'not_scored']
    """
    value = np.asarray(achieved, dtype=np.float64)
    conditions = [np.isnan(value), value >= bands.ahead, value >= bands.on_track, value >= bands.behind]
    choices = [NOT_SCORED, "ahead", "on_track", "behind"]
    return np.select(conditions, choices, default="off_track").astype(object)


def trend_slope(years: npt.ArrayLike, values: npt.ArrayLike, *, as_of_year: int, window: int = 3) -> FloatArray:
    """Least-squares slope per year over the reported values in the last ``window`` years up to ``as_of_year``.

    Needs two reported years in the window; fewer gives NaN (one point has no pace).

    >>> trend_slope([1390, 1391, 1392, 1393], [[10, 20, 40, 50], [5, np.nan, np.nan, 9]], as_of_year=1393).tolist()
    [15.0, nan]
    """
    year = np.asarray(years, dtype=np.float64)
    value = np.atleast_2d(np.asarray(values, dtype=np.float64))
    in_window = (year <= as_of_year) & (year > as_of_year - window)
    used = ~np.isnan(value) & in_window
    count = used.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mean_year = np.where(used, year, 0.0).sum(axis=-1) / count
        mean_value = np.where(used, value, 0.0).sum(axis=-1) / count
        dx = np.where(used, year - mean_year[:, None], 0.0)
        dy = np.where(used, value - mean_value[:, None], 0.0)
        slope = (dx * dy).sum(axis=-1) / (dx * dx).sum(axis=-1)
    return np.where(count >= 2, slope, np.nan)


def latest_reported(years: npt.ArrayLike, values: npt.ArrayLike, *, as_of_year: int) -> tuple[FloatArray, FloatArray]:
    """Each agency's latest reported (year, value) up to ``as_of_year``; NaN for an agency with none.

    >>> latest_reported([1390, 1391, 1392], [[1, 2, np.nan], [np.nan] * 3], as_of_year=1392)
    (array([1391.,   nan]), array([ 2., nan]))
    """
    year = np.asarray(years, dtype=np.float64)
    value = np.atleast_2d(np.asarray(values, dtype=np.float64))
    usable = ~np.isnan(value) & (year <= as_of_year)
    last = np.where(usable, year, -np.inf).argmax(axis=-1)
    any_usable = usable.any(axis=-1)
    picked = np.take_along_axis(value, last[:, None], axis=-1)[:, 0]
    return np.where(any_usable, year[last], np.nan), np.where(any_usable, picked, np.nan)


def agency_baselines(
    years: npt.ArrayLike, values: npt.ArrayLike, *, baseline_year: int, as_of_year: int
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Each agency's baseline (year, value): its value in ``baseline_year``, else its first later report.

    An agency that did not report in the baseline year is measured from its first report instead, and
    flagged, rather than left unscored for the whole plan.

    >>> agency_baselines([1390, 1391], [[5, 6], [np.nan, 7]], baseline_year=1390, as_of_year=1391)
    (array([1390., 1391.]), array([5., 7.]), array([False,  True]))
    """
    year = np.asarray(years, dtype=np.float64)
    value = np.atleast_2d(np.asarray(values, dtype=np.float64))
    usable = ~np.isnan(value) & (year >= baseline_year) & (year <= as_of_year)
    first = np.where(usable, year, np.inf).argmin(axis=-1)
    any_usable = usable.any(axis=-1)
    picked = np.take_along_axis(value, first[:, None], axis=-1)[:, 0]
    start_year = np.where(any_usable, year[first], np.nan)
    return start_year, np.where(any_usable, picked, np.nan), any_usable & (start_year != baseline_year)


def projected_value(
    last_value: npt.ArrayLike, *, last_year: npt.ArrayLike, slope: npt.ArrayLike, target_year: int
) -> FloatArray:
    """Where the agency will be in the target year if it keeps its recent pace from where it is now.

    Not capped: a projection past 100% says the pace is more than enough.

    >>> projected_value([60.0], last_year=[1392], slope=[15.0], target_year=1394).tolist()
    [90.0]
    """
    return np.asarray(last_value, dtype=np.float64) + np.asarray(slope, dtype=np.float64) * (
        target_year - np.asarray(last_year, dtype=np.float64)
    )


def year_reached(
    last_value: npt.ArrayLike,
    *,
    last_year: npt.ArrayLike,
    slope: npt.ArrayLike,
    target_value: float,
    direction: Direction = 1,
) -> FloatArray:
    """The first whole year the target is met at the current pace; NaN if never (flat or wrong way).

    An agency already at the target has reached it in its latest reported year.

    >>> year_reached([60.0, 60.0, 100.0, 60.0], last_year=1392, slope=[15.0, 0.0, 1.0, 20.0], target_value=100).tolist()
    [1395.0, nan, 1392.0, 1394.0]
    """
    now, when, pace = np.broadcast_arrays(
        np.asarray(last_value, dtype=np.float64),
        np.asarray(last_year, dtype=np.float64),
        np.asarray(slope, dtype=np.float64),
    )
    gap = direction * (target_value - now)
    speed = direction * pace
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        years_needed = np.ceil(gap / np.where(speed > 0, speed, 1.0) - 1e-9)
    reached = np.where(gap <= 0, when, np.where(speed > 0, when + years_needed, np.nan))
    return np.where(np.isnan(now) | np.isnan(when), np.nan, reached)


def as_optional_years(years: npt.ArrayLike) -> list[int | None]:
    """Years as ints with None for never, the shape the API and the dashboard show.

    >>> as_optional_years([1395.0, np.nan])
    [1395, None]
    """
    return [None if np.isnan(y) else int(y) for y in np.asarray(years, dtype=np.float64)]


class Trajectory(NamedTuple):
    """One indicator's trajectory for every agency, as of one year."""

    baseline_year: FloatArray
    baseline_value: FloatArray
    baseline_moved: npt.NDArray[np.bool_]
    value: FloatArray
    period_target: FloatArray
    achievement: FloatArray
    status: npt.NDArray[np.object_]
    slope: FloatArray
    projected_value: FloatArray
    year_reached: FloatArray

    def to_frame(self, index: pd.Index) -> pd.DataFrame:
        """One row per agency; ``year_reached`` as nullable integers (missing = never at this pace)."""
        frame = pd.DataFrame(self._asdict(), index=index)
        frame["year_reached"] = _nullable_years(self.year_reached)
        frame["baseline_year"] = _nullable_years(self.baseline_year)
        return frame


def _nullable_years(years: FloatArray) -> pd.arrays.IntegerArray:
    """``as_optional_years`` as an ``Int64`` array, made in NumPy (a Python loop per agency was ≈ 1 s of a
    10,000-agency store's first scoring).

    >>> _nullable_years(np.array([1395.0, np.nan])).equals(pd.array([1395, None], dtype="Int64"))
    True
    """
    values = np.asarray(years, dtype=np.float64)
    missing = np.isnan(values)
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)


def assess_trajectory(
    years: npt.ArrayLike,
    values: npt.ArrayLike,
    *,
    as_of_year: int,
    baseline_year: int,
    target_year: int,
    target_value: float,
    bands: StatusBands,
    direction: Direction = 1,
    path: Mapping[int, float] | None = None,
    window: int = 3,
) -> Trajectory:
    """Everything the scorecard says about one indicator's road to the target, for every agency at once.

    ``values`` are agencies × ``years``; the value assessed is the one reported in ``as_of_year``.
    """
    year = np.asarray(years, dtype=np.float64)
    value = np.atleast_2d(np.asarray(values, dtype=np.float64))
    start_year, start_value, moved = agency_baselines(year, value, baseline_year=baseline_year, as_of_year=as_of_year)
    column = np.nonzero(year == as_of_year)[0]
    now = value[:, column[0]] if column.size else np.full(value.shape[0], np.nan)
    target_now = path_targets(
        as_of_year,
        baseline_year=np.where(np.isnan(start_year), baseline_year, start_year),
        baseline_value=start_value,
        target_year=target_year,
        target_value=target_value,
        path=path,
    )
    achieved = achievement(now, baseline_value=start_value, period_target=target_now, direction=direction)
    slope = trend_slope(year, value, as_of_year=as_of_year, window=window)
    last_year, last_value = latest_reported(year, value, as_of_year=as_of_year)
    return Trajectory(
        baseline_year=start_year,
        baseline_value=start_value,
        baseline_moved=moved,
        value=now,
        period_target=target_now,
        achievement=achieved,
        status=status_of(achieved, bands),
        slope=slope,
        projected_value=projected_value(last_value, last_year=last_year, slope=slope, target_year=target_year),
        year_reached=year_reached(
            last_value, last_year=last_year, slope=slope, target_value=target_value, direction=direction
        ),
    )
