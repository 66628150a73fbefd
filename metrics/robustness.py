"""Rank robustness: how far an agency's rank moves when the scoring choices move.

A Monte Carlo over the choices a reasonable analyst could have made differently, as the JRC/OECD
handbook's uncertainty analysis does: every node weight drawn uniformly within its bounds
(``Node.bounds(weight_spread)``), one normalisation for every indicator and one aggregation for every
group that declares none, each drawn from the catalogue's ``scoring.robustness`` choices. Each draw is
the scoring chain re-run with ``spec.replace(normalisation=…, aggregation=…, weights=…)``, so a draw
can be regenerated and checked against ``score.normalise_year`` and ``aggregate.aggregate_tree``.

Vectorised: the normalisations are computed once each (draws only pick one), draws are processed in
blocks (``block_draws × agencies × components`` arrays) so memory stays bounded, the tree is aggregated
level by level on those blocks, and competition ranks within groups come from argsorts, not a loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from metrics.aggregate import aggregate, aggregate_tree
from metrics.catalogue import Aggregation, Catalogue, Group, Normalisation, RobustnessDefaults
from metrics.normalise import competition_ranks_within, min_max
from metrics.score import ScoringSpec, normalise_year, rank_within

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
LOW_PERCENTILE, HIGH_PERCENTILE = 5.0, 95.0


class RankRobustness(NamedTuple):
    """Per-agency rank intervals, the share of rank variance each input explains, and every draw's ranks."""

    intervals: pd.DataFrame
    """Index agency_code: group, nominal_rank, median_rank, p5_rank, p95_rank, interval_width, robust,
    ranked_share (share of draws in which the agency had a rank)."""
    sensitivity: pd.DataFrame
    """Index input (``weight:<node>``, ``normalisation``, ``aggregation``): first_order share."""
    ranks: FloatArray
    """draws × agencies competition ranks (NaN: not ranked in that draw)."""


@dataclass(frozen=True)
class Draws:
    """The sampled inputs of every draw: node weights, and indices into the method choices."""

    nodes: tuple[str, ...]
    weights: FloatArray  # draws × nodes
    normalisations: tuple[Normalisation, ...]
    normalisation: IntArray  # draws
    aggregations: tuple[Aggregation, ...]
    aggregation: IntArray  # draws

    def spec(self, draw: int, base: ScoringSpec) -> ScoringSpec:
        """The scoring spec that reproduces one draw through the deterministic chain."""
        return base.replace(
            normalisation=self.normalisations[int(self.normalisation[draw])],
            aggregation=self.aggregations[int(self.aggregation[draw])],
            weights=dict(zip(self.nodes, self.weights[draw].tolist(), strict=True)),
        )


def weight_bounds(catalogue: Catalogue, spec: ScoringSpec) -> tuple[tuple[str, ...], FloatArray, FloatArray]:
    """Every non-root node with its Monte Carlo bounds.

    Declared ``weight_bounds`` hold; otherwise ``weight × (1 ± weight_spread)``, around the spec's
    weight where the spec overrides one.
    """
    spread = catalogue.scoring.weight_spread
    nodes = [n for n in catalogue.iter_nodes() if n.parent is not None]
    bounds = [
        n.bounds(spread)
        if n.code not in spec.weights
        else (spec.weights[n.code] * (1 - spread), spec.weights[n.code] * (1 + spread))
        for n in nodes
    ]
    low, high = np.array(bounds, dtype=np.float64).reshape(-1, 2).T
    return tuple(n.code for n in nodes), low, high


def sample_draws(catalogue: Catalogue, spec: ScoringSpec, *, settings: RobustnessDefaults) -> Draws:
    """All draws up front from one seeded generator, so blocking never changes what was drawn."""
    nodes, low, high = weight_bounds(catalogue, spec)
    rng = np.random.default_rng(settings.seed)
    weights = rng.uniform(low, high, size=(settings.draws, len(nodes)))
    normalisation = rng.integers(len(settings.normalisations), size=settings.draws)
    aggregation = rng.integers(len(settings.aggregations), size=settings.draws)
    return Draws(nodes, weights, settings.normalisations, normalisation, settings.aggregations, aggregation)


class _Step(NamedTuple):
    """One group's aggregation in the block plan: where its children come from and its weights' columns."""

    group: Group
    indicators: FloatArray | None  # normalisations × agencies × child indicators, or None
    children: tuple[str, ...]  # child group codes (computed earlier in the block), after the indicators
    weight_columns: IntArray


def _plan(
    catalogue: Catalogue, normalised: FloatArray, indicator_codes: Sequence[str], nodes: Sequence[str]
) -> list[_Step]:
    """Deepest groups first; each step's indicator children are pre-gathered for every normalisation."""
    column = {code: i for i, code in enumerate(indicator_codes)}
    weight_column = {code: i for i, code in enumerate(nodes)}
    steps = []
    for group in catalogue.groups_bottom_up():
        children = catalogue.children(group.code)
        leaf = [c.code for c in children if c.code in column]
        branch = tuple(c.code for c in children if c.code not in column)
        gathered = normalised[:, :, [column[c] for c in leaf]] if leaf else None
        weights = np.array([weight_column[c] for c in (*leaf, *branch)], dtype=np.intp)
        steps.append(_Step(group, gathered, branch, weights))
    return steps


def _aggregate_block(
    values: FloatArray, weights: FloatArray, methods: IntArray, choices: Sequence[Aggregation], *, min_coverage: float
) -> FloatArray:
    """Aggregate draws × agencies × components, each draw by its own method (a loop over methods only)."""
    used = np.unique(methods)
    if used.size == 1:
        return aggregate(values, weights, method=choices[int(used[0])], min_coverage=min_coverage).values
    result = np.empty(values.shape[:-1])
    for method in used:
        chosen = methods == method
        result[chosen] = aggregate(
            values[chosen], weights[chosen], method=choices[int(method)], min_coverage=min_coverage
        ).values
    return result


def _score_block(
    steps: Sequence[_Step], draws: Draws, block: slice, *, catalogue: Catalogue, min_coverage: float
) -> FloatArray:
    """Root scores (draws × agencies) of one block of draws."""
    picked = draws.normalisation[block]
    weights = draws.weights[block]
    methods = draws.aggregation[block]
    computed: dict[str, FloatArray] = {}
    for step in steps:
        parts = [] if step.indicators is None else [step.indicators[picked]]
        parts += [computed[code][..., None] for code in step.children]
        values = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=-1)
        child_weights = weights[:, None, step.weight_columns]
        if step.group.aggregation is not None:
            scores = aggregate(values, child_weights, method=step.group.aggregation, min_coverage=min_coverage).values
        else:
            scores = _aggregate_block(values, child_weights, methods, draws.aggregations, min_coverage=min_coverage)
        if step.group.rescale == "min_max":
            scores = min_max(scores, axis=-1, scale=catalogue.scoring.score_max)
        computed[step.group.code] = scores
    return computed[catalogue.root.code]


def _percentiles(ranks: FloatArray, percentiles: Sequence[float]) -> FloatArray:
    """Linear-interpolated percentiles over draws (axis 0) of the ranked draws only; NaN if never ranked.

    ``np.nanpercentile`` loops over columns in Python when NaN is present; this sorts once instead.
    """
    ordered = np.sort(ranks, axis=0)  # NaN last
    valid = (~np.isnan(ranks)).sum(axis=0)
    columns = np.arange(ranks.shape[1])
    result = np.full((len(percentiles), ranks.shape[1]), np.nan)
    last = np.maximum(valid - 1, 0)
    for row, q in enumerate(percentiles):
        h = last * (q / 100.0)
        low = np.floor(h).astype(np.intp)
        high = np.minimum(low + 1, last)
        below, above = ordered[low, columns], ordered[high, columns]
        result[row] = np.where(valid > 0, below + (h - low) * (above - below), np.nan)
    return result


def first_order_sensitivity(draws: Draws, ranks: FloatArray, *, bins: int, inputs: Sequence[str]) -> pd.DataFrame:
    """Share of rank variance each input explains alone (binning estimator of Var(E[rank | input]) / Var(rank)).

    Pooled over the agencies ranked in every draw: the summed between-bin variance over the summed
    total variance. Continuous inputs (weights) fall into equal-count bins, choices into their categories.
    """
    always = ~np.isnan(ranks).any(axis=0)
    y = ranks[:, always]
    total = float(((y - y.mean(axis=0)) ** 2).sum())
    shares = {}
    candidates = {f"weight:{code}": draws.weights[:, draws.nodes.index(code)] for code in inputs}
    candidates["normalisation"] = draws.normalisation.astype(np.float64)
    candidates["aggregation"] = draws.aggregation.astype(np.float64)
    for name, x in candidates.items():
        if total == 0 or y.shape[1] == 0:
            shares[name] = np.nan
            continue
        if np.ptp(x) == 0:
            shares[name] = 0.0
            continue
        if name.startswith("weight:"):
            label = np.argsort(np.argsort(x, kind="stable"), kind="stable") * bins // len(x)
        else:
            label = np.unique(x, return_inverse=True)[1].reshape(-1)
        count = np.bincount(label).astype(np.float64)
        onehot = np.zeros((count.size, len(x)))
        onehot[label, np.arange(len(x))] = 1.0
        means = (onehot @ y) / np.where(count > 0, count, 1.0)[:, None]
        between = float((count[:, None] * (means - y.mean(axis=0)) ** 2).sum())
        shares[name] = between / total
    return pd.DataFrame({"first_order": pd.Series(shares, dtype="float64")}).rename_axis("input")


def _nominal_ranks(catalogue: Catalogue, values: pd.DataFrame, groups: pd.Series, *, spec: ScoringSpec) -> pd.Series:
    """The ranks the deterministic chain gives with ``spec``: what the robustness is measured around."""
    scores = normalise_year(catalogue, values, spec=spec)
    tree = aggregate_tree(
        catalogue, scores, weights=spec.weights or None, method=spec.aggregation, min_coverage=spec.min_coverage
    )
    root = tree.values[catalogue.root.code]
    return rank_within(root, groups, decimals=catalogue.scoring.rank_decimals).astype("float64")


def run_draws(
    catalogue: Catalogue,
    values: pd.DataFrame,
    draws: Draws,
    *,
    groups: npt.ArrayLike,
    spec: ScoringSpec,
    block_draws: int,
) -> FloatArray:
    """Competition ranks (draws × agencies) of every draw, computed ``block_draws`` at a time."""
    normalised = np.stack(
        [normalise_year(catalogue, values, spec=spec.replace(normalisation=m)).to_numpy() for m in draws.normalisations]
    )
    codes = [i.code for i in catalogue.indicators]
    steps = _plan(catalogue, normalised, codes, draws.nodes)
    min_coverage = catalogue.scoring.min_coverage if spec.min_coverage is None else spec.min_coverage
    decimals = catalogue.scoring.rank_decimals
    total = draws.weights.shape[0]
    ranks = np.empty((total, len(values.index)))
    for start in range(0, total, block_draws):
        block = slice(start, min(start + block_draws, total))
        root = _score_block(steps, draws, block, catalogue=catalogue, min_coverage=min_coverage)
        if decimals is not None:
            root = np.round(root, decimals)
        ranks[block] = competition_ranks_within(root, groups)
    return ranks


def rank_robustness(
    catalogue: Catalogue,
    values: pd.DataFrame,
    *,
    groups: pd.Series | None = None,
    spec: ScoringSpec | None = None,
    settings: RobustnessDefaults | None = None,
) -> RankRobustness:
    """Rank intervals of every agency under perturbed weights, normalisations and aggregations.

    ``values`` holds one year's raw indicator values (rows agencies, columns indicator codes, NaN =
    missing); ``groups`` the grouping ranks are within (a province code per agency; one group if None);
    ``spec`` the nominal choices (the catalogue's defaults if None); ``settings`` the draw settings
    (``catalogue.scoring.robustness`` if None).
    """
    spec = spec or ScoringSpec.default_for(catalogue)
    settings = settings or catalogue.scoring.robustness
    if "z_score" in settings.normalisations and any(
        g.aggregation not in (None, "arithmetic") for g in catalogue.groups
    ):
        raise ValueError("z_score scores can be negative: groups declaring geometric or harmonic cannot use them")
    group_labels = pd.Series("all", index=values.index) if groups is None else groups.reindex(values.index)
    group_labels = group_labels.fillna("").astype(str)
    draws = sample_draws(catalogue, spec, settings=settings)
    ranks = run_draws(
        catalogue, values, draws, groups=pd.factorize(group_labels)[0], spec=spec, block_draws=settings.block_draws
    )
    low, median, high = _percentiles(ranks, [LOW_PERCENTILE, 50.0, HIGH_PERCENTILE])
    width = high - low
    intervals = pd.DataFrame(
        {
            "group": group_labels if groups is not None else pd.Series(pd.NA, index=values.index, dtype="string"),
            "nominal_rank": _nominal_ranks(catalogue, values, group_labels, spec=spec),
            "median_rank": median,
            "p5_rank": low,
            "p95_rank": high,
            "interval_width": width,
            "robust": pd.array(np.where(np.isnan(width), None, width <= settings.max_interval_width), dtype="boolean"),
            "ranked_share": (~np.isnan(ranks)).mean(axis=0),
        },
        index=values.index,
    )
    intervals.attrs["settings"] = {**settings.model_dump(), "weight_spread": catalogue.scoring.weight_spread}
    pillars = [g.code for g in catalogue.groups if g.parent is not None]
    sensitivity = first_order_sensitivity(draws, ranks, bins=settings.sensitivity_bins, inputs=pillars)
    return RankRobustness(intervals, sensitivity, ranks)
