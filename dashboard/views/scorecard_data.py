"""Everything the agency scorecard shows (:class:`ScorecardPage`), for the page and its Excel file alike.

An agency's rows are read through :class:`AgencyRows`, kept per data version: the year's tables as
matrices and where each agency's rows are, so one agency's rows are a few array picks instead of a
``take`` of a wide frame (≈ 0.4 ms for the indicator table, more with each ``frame[column]`` after it).
``tests/dashboard/test_scorecard.py`` holds these rows to ``metrics.api``'s frames.
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
    """Some columns of a table of agencies' rows, kept as two matrices, and the positions of each agency's rows.

    Floats sit in one float matrix; text, booleans and integers (which may be missing) in one matrix of
    references to shared Python objects (each distinct value made once). A country's table costs a few
    arrays, not a Python object per cell, and one agency's rows are two picks and two ``tolist``, whatever
    the number of columns (a pick per column was ≈ 1.5 µs: 60 µs for a row of ``api.scores``).

    >>> frame = pd.DataFrame({"agency_code": ["A", "B", "A"], "status": ["x", None, "y"], "year": [1, None, 3]})
    >>> kept = AgencyRows.of(frame.astype({"year": "Int64"}), ["status", "year"])
    >>> kept.rows("A"), kept.rows("B"), kept.rows("C")
    ([{'status': 'x', 'year': 1}, {'status': 'y', 'year': 3}], [{'status': None, 'year': None}], [])
    """

    names: tuple[str, ...]
    floats: tuple[str, ...]
    float_values: np.ndarray
    """Rows × ``floats``, float64 (missing as NaN)."""
    objects: tuple[str, ...]
    object_values: np.ndarray
    """Rows × ``objects``: Python ``str``, ``bool`` and ``int`` (missing as ``None``)."""
    positions: dict[Any, np.ndarray]

    @classmethod
    def of(cls, frame: pd.DataFrame, columns: Sequence[str], *, key: str = "agency_code") -> AgencyRows:
        """Keep ``columns`` of ``frame``; agencies are told by its ``key`` column, or by its index."""
        floats: dict[str, np.ndarray] = {}
        objects: dict[str, np.ndarray] = {}
        for name in columns:
            series = frame[name]
            if pd.api.types.is_bool_dtype(series.dtype):
                objects[name] = series.to_numpy(dtype=bool, na_value=False).astype(object)
            elif pd.api.types.is_integer_dtype(series.dtype):
                codes, distinct = pd.factorize(series, use_na_sentinel=True)
                objects[name] = np.array([*(int(v) for v in distinct), None], dtype=object)[codes]
            elif pd.api.types.is_numeric_dtype(series.dtype):
                floats[name] = series.to_numpy(dtype="float64", na_value=np.nan)
            else:
                codes, distinct = pd.factorize(series, use_na_sentinel=True)
                objects[name] = np.array([*distinct.tolist(), None], dtype=object)[codes]  # code -1: None
        keys = frame[key] if key in frame.columns else frame.index.to_series()
        size = len(frame)
        return cls(
            names=tuple(columns),
            floats=tuple(floats),
            float_values=np.column_stack(list(floats.values())) if floats else np.empty((size, 0)),
            objects=tuple(objects),
            object_values=np.column_stack(list(objects.values())) if objects else np.empty((size, 0), dtype=object),
            positions=keys.groupby(keys.to_numpy(), sort=False).indices,
        )

    def rows(self, code: Any) -> list[dict[str, Any]]:
        """The agency's rows in the table's order, as dicts of Python values (missing as ``None``/NaN)."""
        at = self.positions.get(code)
        return [] if at is None else self._picked(at)

    def rows_of(self, codes: Sequence[Any], *, key: str) -> list[dict[str, Any]]:
        """:meth:`rows` of several agencies, agency by agency in the order given (unknown ones left out),
        each row with its agency's code under ``key``: one pick for all of them (a picker's 50 options)."""
        found = [(code, at) for code in codes if (at := self.positions.get(code)) is not None]
        if not found:
            return []
        rows = self._picked(np.concatenate([at for _code, at in found]))
        owners = [code for code, at in found for _ in range(len(at))]
        for row, code in zip(rows, owners, strict=True):
            row[key] = code
        return rows

    def _picked(self, at: np.ndarray) -> list[dict[str, Any]]:
        names, floats, objects = self.names, self.floats, self.objects
        found = []
        for float_row, object_row in zip(self.float_values[at].tolist(), self.object_values[at].tolist(), strict=True):
            row = dict.fromkeys(names)  # the columns' order, then filled (three calls in C, no loop per cell)
            row.update(zip(floats, float_row, strict=False))
            row.update(zip(objects, object_row, strict=False))
            found.append(row)
        return found


INDICATOR_COLUMNS = (*INDICATOR_FIELDS, "baseline_value")
"""What the scorecard and compare pages read of each ``api.indicator_scores`` row (with ``agency_code``)."""


def indicator_records(year: int, codes: Sequence[str], *, engine: Engine) -> list[dict[str, Any]]:
    """The agencies' rows of ``api.indicator_scores`` for the year (``INDICATOR_COLUMNS``), agency by
    agency in the order given, through an :class:`AgencyRows` kept per data version."""
    kept = _kept(
        engine, ("indicator_scores", year), lambda: api.indicator_scores(year, engine=engine), INDICATOR_COLUMNS
    )
    return kept.rows_of(codes, key="agency_code")


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
    """What the scorecard shows of one agency in one plan year (the page and its Excel file), each table
    as rows of dicts read through kept arrays: a page answers in a few milliseconds when the frames'
    ``take`` and ``loc`` alone cost as much."""

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
    trajectory = _trajectories(engine).rows(agency_code)
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


def _trajectories(engine: Engine) -> AgencyRows:
    """Every agency's reported value of each indicator in every plan year (``indicator``, ``year``,
    ``value``, year by year), one table kept per data version: an agency's trajectory is one pick."""

    def build() -> AgencyRows:
        plan = api.catalogue().plan
        years = [
            api.indicator_scores(year, engine=engine)[["agency_code", "indicator", "value"]].assign(year=year)
            for year in range(plan.first_year, plan.target_year + 1)
        ]
        table = pd.concat(years, ignore_index=True).astype({"year": "int64"})
        return AgencyRows.of(table, ["indicator", "year", "value"])

    return per_version(engine, ("agency rows", "trajectories"), build)


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
    return kept.rows_of(codes, key="agency_code")


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
    if len(chosen) > limit:  # never from a page (at most four are picked); read as far as needed
        first = api.agencies(engine=engine).index[: limit + len(chosen)].tolist()
        others = [code for code in first if code not in chosen][:limit]
        return kept.rows_of([*chosen, *others], key="agency_code")
    first_rows = per_version(  # shared rows: read, never changed
        engine,
        ("first agencies", limit),
        lambda: kept.rows_of(api.agencies(engine=engine).index[: 2 * limit].tolist(), key="agency_code"),
    )
    others = [row for row in first_rows[: limit + len(chosen)] if row["agency_code"] not in chosen][:limit]
    return [*kept.rows_of(chosen, key="agency_code"), *others]
