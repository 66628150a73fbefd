"""Reads what the store holds into DataFrames for the scoring chain. Reads only; never writes.

One query per frame, typed columns, indexes the chain can join on.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import pandas as pd
from sqlalchemy import Engine, Integer, Select, bindparam, func, select

from metrics.service_kpis import service_kpis
from store.models import (
    BUCKET_COLUMNS,
    Agency,
    County,
    District,
    IngestJob,
    LogAggregate,
    LogBatchMonth,
    Period,
    Province,
    ReportedService,
    ReportedValue,
    Sector,
    Submission,
)
from store.workflow import COUNTED_STATUSES

CURRENT = Submission.status != "superseded"


def rows_frame(rows: Sequence[Any], columns: Sequence[str]) -> pd.DataFrame:
    """SQLAlchemy rows as a frame, each row as a plain tuple first: pandas asks a ``Row`` (not a tuple)
    whether it has a ``dtype``, and each miss raises inside SQLAlchemy: ≈ 4 µs a row, 11 of the 17 s a
    10,000-agency store took to read its 2.5 million reported values. The frame is the same either way
    (pandas makes tuples of such rows itself, after asking)."""
    return pd.DataFrame([tuple(row) for row in rows], columns=list(columns))


def counted(include_pending: bool = False) -> Any:
    """The submission that counts per agency and period: the newest approved one (with
    ``include_pending``, the newest approved or pending). A returned one counts in neither; a newer
    upload waiting for review does not hide the approved one before it."""
    newest = (
        select(func.max(Submission.id))
        .where(Submission.review_status.in_(COUNTED_STATUSES[include_pending]))
        .group_by(Submission.agency_code, Submission.period_code)
    )
    return Submission.id.in_(newest)


def agencies_frame(engine: Engine) -> pd.DataFrame:
    """Every agency with its place in the tree and its sector, indexed by code."""
    query = (
        select(
            Agency.code.label("agency_code"),
            Agency.name_fa,
            Agency.name_en,
            Agency.kind,
            Agency.sector_code,
            Sector.name_fa.label("sector_fa"),
            Sector.name_en.label("sector_en"),
            Agency.province_code,
            Province.name_fa.label("province_fa"),
            Province.name_en.label("province_en"),
            Agency.county_code,
            County.name_fa.label("county_fa"),
            County.name_en.label("county_en"),
            Agency.district_code,
            District.name_fa.label("district_fa"),
            District.name_en.label("district_en"),
        )
        .join(Sector, Sector.code == Agency.sector_code)
        .join(Province, Province.code == Agency.province_code)
        .outerjoin(County, County.code == Agency.county_code)
        .outerjoin(District, District.code == Agency.district_code)
        .order_by(Agency.code)
    )
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query).mappings().all()).set_index("agency_code")


def periods_frame(engine: Engine) -> pd.DataFrame:
    query = select(Period.code.label("period_code"), Period.year, Period.kind, Period.part, Period.deadline)
    with engine.connect() as connection:
        return pd.DataFrame(connection.execute(query.order_by(Period.year, Period.kind, Period.part)).mappings().all())


def submissions_frame(engine: Engine, *, current_only: bool = True) -> pd.DataFrame:
    """Submissions with their status; by default only the one that counts per agency and period."""
    query = select(
        Submission.id.label("submission_id"),
        Submission.agency_code,
        Submission.period_code,
        Period.year,
        Period.kind.label("period_kind"),
        Submission.status,
        Submission.review_status,
        Submission.file_name,
        Submission.submitted_by,
        Submission.submitted_at,
        Submission.supersedes_id,
        Submission.report_date,
    ).join(Period, Period.code == Submission.period_code)
    if current_only:
        query = query.where(CURRENT)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(Submission.id)).mappings().all()
    return pd.DataFrame(rows, columns=list(query.selected_columns.keys()))


LOG_KPI_COLUMNS = (
    "digital_takeup_pct",
    "completion_rate_pct",
    "counter_share_pct",
    "median_duration_s",
    "p90_duration_s",
)


def log_aggregates_frame(engine: Engine) -> pd.DataFrame:
    """Service-log aggregates that still count (months not replaced by a later export)."""
    columns = [
        LogAggregate.agency_code,
        LogAggregate.service_code,
        LogAggregate.channel,
        LogAggregate.year,
        LogAggregate.month,
        LogAggregate.transactions,
        LogAggregate.completed,
        LogAggregate.rejected,
        LogAggregate.abandoned,
        LogAggregate.duration_count,
        LogAggregate.duration_sum_s,
        *(getattr(LogAggregate, name) for name in BUCKET_COLUMNS),
    ]
    query = (
        select(*columns)
        .join(
            LogBatchMonth,
            (LogBatchMonth.batch_id == LogAggregate.batch_id)
            & (LogBatchMonth.year == LogAggregate.year)
            & (LogBatchMonth.month == LogAggregate.month),
        )
        .where(LogBatchMonth.active.is_(True))
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return rows_frame(rows, [c.key for c in columns])


# --- log uploads/jobs ---
INGEST_JOB_COLUMNS = (
    "job_id",
    "kind",
    "trigger",
    "started_by",
    "file_name",
    "source_system",
    "started_at",
    "finished_at",
    "status",
    "rows_read",
    "rows_accepted",
    "rows_rejected",
    "rows_duplicate",
    "rejects_path",
    "summary",
)


def ingest_jobs_frame(engine: Engine, *, kind: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Ingest jobs (command line, inbox, web), newest first; ``kind`` filters (``logs`` today)."""
    with engine.connect() as connection:
        rows = connection.execute(_jobs_query(kind is not None, limit is not None), {"kind": kind, "limit": limit})
        return rows_frame(rows.all(), INGEST_JOB_COLUMNS)


_NEWEST_JOB = select(func.coalesce(func.max(IngestJob.id), 0))


def newest_ingest_job(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(_NEWEST_JOB) or 0)


@cache
def _jobs_query(by_kind: bool, limited: bool) -> Select[*tuple[Any, ...]]:
    """Built once per shape: the Service logs page reads the newest jobs on every visit, and building the
    statement cost as much as running it."""
    query: Select[*tuple[Any, ...]] = select(
        IngestJob.id.label("job_id"),
        IngestJob.kind,
        IngestJob.trigger,
        IngestJob.started_by,
        IngestJob.file_name,
        IngestJob.source_system,
        IngestJob.started_at,
        IngestJob.finished_at,
        IngestJob.status,
        IngestJob.rows_read,
        IngestJob.rows_accepted,
        IngestJob.rows_rejected,
        IngestJob.rows_duplicate,
        IngestJob.rejects_path,
        IngestJob.summary,
    ).order_by(IngestJob.id.desc())
    if by_kind:
        query = query.where(IngestJob.kind == bindparam("kind"))
    if limited:
        query = query.limit(bindparam("limit", type_=Integer))
    return query


# --- end log uploads/jobs ---


def log_kpis_frame(engine: Engine) -> pd.DataFrame:
    """Service KPIs per agency × Jalali year from the logs (empty when no logs are loaded)."""
    aggregates = log_aggregates_frame(engine)
    if aggregates.empty:
        return pd.DataFrame(
            columns=list(LOG_KPI_COLUMNS), index=pd.MultiIndex.from_arrays([[], []], names=["agency_code", "year"])
        )
    return service_kpis(aggregates, by=["agency_code", "year"])


def reported_values_frame(
    engine: Engine, *, period_kind: str = "year", with_logs: bool = True, include_pending: bool = False
) -> pd.DataFrame:
    """Counted reported values (see :func:`counted`), one row per agency × period, one column per field.

    With ``with_logs`` (yearly periods), the service KPIs observed in the logs join as ``log.<kpi>``
    columns, so the catalogue can declare indicators over them."""
    query = (
        select(Submission.agency_code, Submission.period_code, Period.year, ReportedValue.field, ReportedValue.value)
        .join(Submission, Submission.id == ReportedValue.submission_id)
        .join(Period, Period.code == Submission.period_code)
        .where(counted(include_pending), Period.kind == period_kind)
    )
    with engine.connect() as connection:
        long = rows_frame(connection.execute(query).all(), ["agency_code", "period_code", "year", "field", "value"])
    if long.empty:
        return pd.DataFrame(index=pd.MultiIndex.from_arrays([[], []], names=["agency_code", "year"]))
    wide = long.pivot_table(
        index=["agency_code", "year"], columns="field", values="value", aggfunc="first", dropna=False
    )
    wide.columns.name = None
    wide = wide.astype("float64")
    if with_logs and period_kind == "year":
        kpis = log_kpis_frame(engine)
        if not kpis.empty:
            wide = wide.join(kpis[list(LOG_KPI_COLUMNS)].add_prefix("log.").astype("float64"), how="left")
    return wide


def service_levels_frame(engine: Engine, *, period_kind: str = "year", include_pending: bool = False) -> pd.DataFrame:
    """How many listed services each agency has at each electronic level, per period."""
    query = (
        select(Submission.agency_code, Period.year, ReportedService.level, func.count().label("services"))
        .join(Submission, Submission.id == ReportedService.submission_id)
        .join(Period, Period.code == Submission.period_code)
        .where(counted(include_pending), Period.kind == period_kind)
        .group_by(Submission.agency_code, Period.year, ReportedService.level)
    )
    with engine.connect() as connection:
        long = rows_frame(connection.execute(query).all(), ["agency_code", "year", "level", "services"])
    return long.pivot_table(index=["agency_code", "year"], columns="level", values="services", fill_value=0)
