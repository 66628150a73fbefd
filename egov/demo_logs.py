"""Service logs for the demo: what citizens actually did, from each agency's true maturity.

Reports of "overclaimer" agencies inflate their maturity; these logs follow the truth, so the gap
between claimed and observed shows. One gzip CSV per province and year, the way an e-service
portal exports its nightly files (some Persian headers and values, Jalali or ISO timestamps, a
few unusable rows and repeated transaction ids, as real exports have).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jdatetime
import numpy as np
import pandas as pd

from egov.demo import AgencyPlan, DemoSpec, level_index

CHANNELS = np.array(["online", "mobile", "counter", "in_person"])
CHANNELS_FA = np.array(["برخط", "موبایل", "پیشخوان", "حضوری"])
OUTCOMES = np.array(["completed", "rejected", "abandoned"])
OUTCOMES_FA = np.array(["تکمیل شده", "رد شده", "رها شده"])
MEDIAN_SECONDS = np.array([240.0, 180.0, 1200.0, 3600.0])  # by channel
ROWS_PER_SERVICE_MONTH = 12.0


@dataclass(frozen=True)
class LogFile:
    province: str
    year: int
    file_name: str
    source_system: str


@lru_cache(maxsize=16)
def _days_of_year(year: int) -> tuple[np.ndarray, np.ndarray]:
    """Gregorian midnight (as numpy datetime64) and Jalali month of every day of a Jalali year."""
    start = jdatetime.date(year, 1, 1).togregorian()
    end = jdatetime.date(year + 1, 1, 1).togregorian()
    days = [start + dt.timedelta(days=n) for n in range((end - start).days)]
    months = np.array([jdatetime.date.fromgregorian(date=d).month for d in days])
    return np.array(days, dtype="datetime64[D]"), months


def _digital_share(plan: AgencyPlan, year: int, spec: DemoSpec) -> np.ndarray:
    truth = plan.true_maturity(year, spec.first_year)
    levels = np.array([level_index(truth, difficulty) for _, _, difficulty in plan.services])
    return np.select([levels >= 3, levels == 2], [0.35 + 0.55 * truth, 0.05 + 0.2 * truth], default=0.01)


def log_frame(plans: list[AgencyPlan], year: int, spec: DemoSpec, *, seed: int, jalali_times: bool) -> pd.DataFrame:
    """One province-year of transactions, vectorised over agencies × services × days."""
    rng = np.random.default_rng(seed)
    days, _ = _days_of_year(year)
    codes, services, shares, counter_ok, rates = [], [], [], [], []
    for plan in plans:
        share = _digital_share(plan, year, spec)
        for (code, _, difficulty), digital in zip(plan.services, share, strict=True):
            codes.append(plan.agency.code)
            services.append(code)
            shares.append(digital)
            counter_ok.append(difficulty < 0.45 and plan.true_maturity(year, spec.first_year) > 0.3)
            rates.append(ROWS_PER_SERVICE_MONTH * 12 * plan.size / len(days))
    counts = rng.poisson(np.repeat(np.array(rates)[:, None], len(days), axis=1))
    pair, day = np.nonzero(counts)
    repeats = counts[pair, day]
    pair, day = np.repeat(pair, repeats), np.repeat(day, repeats)
    n = len(pair)
    digital = np.array(shares)[pair]
    counter = np.where(np.array(counter_ok)[pair], 0.5, 0.05) * (1 - digital)
    draw = rng.random(n)
    channel = np.select([draw < digital * 0.7, draw < digital, draw < digital + counter], [0, 1, 2], default=3)
    outcome = np.select([rng.random(n) < 0.9 - 0.05 * (channel < 2)], [0], default=1 + (rng.random(n) < 0.4))
    seconds = rng.lognormal(np.log(MEDIAN_SECONDS[channel]), 0.6).round()
    moment = days[day].astype("datetime64[s]") + rng.integers(8 * 3600, 20 * 3600, n).astype("timedelta64[s]")
    frame = pd.DataFrame(
        {
            "agency_code": np.array(codes)[pair],
            "service_code": np.array(services)[pair],
            "channel": np.where(rng.random(n) < 0.5, CHANNELS_FA[channel], CHANNELS[channel]),
            "outcome": np.where(rng.random(n) < 0.5, OUTCOMES_FA[outcome], OUTCOMES[outcome]),
            "duration_s": seconds.astype(int),
            "transaction_id": [f"{year}-{seed % 1000:03d}-{i:08d}" for i in range(n)],
        }
    )
    frame.insert(0, "timestamp", _timestamps(moment, jalali=jalali_times))
    return _with_export_noise(frame.sort_values("timestamp", kind="stable").reset_index(drop=True), rng)


def _timestamps(moments: np.ndarray, *, jalali: bool) -> np.ndarray:
    """ISO timestamps, or Jalali dates with the time as Iranian systems write them (each day converted once)."""
    iso = np.datetime_as_string(moments, unit="s")
    if not jalali:
        return iso
    unique, inverse = np.unique(moments.astype("datetime64[D]"), return_inverse=True)
    as_jalali = np.array([jdatetime.date.fromgregorian(date=d.astype(dt.date)).strftime("%Y/%m/%d ") for d in unique])
    return np.char.add(as_jalali[inverse], np.array([stamp[11:] for stamp in iso]))


def _with_export_noise(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """What real exports carry: a few repeated rows (same transaction id) and a few unusable ones."""
    n = len(frame)
    repeated = frame.iloc[rng.choice(n, size=max(1, n // 2000), replace=False)]
    broken = frame.iloc[rng.choice(n, size=max(1, n // 1000), replace=False)].copy()
    broken["channel"] = "fax"
    return pd.concat([frame, repeated, broken], ignore_index=True)


def demo_log_files(
    plans: list[AgencyPlan], spec: DemoSpec, *, provinces: set[str] | None, years: tuple[int, int]
) -> Iterator[tuple[LogFile, pd.DataFrame]]:
    """Every demo log file with its rows (generated lazily, one province-year at a time)."""
    by_province: dict[str, list[AgencyPlan]] = {}
    for plan in plans:
        if provinces is None or plan.agency.province in provinces:
            by_province.setdefault(plan.agency.province, []).append(plan)
    for province, members in sorted(by_province.items()):
        for year in range(years[0], years[1] + 1):
            seed = spec.seed * 10_000 + year * 10 + sorted(by_province).index(province)
            frame = log_frame(members, year, spec, seed=seed, jalali_times=(year + len(province)) % 2 == 0)
            yield LogFile(province, year, f"{province}_{year}.csv.gz", f"portal-{province}"), frame


def write_log_file(frame: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, compression={"method": "gzip", "compresslevel": 1, "mtime": 0})
    return path
