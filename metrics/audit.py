"""The audit log and the review queue as frames: what the governor's office reads, checks and exports.

Reads only. The audit log is the store's append-only event table (``store.accounts.record_event``
and the ingest write it); the review queue is the submissions waiting for, or given, a decision.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, or_, select

from store.models import Agency, Event, Period, Submission
from store.periods import TEHRAN

AUDIT_COLUMNS = (
    "event_id",
    "at",
    "kind",
    "actor",
    "remote_addr",
    "agency_code",
    "period_code",
    "submission_id",
    "file",
    "sha256",
    "comment",
    "detail",
)


def audit_frame(engine: Engine, *, province: str | None = None, limit: int | None = None) -> pd.DataFrame:
    """Every audit event, newest first; with ``province``, those about its agencies (and none other).

    ``file``, ``sha256`` and ``comment`` are lifted out of ``detail`` where an event has them.
    """
    query = select(
        Event.id,
        Event.at,
        Event.kind,
        Event.actor,
        Event.remote_addr,
        Event.agency_code,
        Event.period_code,
        Event.submission_id,
        Event.detail,
    ).order_by(Event.id.desc())
    if province is not None:
        query = query.where(Event.agency_code.in_(select(Agency.code).where(Agency.province_code == province)))
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    records = []
    for row in rows:
        detail = dict(row.detail or {})
        records.append(
            {
                "event_id": row.id,
                "at": row.at,
                "kind": row.kind,
                "actor": row.actor,
                "remote_addr": row.remote_addr,
                "agency_code": row.agency_code,
                "period_code": row.period_code,
                "submission_id": row.submission_id,
                "file": detail.pop("file", None),
                "sha256": detail.pop("sha256", None),
                "comment": detail.pop("comment", None),
                "detail": ", ".join(f"{k}={v}" for k, v in sorted(detail.items()) if v not in (None, "")),
            }
        )
    return pd.DataFrame(records, columns=list(AUDIT_COLUMNS))


def is_late(submitted_at: object, deadline: object) -> bool:
    """Was it submitted after the deadline's day ended in Tehran? (No deadline or no time: not late.)

    >>> import datetime as dt
    >>> is_late(dt.datetime(2015, 4, 1, tzinfo=dt.UTC), dt.date(2015, 3, 31))
    True
    >>> is_late(dt.datetime(2015, 3, 31, 20, 0, tzinfo=dt.UTC), dt.date(2015, 3, 31)), is_late(None, None)
    (True, False)
    """
    if deadline is None or pd.isna(deadline) or submitted_at is None or pd.isna(submitted_at):
        return False
    stamp = pd.Timestamp(submitted_at)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    # A deadline is a Tehran calendar day: late means after its end there.
    return bool(stamp.tz_convert(TEHRAN).date() > pd.Timestamp(deadline).date())


def review_frame(engine: Engine, *, province: str | None = None) -> pd.DataFrame:
    """Current submissions and their review: pending first (oldest first), then decided (newest first).

    ``late`` says whether it came after its period's deadline.
    """
    query = (
        select(
            Submission.id.label("submission_id"),
            Submission.agency_code,
            Agency.name_fa,
            Agency.name_en,
            Agency.province_code,
            Submission.period_code,
            Period.year,
            Period.deadline,
            Submission.file_name,
            Submission.sha256,
            Submission.submitted_by,
            Submission.submitted_at,
            Submission.review_status,
            Submission.reviewed_by,
            Submission.reviewed_at,
            Submission.review_comment,
        )
        .join(Agency, Agency.code == Submission.agency_code)
        .join(Period, Period.code == Submission.period_code)
        .where(or_(Submission.status != "superseded", Submission.review_status != "pending"))
    )
    if province is not None:
        query = query.where(Agency.province_code == province)
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).mappings().all(), columns=list(query.selected_columns.keys()))
    frame["late"] = [is_late(s, d) for s, d in zip(frame["submitted_at"], frame["deadline"], strict=True)]
    pending = frame[frame["review_status"] == "pending"].sort_values("submission_id")
    decided = frame[frame["review_status"] != "pending"].sort_values("submission_id", ascending=False)
    return pd.concat([pending, decided], ignore_index=True)
