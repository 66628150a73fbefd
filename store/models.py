"""The SQL contract: every table the product stores, declared once.

Reported data is only ever added: a corrected report supersedes the earlier submission, which
stays; the event log refuses UPDATE and DELETE at the database level (see the migrations).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Sector(Base):
    __tablename__ = "sectors"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Province(Base):
    __tablename__ = "provinces"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class County(Base):
    __tablename__ = "counties"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class District(Base):
    __tablename__ = "districts"
    code: Mapped[str] = mapped_column(String(48), primary_key=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("counties.code"), index=True)
    name_fa: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))


class Agency(Base):
    """An executive agency (دستگاه اجرایی); ``kind`` says where it sits in the tree."""

    __tablename__ = "agencies"
    code: Mapped[str] = mapped_column(String(48), primary_key=True)
    name_fa: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32))
    sector_code: Mapped[str] = mapped_column(ForeignKey("sectors.code"), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    county_code: Mapped[str | None] = mapped_column(ForeignKey("counties.code"), index=True)
    district_code: Mapped[str | None] = mapped_column(ForeignKey("districts.code"), index=True)


class Period(Base):
    """A reporting period: a Jalali year, or a half or quarter of one (``part`` 0 for the year)."""

    __tablename__ = "periods"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    part: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date)


class Submission(Base):
    """One uploaded self-report workbook; the newest valid one for an agency and period counts."""

    __tablename__ = "submissions"
    __table_args__ = (
        Index(
            "uq_submissions_current",
            "agency_code",
            "period_code",
            unique=True,
            sqlite_where=text("status != 'superseded'"),
            postgresql_where=text("status != 'superseded'"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), index=True)
    period_code: Mapped[str] = mapped_column(ForeignKey("periods.code"), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    template_version: Mapped[str] = mapped_column(String(64))
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    report_date: Mapped[dt.date | None] = mapped_column(Date)
    # The review by the governor's office (``store.workflow``): pending → approved, or returned with a
    # comment (the agency corrects and resubmits, which supersedes this one).
    review_status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending", index=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str | None] = mapped_column(String(2000))

    values: Mapped[list[ReportedValue]] = relationship(back_populates="submission")
    services: Mapped[list[ReportedService]] = relationship(back_populates="submission")


class ReportedValue(Base):
    """One field of a submission's form; yes/no as 1/0 and choices as their ordinal."""

    __tablename__ = "reported_values"
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)

    submission: Mapped[Submission] = relationship(back_populates="values")


class ReportedService(Base):
    """One row of a submission's service list."""

    __tablename__ = "reported_services"
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_number: Mapped[int] = mapped_column(Integer)
    name_fa: Mapped[str] = mapped_column(String(500))
    level: Mapped[str] = mapped_column(String(16))
    at_counters: Mapped[bool] = mapped_column(Boolean)
    online_since: Mapped[dt.date | None] = mapped_column(Date)

    submission: Mapped[Submission] = relationship(back_populates="services")


class Event(Base):
    """The append-only log of what happened to the store, and who did it."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now, index=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    agency_code: Mapped[str | None] = mapped_column(String(48), index=True)
    period_code: Mapped[str | None] = mapped_column(String(16))
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    """Where a web request came from (``None`` for the command line and background work)."""


# ---- service logs: what citizens actually used -------------------------------------------------

DURATION_BUCKET_EDGES_S: tuple[float, ...] = (
    0,
    10,
    30,
    60,
    120,
    300,
    600,
    1200,
    1800,
    3600,
    7200,
    14400,
    28800,
    86400,
    259200,
    604800,
)
"""Lower edges of the duration histogram's buckets, in seconds; the last bucket has no upper edge.

Fixed, so histograms from different batches, files and months merge exactly by addition."""
BUCKET_COLUMNS: tuple[str, ...] = tuple(f"h{n:02d}" for n in range(len(DURATION_BUCKET_EDGES_S)))


class IngestJob(Base):
    """One ingest of one file, from the command line, the inbox watcher or the web."""

    __tablename__ = "ingest_jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    trigger: Mapped[str] = mapped_column(String(16))
    started_by: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source_system: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), index=True)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rejects_path: Mapped[str | None] = mapped_column(String(1000))
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class LogBatch(Base):
    """The contribution of one log file; a later export of the same source and months replaces it."""

    __tablename__ = "log_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("ingest_jobs.id"), index=True)
    source_system: Mapped[str] = mapped_column(String(100), index=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)


class LogBatchMonth(Base):
    """Which Jalali months a batch covers, and whether its figures for that month still count."""

    __tablename__ = "log_batch_months"
    batch_id: Mapped[int] = mapped_column(ForeignKey("log_batches.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    active: Mapped[bool] = mapped_column(Boolean, index=True)
    replaced_by: Mapped[int | None] = mapped_column(ForeignKey("log_batches.id"))


class LogAggregate(Base):
    """Transactions of one agency × service × channel × Jalali month within one batch."""

    __tablename__ = "log_aggregates"
    batch_id: Mapped[int] = mapped_column(ForeignKey("log_batches.id"), primary_key=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    transactions: Mapped[int] = mapped_column(Integer)
    completed: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    abandoned: Mapped[int] = mapped_column(Integer)
    duration_count: Mapped[int] = mapped_column(Integer)
    duration_sum_s: Mapped[float] = mapped_column(Float)
    h00: Mapped[int] = mapped_column(Integer, default=0)
    h01: Mapped[int] = mapped_column(Integer, default=0)
    h02: Mapped[int] = mapped_column(Integer, default=0)
    h03: Mapped[int] = mapped_column(Integer, default=0)
    h04: Mapped[int] = mapped_column(Integer, default=0)
    h05: Mapped[int] = mapped_column(Integer, default=0)
    h06: Mapped[int] = mapped_column(Integer, default=0)
    h07: Mapped[int] = mapped_column(Integer, default=0)
    h08: Mapped[int] = mapped_column(Integer, default=0)
    h09: Mapped[int] = mapped_column(Integer, default=0)
    h10: Mapped[int] = mapped_column(Integer, default=0)
    h11: Mapped[int] = mapped_column(Integer, default=0)
    h12: Mapped[int] = mapped_column(Integer, default=0)
    h13: Mapped[int] = mapped_column(Integer, default=0)
    h14: Mapped[int] = mapped_column(Integer, default=0)
    h15: Mapped[int] = mapped_column(Integer, default=0)


# ---- accounts: who may do what (store.accounts) ---------------------------------------------------


class User(Base):
    """A person who signs in to the dashboard; never deleted, only disabled (the audit log names them)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    province_code: Mapped[str | None] = mapped_column(ForeignKey("provinces.code"))
    agency_code: Mapped[str | None] = mapped_column(ForeignKey("agencies.code"))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    password_changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)


class UserSession(Base):
    """A signed-in browser. The cookie holds only ``id``; signing out revokes the row, so a copied
    cookie is worthless afterwards (a signed cookie alone could not be taken back)."""

    __tablename__ = "user_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    remote_addr: Mapped[str | None] = mapped_column(String(64))


class SignInFailure(Base):
    """A failed sign-in, kept to slow down password guessing across every worker of the server."""

    __tablename__ = "sign_in_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utc_now, index=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    remote_addr: Mapped[str | None] = mapped_column(String(64), index=True)
