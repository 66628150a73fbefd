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
