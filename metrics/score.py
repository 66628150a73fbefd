"""The scoring chain: values → imputation → normalisation → aggregation → trajectories → ranks.

Each step is a small function of DataFrames; the ``ScoringSpec`` names every choice and is kept
with the result, so any score can be regenerated with one argument changed (``spec.replace``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from metrics.aggregate import aggregate_tree
from metrics.catalogue import Aggregation, Catalogue, Indicator, Normalisation
from metrics.formulas import evaluate_indicators
from metrics.normalise import competition_ranks_within, normalise
from metrics.trajectory import assess_trajectory

Imputation = Literal["none", "carry_forward", "peer_median"]
STATUSES = ("ahead", "on_track", "behind", "off_track")


class ScoringSpec(BaseModel):
    """Every choice the chain makes; saved with each result (``fingerprint`` identifies it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    catalogue_version: str
    plan: str
    normalisation: Normalisation | None = Field(
        default=None, description="One method for every indicator; None: each indicator's own, else the default."
    )
    aggregation: Aggregation | None = Field(default=None, description="One method for every group; None: declared.")
    aggregation_by_level: dict[int, Aggregation] = Field(
        default_factory=dict,
        description="A method per level of the tree (0 the index, 1 pillars, …); wins over one method.",
    )
    weights: dict[str, float] = Field(default_factory=dict, description="Node weights overriding the catalogue.")
    min_coverage: float | None = Field(default=None, ge=0, le=1)
    imputation: Imputation = "none"
    include_pending: bool = Field(
        default=False, description="Count submissions still waiting for review (marked pending); default approved only."
    )

    @classmethod
    def default_for(cls, catalogue: Catalogue) -> ScoringSpec:
        return cls(catalogue_version=catalogue.version, plan=catalogue.plan.code)

    def replace(self, **changes: Any) -> ScoringSpec:
        """The same spec with some arguments changed (validated again)."""
        return ScoringSpec.model_validate({**self.model_dump(), **changes})

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.model_dump(), sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ScoreResult:
    """Scores of every agency for one year, and the spec that produced them."""

    spec: ScoringSpec
    year: int
    agencies: pd.DataFrame
    """One row per agency: index score, coverage, scored, reason, status counts, ranks and their change."""
    groups: pd.DataFrame
    """One row per agency, one column per group (pillars and the index), 0–100."""
    indicators: pd.DataFrame
    """One row per agency × indicator: value, score, target, achievement, status, trend, projection."""


def impute(values: pd.DataFrame, *, how: Imputation, peers: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill missing indicator values (agency × year rows) as the spec asks; returns (values, imputed flags).

    ``carry_forward`` takes the agency's last earlier value; ``peer_median`` the median of the same
    year's agencies with the same ``peers`` label (sector). Imputed cells are always flagged.
    """
    flags = pd.DataFrame(False, index=values.index, columns=values.columns)
    if how == "none" or values.empty:
        return values, flags
    if how == "carry_forward":
        filled = values.groupby(level="agency_code").ffill()
    else:
        group = peers.reindex(values.index.get_level_values("agency_code")).to_numpy()
        keys = [group, values.index.get_level_values("year")]
        filled = values.fillna(values.groupby(keys).transform("median"))
    flags = values.isna() & filled.notna()
    return filled, flags


def normalise_year(catalogue: Catalogue, values: pd.DataFrame, *, spec: ScoringSpec) -> pd.DataFrame:
    """0–100 scores of one year's indicator values (rows agencies, columns indicators).

    Indicators sharing a method and direction are normalised in one call on their columns together
    (bounds broadcast per column), which gives the same numbers as one call per indicator, only faster;
    z-score and rank sum or sort along the column and still go one indicator at a time.
    """
    indicators = catalogue.indicators
    codes = [i.code for i in indicators]
    matrix = values.reindex(columns=codes).to_numpy(dtype=np.float64)  # an absent indicator is missing
    scores = np.full(matrix.shape, np.nan)
    batches: dict[tuple[str, int, int], list[int]] = {}
    for j, indicator in enumerate(indicators):
        method = spec.normalisation or indicator.normalisation or catalogue.scoring.normalisation
        alone = -1 if method in _COLUMN_BY_COLUMN else j
        batches.setdefault((method, indicator.direction, alone), []).append(j)
    for (how, direction, _), columns in batches.items():
        chosen = [indicators[j] for j in columns]
        worst, goal, lower, upper = (
            np.array(bound, dtype=np.float64) for bound in zip(*map(_reference_points, chosen), strict=True)
        )
        scores[:, columns] = normalise(
            how,
            matrix[:, columns],
            direction=1 if direction == 1 else -1,
            scale=catalogue.scoring.score_max,
            baseline=worst,
            target=_agency_target_columns(chosen, values.index, goal) if any(i.overrides for i in chosen) else goal,
            bounds=(lower, upper),
        )
    return pd.DataFrame(scores, index=values.index, columns=codes)


# Normalisers whose result for a column does not change when other columns are normalised with it.
_COLUMN_BY_COLUMN = frozenset({"distance_to_target", "goalposts", "min_max", "none"})


def _reference_points(indicator: Indicator) -> tuple[float, float, float, float]:
    """(worst, target, lower goalpost, upper goalpost) of an indicator.

    Distance to target runs from the worst value to the plan's target: for a share (direction +1)
    the worst is the lower goalpost, 0 unless declared; a lower-is-better indicator must declare its
    goalposts (the catalogue refuses one without), and its worst is the upper goalpost.
    """
    if indicator.direction == 1:
        lower, upper = indicator.goalposts or (0.0, indicator.target if indicator.target is not None else 100.0)
        target = indicator.target if indicator.target is not None else upper
        return lower, target, lower, upper
    assert indicator.goalposts is not None  # validated by the catalogue
    lower, upper = indicator.goalposts
    target = indicator.target if indicator.target is not None else lower
    return upper, target, lower, upper


def _agency_target_columns(indicators: list[Indicator], agencies: pd.Index, defaults: np.ndarray) -> np.ndarray:
    """Agencies × indicators targets where some agency has its own."""
    return np.column_stack(
        [_agency_targets(i, agencies, default=float(d)) for i, d in zip(indicators, defaults, strict=True)]
    )


def _agency_targets(indicator: Indicator, agencies: pd.Index, *, default: float) -> np.ndarray:
    if not indicator.overrides:
        return np.full(len(agencies), default)
    return np.array(
        [
            indicator.for_agency(code).target if indicator.for_agency(code).target is not None else default
            for code in agencies
        ],
        dtype=np.float64,
    )


def assess_trajectories(
    catalogue: Catalogue, values: pd.DataFrame, *, agencies: pd.Index, as_of_year: int
) -> pd.DataFrame:
    """Path, achievement, status, trend and projection of every indicator for every agency."""
    plan = catalogue.plan
    years = list(range(plan.first_year, max(as_of_year, plan.first_year) + 1))
    frames = []
    for indicator in catalogue.indicators:
        matrix = (
            values[indicator.code].unstack("year").reindex(index=agencies, columns=years)
            if indicator.code in values and not values.empty
            else pd.DataFrame(np.nan, index=agencies, columns=years)
        )
        frame = _trajectory_frame(catalogue, indicator, matrix, as_of_year=as_of_year)
        for code in indicator.overrides.keys() & set(agencies):
            own = _trajectory_frame(catalogue, indicator.for_agency(code), matrix.loc[[code]], as_of_year=as_of_year)
            frame.loc[code] = own.loc[code]
        frames.append(frame.assign(indicator=indicator.code))
    result = pd.concat(frames)
    result.index.name = "agency_code"
    return result.reset_index()


def _trajectory_frame(
    catalogue: Catalogue, indicator: Indicator, matrix: pd.DataFrame, *, as_of_year: int
) -> pd.DataFrame:
    plan = catalogue.plan
    target = indicator.target if indicator.target is not None else catalogue.scoring.score_max
    trajectory = assess_trajectory(
        matrix.columns.to_numpy(),
        matrix.to_numpy(dtype=np.float64),
        as_of_year=as_of_year,
        baseline_year=indicator.baseline_year or plan.first_year,
        target_year=indicator.target_year or plan.target_year,
        target_value=target,
        bands=catalogue.scoring.status_bands,
        direction=indicator.direction,
        path=indicator.path,
        window=catalogue.scoring.trend_years,
    )
    return trajectory.to_frame(matrix.index).assign(target=target)


def rank_within(scores: pd.Series, groups: pd.Series, *, decimals: int | None) -> pd.Series:
    """Competition ranks ("1224") of ``scores`` within each group; unscored agencies get no rank.

    Ties: equal scores (to ``decimals``) share the best rank and the next rank is skipped; a tie is
    not broken, because a governor's office honours both agencies.
    """
    values = scores.to_numpy(dtype=np.float64, na_value=np.nan)
    if decimals is not None:
        values = np.round(values, decimals)  # as competition_rank rounds: published-equal scores tie
    labels = pd.factorize(groups.reindex(scores.index), use_na_sentinel=False)[0]  # a missing group is a group
    ranks = pd.Series(competition_ranks_within(values, labels)[0], index=scores.index)
    return ranks.astype("Int64")


def score_agencies(
    catalogue: Catalogue,
    reported: pd.DataFrame,
    agencies: pd.DataFrame,
    *,
    year: int,
    spec: ScoringSpec | None = None,
) -> ScoreResult:
    """Score every agency in ``agencies`` for ``year`` from ``reported`` (agency × year rows, field columns)."""
    spec = spec or ScoringSpec.default_for(catalogue)
    history = reported[reported.index.get_level_values("year") <= year]
    values, imputed = evaluate_indicators(catalogue.indicators, history)
    values, imputed_by_spec = impute(values, how=spec.imputation, peers=agencies["sector_code"])
    imputed = imputed | imputed_by_spec
    this_year = _year_slice(values, year, agencies.index)
    scores = normalise_year(catalogue, this_year, spec=spec)
    tree = aggregate_tree(
        catalogue,
        scores,
        weights=spec.weights or None,
        method=spec.aggregation,
        method_by_level=spec.aggregation_by_level or None,
        min_coverage=spec.min_coverage,
    )
    trajectories = assess_trajectories(catalogue, values, agencies=agencies.index, as_of_year=year)
    indicators = _indicator_table(trajectories, scores, _year_slice(imputed.astype(float), year, agencies.index))
    root = catalogue.root.code
    table = _agency_table(
        catalogue, agencies, tree, indicators, root=root, reported_this_year=this_year.notna().any(axis=1)
    )
    return ScoreResult(spec=spec, year=year, agencies=table, groups=tree.values, indicators=indicators)


def _year_slice(frame: pd.DataFrame, year: int, agencies: pd.Index) -> pd.DataFrame:
    if frame.empty or year not in frame.index.get_level_values("year"):
        return pd.DataFrame(np.nan, index=agencies, columns=frame.columns)
    return frame.xs(year, level="year").reindex(agencies)


def _indicator_table(trajectories: pd.DataFrame, scores: pd.DataFrame, imputed: pd.DataFrame) -> pd.DataFrame:
    long_scores = scores.stack(future_stack=True).rename("score")
    long_imputed = imputed.stack(future_stack=True).rename("imputed")
    table = trajectories.set_index(["agency_code", "indicator"])
    table = table.join(long_scores.rename_axis(["agency_code", "indicator"]))
    table = table.join(long_imputed.rename_axis(["agency_code", "indicator"]))
    table["imputed"] = table["imputed"].fillna(0).astype(bool)
    return table.reset_index()


def _agency_table(
    catalogue: Catalogue,
    agencies: pd.DataFrame,
    tree: Any,
    indicators: pd.DataFrame,
    *,
    root: str,
    reported_this_year: pd.Series,
) -> pd.DataFrame:
    table = agencies.copy()
    table["index_score"] = tree.values[root]
    table["coverage"] = tree.coverage[root]
    table["reported"] = reported_this_year.reindex(table.index).fillna(False).astype(bool)
    table["scored"] = table["index_score"].notna()
    reasons = tree.reasons[root].where(table["reported"], "no report for this period")
    table["not_scored_reason"] = reasons.where(~table["scored"], None)
    counts = indicators.pivot_table(index="agency_code", columns="status", values="indicator", aggfunc="count")
    for status in STATUSES:
        column = counts[status] if status in counts else pd.Series(0, index=counts.index)
        table[f"{status}_count"] = column.reindex(table.index).fillna(0).astype(int)
    decimals = catalogue.scoring.rank_decimals
    scored = table["index_score"].where(table["scored"])
    table["rank_province"] = rank_within(scored, table["province_code"], decimals=decimals)
    in_county = table["county_code"].notna()  # provincial directorates sit in no county
    table["rank_county"] = rank_within(scored.where(in_county), table["county_code"], decimals=decimals)
    table["rank_sector"] = rank_within(scored, table["province_code"] + "/" + table["sector_code"], decimals=decimals)
    return table
