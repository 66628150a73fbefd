"""The road to 1394, checked with small numbers a person can verify by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from metrics.catalogue import DEFAULT_CATALOGUE_PATH, Catalogue, StatusBands
from metrics.trajectory import (
    NOT_SCORED,
    achievement,
    agency_baselines,
    as_optional_years,
    assess_trajectory,
    path_targets,
    projected_value,
    status_of,
    trend_slope,
    year_reached,
)

BANDS = StatusBands(ahead=1.1, on_track=0.9, behind=0.6)
YEARS = [1390, 1391, 1392, 1393, 1394]


def test_straight_path_from_own_baseline() -> None:
    # Baseline 20 in 1390, target 100 in 1394: 80 points over 4 years = 20 a year.
    targets = path_targets(
        [1389, 1390, 1391, 1392, 1393, 1394, 1395],
        baseline_year=1390,
        baseline_value=20.0,
        target_year=1394,
        target_value=100.0,
    )
    assert targets.tolist() == [20.0, 20.0, 40.0, 60.0, 80.0, 100.0, 100.0]


def test_each_agency_has_its_own_line() -> None:
    # 1392 is half way: agency A (0 → 100) needs 50, agency B (60 → 100) needs 80.
    targets = path_targets(1392, baseline_year=1390, baseline_value=[0.0, 60.0], target_year=1394, target_value=100.0)
    assert targets.tolist() == [50.0, 80.0]


def test_explicit_path_overrides_the_line() -> None:
    # Baseline 10 (1390) → path 30 in 1392 → target 100 in 1394.
    # 1391: half way 10→30 = 20; 1393: half way 30→100 = 65.
    targets = path_targets(
        [1391, 1392, 1393, 1394],
        baseline_year=1390,
        baseline_value=10.0,
        target_year=1394,
        target_value=100.0,
        path={1392: 30.0},
    )
    assert targets.tolist() == [20.0, 30.0, 65.0, 100.0]


def test_path_from_a_later_baseline_skips_earlier_knots() -> None:
    # An agency first reporting in 1392 (value 40) goes straight to the next knot, 1393: 70, then 100.
    targets = path_targets(
        [1392, 1393, 1394],
        baseline_year=1392,
        baseline_value=40.0,
        target_year=1394,
        target_value=100.0,
        path={1391: 20.0, 1393: 70.0},
    )
    assert targets.tolist() == [40.0, 70.0, 100.0]


def test_agency_override_from_the_catalogue() -> None:
    raw = yaml.safe_load(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))
    files = next(i for i in raw["indicators"] if i["code"] == "electronic_files_pct")
    files["overrides"] = {"QOM-KAHAK": {"target": 60, "path": {1393: 50}}}
    indicator = Catalogue.model_validate(raw).indicator("electronic_files_pct")

    def target_1392(agency: str) -> float:
        own = indicator.for_agency(agency)
        assert own.target is not None
        return float(
            path_targets(
                1392, baseline_year=1390, baseline_value=20.0, target_year=1394, target_value=own.target, path=own.path
            )
        )

    assert target_1392("QOM-TAX") == 60.0  # plan line 20 → 100: 20 a year
    assert target_1392("QOM-KAHAK") == 40.0  # own path 20 → 50 by 1393: 10 a year, two years in


def test_achievement_by_hand() -> None:
    # From 20, the 1392 target is 60: 40 points were required.
    # 50 made 30 of 40 = 0.75; 60 made 40 = 1; 70 made 50 = 1.25; 10 went backwards = -0.25.
    result = achievement([50.0, 60.0, 70.0, 10.0, np.nan], baseline_value=20.0, period_target=60.0)
    assert result[:4].tolist() == [0.75, 1.0, 1.25, -0.25]
    assert np.isnan(result[4])


def test_achievement_lower_is_better() -> None:
    # Paper copies per inquiry from 8 down to 4 by the period: 6 made 2 of 4 required = 0.5.
    assert achievement([6.0], baseline_value=8.0, period_target=4.0, direction=-1).tolist() == [0.5]


def test_status_bands() -> None:
    result = status_of([1.25, 1.1, 1.0, 0.9, 0.75, 0.6, 0.2, -0.25, np.nan], BANDS).tolist()
    assert result == [
        "ahead",
        "ahead",
        "on_track",
        "on_track",
        "behind",
        "behind",
        "off_track",
        "off_track",
        NOT_SCORED,
    ]


def test_trend_slope_uses_the_last_three_years() -> None:
    # Window 1391–1393 for agency 0: (1391, 20), (1392, 40), (1393, 50).
    # mean year 1392, mean value 110/3; dx = -1, 0, 1; dy = -50/3, 10/3, 40/3;
    # slope = (50/3 + 40/3) / 2 = 15 per year. 1390's 10 is outside the window.
    # Agency 1 has only 1391 and 1393 in the window: (30 - 10) / 2 = 10.
    # Agency 2 has one point: no pace.
    values = [[10, 20, 40, 50, np.nan], [0, 10, np.nan, 30, np.nan], [5, np.nan, np.nan, 7, np.nan]]
    slopes = trend_slope(YEARS, values, as_of_year=1393)
    assert slopes[:2].tolist() == pytest.approx([15.0, 10.0])
    assert np.isnan(slopes[2])


def test_projection_and_year_reached() -> None:
    # 50 in 1393 at 15 a year: 1394 → 65. Target 100 needs 50 more: 50/15 = 3.33 → 4 years → 1397.
    assert projected_value([50.0], last_year=[1393], slope=[15.0], target_year=1394).tolist() == [65.0]
    assert year_reached([50.0], last_year=1393, slope=15.0, target_value=100.0).tolist() == [1397.0]
    # Exactly on time: 60 in 1392 at 20 a year reaches 100 in 1394.
    assert year_reached([60.0], last_year=1392, slope=20.0, target_value=100.0).tolist() == [1394.0]
    # Flat or falling: never at this pace.
    never = year_reached([50.0, 50.0], last_year=1393, slope=[0.0, -5.0], target_value=100.0)
    assert as_optional_years(never) == [None, None]
    # Lower is better: 8 falling 2 a year reaches 2 in three years.
    assert year_reached([8.0], last_year=1391, slope=-2.0, target_value=2.0, direction=-1).tolist() == [1394.0]


def test_baseline_falls_back_to_first_report_and_is_flagged() -> None:
    values = [[10, 20, 30, np.nan, np.nan], [np.nan, np.nan, 40, 60, np.nan], [np.nan] * 5]
    years, baselines, moved = agency_baselines(YEARS, values, baseline_year=1390, as_of_year=1393)
    assert years[:2].tolist() == [1390.0, 1392.0] and np.isnan(years[2])
    assert baselines[:2].tolist() == [10.0, 40.0]
    assert moved.tolist() == [False, True, False]


def test_assess_trajectory_end_to_end() -> None:
    # Three agencies, electronic files %, plan 1390 → 100 in 1394, assessed as of 1393.
    values = [
        [20, 40, 60, 80, np.nan],  # on the line: target 80 in 1393, achieved 1; slope 20 → 100 in 1394
        [0, 10, 20, 30, np.nan],  # target 75 in 1393; made 30 of 75 = 0.4 → off track; slope 10 → 1400
        [np.nan, 50, 70, np.nan, np.nan],  # no 1393 report: not scored; baseline moved to 1391
    ]
    result = assess_trajectory(
        YEARS, values, as_of_year=1393, baseline_year=1390, target_year=1394, target_value=100.0, bands=BANDS
    )
    assert result.period_target.tolist() == pytest.approx([80.0, 75.0, 50.0 + 50.0 * 2 / 3])  # C: 50 → 100 from 1391
    assert result.achievement[:2].tolist() == pytest.approx([1.0, 0.4])
    assert result.status.tolist() == ["on_track", "off_track", NOT_SCORED]
    assert result.slope.tolist() == pytest.approx([20.0, 10.0, 20.0])
    # Projection starts from the latest report: agency 2 at 70 in 1392, 20 a year → 110 in 1394.
    assert result.projected_value.tolist() == pytest.approx([100.0, 40.0, 110.0])
    assert as_optional_years(result.year_reached) == [1394, 1400, 1394]
    assert result.baseline_moved.tolist() == [False, False, True]
    frame = result.to_frame(pd.Index(["A", "B", "C"], name="agency_code"))
    assert frame.loc["B", "status"] == "off_track"
    assert frame.loc["C", "baseline_year"] == 1391
    assert str(frame["year_reached"].dtype) == "Int64"
