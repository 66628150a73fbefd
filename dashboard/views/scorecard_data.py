"""Everything the agency scorecard shows, fetched from ``metrics.api``: as frames for the Excel download
(:class:`ScorecardData`) and as rows of dicts for the page (:class:`ScorecardPage`); a test holds the two
to the same numbers.

The page reads an agency's rows through :class:`AgencyRows`, kept per data version: the year's tables
as column arrays and where each agency's rows are, so one agency's rows are a few array picks instead of
a ``take`` of a wide frame (≈ 0.4 ms for the indicator table, more with each ``frame[column]`` after it).
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from dashboard.figures import INDICATOR_FIELDS
from dashboard.views.choices import PICKER_LIMIT
from dashboard.views.scope import per_version
from metrics import api


@dataclass(frozen=True)
class AgencyRows:
    """Some columns of a table of agencies' rows, kept as arrays, and the positions of each agency's rows.

    Text columns are kept as codes into their distinct values, integer columns (which may be missing) as
    floats, so a country's table costs a few arrays, not a Python object per cell.

    >>> frame = pd.DataFrame({"agency_code": ["A", "B", "A"], "status": ["x", None, "y"], "year": [1, None, 3]})
    >>> kept = AgencyRows.of(frame.astype({"year": "Int64"}), ["status", "year"])
    >>> kept.rows("A"), kept.rows("B"), kept.rows("C")
    ([{'status': 'x', 'year': 1}, {'status': 'y', 'year': 3}], [{'status': None, 'year': None}], [])
    """

    columns: tuple[tuple[str, np.ndarray, tuple[Any, ...] | None, bool], ...]
    """(name, values or codes, the distinct values codes point to (text), whether the values are integers)."""
    positions: dict[Any, np.ndarray]

    @classmethod
    def of(cls, frame: pd.DataFrame, columns: Sequence[str], *, key: str = "agency_code") -> AgencyRows:
        """Keep ``columns`` of ``frame``; agencies are told by its ``key`` column, or by its index."""
        kept: list[tuple[str, np.ndarray, tuple[Any, ...] | None, bool]] = []
        for name in columns:
            series = frame[name]
            if pd.api.types.is_bool_dtype(series.dtype):
                kept.append((name, series.to_numpy(dtype=bool, na_value=False), None, False))
            elif pd.api.types.is_numeric_dtype(series.dtype):
                integer = pd.api.types.is_integer_dtype(series.dtype)
                kept.append((name, series.to_numpy(dtype="float64", na_value=np.nan), None, integer))
            else:
                codes, distinct = pd.factorize(series, use_na_sentinel=True)
                kept.append((name, codes.astype(np.int32), tuple(distinct.tolist()), False))
        keys = frame[key] if key in frame.columns else frame.index.to_series()
        return cls(tuple(kept), keys.groupby(keys.to_numpy(), sort=False).indices)

    def rows(self, code: Any) -> list[dict[str, Any]]:
        """The agency's rows in the table's order, as dicts of Python values (missing as ``None``/NaN)."""
        at = self.positions.get(code)
        if at is None:
            return []
        lists = []
        for _name, values, distinct, integer in self.columns:
            picked = values[at].tolist()
            if distinct is not None:
                picked = [distinct[k] if k >= 0 else None for k in picked]
            elif integer:
                picked = [None if v != v else int(v) for v in picked]
            lists.append(picked)
        names = [name for name, *_ in self.columns]
        return [dict(zip(names, values, strict=True)) for values in zip(*lists, strict=True)]


INDICATOR_COLUMNS = (*INDICATOR_FIELDS, "baseline_value")
"""What the scorecard and compare pages read of each ``api.indicator_scores`` row (with ``agency_code``)."""


def indicator_records(year: int, codes: Sequence[str], *, engine: Engine) -> list[dict[str, Any]]:
    """The agencies' rows of ``api.indicator_scores`` for the year (``INDICATOR_COLUMNS``), agency by
    agency in the order given, through an :class:`AgencyRows` kept per data version."""
    kept = _kept(
        engine, ("indicator_scores", year), lambda: api.indicator_scores(year, engine=engine), INDICATOR_COLUMNS
    )
    return [{**row, "agency_code": code} for code in codes for row in kept.rows(code)]


@dataclass(frozen=True)
class ScorecardData:
    """One agency in one plan year, and what it is compared with."""

    agency_code: str
    year: int
    agency: pd.Series
    """The agency's row of ``api.scores``: names, place, index, pillars, coverage, ranks, status counts."""
    peers: pd.DataFrame
    """``api.scores`` of every agency in the same province (the agency included)."""
    indicators: pd.DataFrame
    """``api.indicator_scores`` of the agency for the year."""
    trajectory: pd.DataFrame
    """``api.trajectory``: each indicator's value and path target for every plan year."""
    stage: pd.Series | None
    """The agency's row of ``api.maturity`` (``None`` when it has none)."""
    claims: pd.Series | None
    """The agency's row of ``api.claimed_vs_observed``."""
    submissions: pd.DataFrame
    """Every submission of the agency, current and superseded."""


def fetch_scorecard(
    agency_code: str,
    year: int,
    *,
    engine: Engine,
    with_trajectory: bool = True,
) -> ScorecardData | None:
    """The bundle for an agency and a year, or ``None`` when the agency does not exist. Without
    ``with_trajectory`` (the Excel file has no paths), ``trajectory`` is left empty."""
    scores = api.scores(year, engine=engine)
    if agency_code not in scores.index:
        return None
    agency = scores.loc[agency_code]
    stages = api.maturity(year, engine=engine)
    claims = api.claimed_vs_observed(year, engine=engine)
    return ScorecardData(
        agency_code=agency_code,
        year=year,
        agency=agency,
        peers=api.scores(year, province=agency["province_code"], engine=engine),
        indicators=api.indicator_scores(year, agency=agency_code, engine=engine).reset_index(drop=True),
        trajectory=api.trajectory(agency_code, engine=engine) if with_trajectory else pd.DataFrame(),
        stage=stages.loc[agency_code] if agency_code in stages.index else None,
        claims=claims.loc[agency_code] if agency_code in claims.index else None,
        submissions=api.submissions(current_only=False, agency=agency_code, engine=engine),
    )


# --- the page's bundle: rows as dicts, picked from arrays kept per data version ----------------------------
SUBMISSION_COLUMNS = (
    "agency_code",
    "submission_id",
    "period_code",
    "file_name",
    "submitted_by",
    "submitted_at",
    "status",
    "supersedes_id",
    "review_status",
)


@dataclass(frozen=True)
class ScorecardPage:
    """What the scorecard page shows of one agency in one plan year, each table as rows of dicts.

    The same numbers as :class:`ScorecardData` (the Excel file's bundle), read through kept arrays: a
    page answers in a few milliseconds when the frames' ``take`` and ``loc`` alone cost as much."""

    agency_code: str
    year: int
    agency: dict[str, Any]
    """The agency's row of ``api.scores``."""
    ranked_in_province: int
    """How many agencies of its province have a rank."""
    province_medians: dict[str, float]
    """Each ``pillar_*`` column's median over the province's scored agencies (NaN when none)."""
    indicators: list[dict[str, Any]]
    """The agency's rows of ``api.indicator_scores`` for the year (``INDICATOR_COLUMNS``)."""
    trajectory: list[dict[str, Any]]
    """Each indicator's reported value in every plan year: ``indicator``, ``year``, ``value``."""
    stage: dict[str, Any] | None
    """The agency's row of ``api.maturity`` (``None`` when it has none)."""
    claims: dict[str, Any] | None
    """The agency's row of ``api.claimed_vs_observed``."""
    submissions: list[dict[str, Any]]
    """Every submission of the agency, current and superseded (``SUBMISSION_COLUMNS``)."""


def _kept(engine: Engine, name: tuple[object, ...], frame: Any, columns: Sequence[str] | None = None) -> AgencyRows:
    """The :class:`AgencyRows` of a table of ``metrics.api`` (``frame()``), kept per data version."""

    def build() -> AgencyRows:
        table = frame()
        return AgencyRows.of(table, list(columns) if columns is not None else list(table.columns))

    return per_version(engine, ("agency rows", *name), build)


def _one(kept: AgencyRows, code: str) -> dict[str, Any] | None:
    found = kept.rows(code)
    return found[0] if found else None


def _province(engine: Engine, year: int, province: str) -> tuple[int, dict[str, float]]:
    """How many of the province's agencies are ranked, and each pillar's median over its scored agencies."""
    return per_version(engine, ("province peers", year), lambda: _provinces(api.scores(year, engine=engine))).get(
        province, (0, {})
    )


def _provinces(scores: pd.DataFrame) -> dict[str, tuple[int, dict[str, float]]]:
    """:func:`_province` for every province at once (one pass over the country's table per data version).

    >>> scores = pd.DataFrame({"province_code": ["A", "A", "B"], "scored": [True, False, True],
    ...     "rank_province": pd.array([1, None, 1], dtype="Int64"), "pillar_x": [10.0, 99.0, None]})
    >>> _provinces(scores)
    {'A': (1, {'pillar_x': 10.0}), 'B': (1, {'pillar_x': nan})}
    """
    pillars = [c for c in scores.columns if str(c).startswith("pillar_")]
    scored = scores[scores["scored"].to_numpy(dtype=bool)]
    medians = scored.groupby("province_code", sort=False)[pillars].median() if pillars else pd.DataFrame()
    ranked = scores["rank_province"].notna().groupby(scores["province_code"], sort=False).sum()
    found = {}
    for province, count in ranked.items():
        row = medians.loc[province] if province in medians.index else None
        found[str(province)] = (
            int(count),
            {c: float("nan") if row is None or pd.isna(row[c]) else float(row[c]) for c in pillars},
        )
    return found


def fetch_scorecard_page(agency_code: str, year: int, *, engine: Engine) -> ScorecardPage | None:
    """The page's bundle for an agency and a year, or ``None`` when the agency does not exist."""
    found = score_records(year, [agency_code], engine=engine)
    if not found:
        return None
    agency = found[0]
    ranked, medians = _province(engine, year, str(agency["province_code"]))
    plan = api.catalogue().plan
    trajectory = []
    for plan_year in range(plan.first_year, plan.target_year + 1):
        values = _kept(
            engine,
            ("values", plan_year),
            lambda plan_year=plan_year: api.indicator_scores(plan_year, engine=engine),
            ["indicator", "value"],
        )
        trajectory += [{**row, "year": plan_year} for row in values.rows(agency_code)]
    stages = _kept(engine, ("maturity", year), lambda: api.maturity(year, engine=engine))
    claims = _kept(engine, ("claims", year), lambda: api.claimed_vs_observed(year, engine=engine))
    return ScorecardPage(
        agency_code=agency_code,
        year=year,
        agency=agency,
        ranked_in_province=ranked,
        province_medians=medians,
        indicators=indicator_records(year, [agency_code], engine=engine),
        trajectory=trajectory,
        stage=_one(stages, agency_code),
        claims=_one(claims, agency_code),
        submissions=submission_records(agency_code, engine=engine),
    )


def submission_records(agency_code: str, *, engine: Engine) -> list[dict[str, Any]]:
    """Every submission of the agency, current and superseded (``SUBMISSION_COLUMNS``), oldest first."""
    kept = _kept(
        engine, ("submissions",), lambda: api.submissions(current_only=False, engine=engine), SUBMISSION_COLUMNS
    )
    return kept.rows(agency_code)


def score_records(year: int, codes: Sequence[str], *, engine: Engine) -> list[dict[str, Any]]:
    """The agencies' rows of ``api.scores`` for the year (with ``agency_code``), in the order given;
    unknown codes are left out."""
    kept = _kept(engine, ("scores", year), lambda: api.scores(year, engine=engine))
    return [{**row, "agency_code": code} for code in codes for row in kept.rows(code)]


AGENCY_COLUMNS = ("name_fa", "name_en", "province_fa", "province_en")


def known_agencies(*, engine: Engine) -> Container[Any]:
    """The codes of every agency (``api.agencies``' index), kept per data version: ``code in`` them is a
    dict lookup, with no copy of the agency table."""
    return _kept(engine, ("agencies",), lambda: api.agencies(engine=engine), AGENCY_COLUMNS).positions


def picker_rows(selected: Sequence[str], *, engine: Engine, limit: int = PICKER_LIMIT) -> list[dict[str, Any]]:
    """An agency picker's opening rows (``agency_code`` and ``AGENCY_COLUMNS``): the picked agencies, then
    the first ``limit`` others; ``choices.matching_agencies`` with nothing typed, read from kept arrays
    (its ``take`` of the agency table was a third of a page's layout)."""
    kept = _kept(engine, ("agencies",), lambda: api.agencies(engine=engine), AGENCY_COLUMNS)
    chosen = [code for code in dict.fromkeys(selected) if code in kept.positions]
    first = per_version(
        engine, ("first agencies", limit), lambda: api.agencies(engine=engine).index[: 2 * limit].tolist()
    )
    if len(chosen) > limit:  # never from a page (at most four are picked); read as far as needed
        first = api.agencies(engine=engine).index[: limit + len(chosen)].tolist()
    others = [code for code in first[: limit + len(chosen)] if code not in chosen][:limit]
    return [{**kept.rows(code)[0], "agency_code": code} for code in [*chosen, *others]]
