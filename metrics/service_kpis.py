"""Service KPIs from merged log aggregates (the four the UK's Service Standard published for every
service, plus volume): digital take-up, counter share, completion rate, median and p90 time.

Aggregates of any batches, files and months add up exactly; percentiles are read from the merged
fixed-bucket histogram, so they are exact to within one bucket.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from store.models import BUCKET_COLUMNS, DURATION_BUCKET_EDGES_S

DIGITAL_CHANNELS = ("online", "mobile")
SUMMED = ("transactions", "completed", "rejected", "abandoned", "duration_count", "duration_sum_s", *BUCKET_COLUMNS)


def histogram_percentile(histograms: np.ndarray, q: float) -> np.ndarray:
    """The ``q`` quantile (0–1) of each row's duration histogram, interpolated inside its bucket.

    >>> histogram_percentile(np.array([[0, 0, 10, 0] + [0] * 12]), 0.5).round(1).tolist()
    [45.0]
    """
    counts = np.asarray(histograms, dtype=np.float64)
    total = counts.sum(axis=1)
    cumulative = np.cumsum(counts, axis=1)
    wanted = q * total
    bucket = np.argmax(cumulative >= wanted[:, None], axis=1)
    lower = np.asarray(DURATION_BUCKET_EDGES_S, dtype=np.float64)
    upper = np.append(lower[1:], lower[-1] * 2)  # the open last bucket: read up to twice its edge
    before = np.take_along_axis(cumulative, bucket[:, None], axis=1)[:, 0] - counts[np.arange(len(counts)), bucket]
    inside = counts[np.arange(len(counts)), bucket]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.where(inside > 0, (wanted - before) / inside, 0.0)
    value = lower[bucket] + fraction * (upper[bucket] - lower[bucket])
    return np.where(total > 0, value, np.nan)


def merge_aggregates(aggregates: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Add partial aggregates up to ``by`` (and channel); the same sums whatever the split."""
    return aggregates.groupby([*by, "channel"], as_index=False)[list(SUMMED)].sum()


def service_kpis(aggregates: pd.DataFrame, *, by: list[str]) -> pd.DataFrame:
    """KPIs per ``by`` group (e.g. agency × year, or agency × service × year) over all channels."""
    merged = merge_aggregates(aggregates, by)
    digital = merged["channel"].isin(DIGITAL_CHANNELS)
    totals = merged.groupby(by)[list(SUMMED)].sum()
    online = merged[digital].groupby(by)[["transactions", "completed"]].sum().reindex(totals.index, fill_value=0)
    counter = (
        merged[merged["channel"] == "counter"].groupby(by)["transactions"].sum().reindex(totals.index, fill_value=0)
    )
    kpis = pd.DataFrame(index=totals.index)
    kpis["transactions"] = totals["transactions"]
    kpis["digital_takeup_pct"] = 100 * online["transactions"] / totals["transactions"]
    kpis["counter_share_pct"] = 100 * counter / totals["transactions"]
    kpis["completion_rate_pct"] = (100 * online["completed"] / online["transactions"]).where(online["transactions"] > 0)
    histograms = totals[list(BUCKET_COLUMNS)].to_numpy()
    kpis["median_duration_s"] = histogram_percentile(histograms, 0.5)
    kpis["p90_duration_s"] = histogram_percentile(histograms, 0.9)
    kpis["mean_duration_s"] = (totals["duration_sum_s"] / totals["duration_count"]).where(totals["duration_count"] > 0)
    return kpis
