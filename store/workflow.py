"""The submission workflow: submitted → approved, or returned with a comment → corrected and resubmitted.

Only the governor's office of the agency's province reviews a submission on the web; the command line
(someone with the store in hand) may too. Each decision is written to the append-only event log with
who, when, from where and the file's hash. Scores count approved data unless asked to include pending
data (``metrics`` marks it as such); a returned submission counts in neither until it is resubmitted.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlalchemy import Engine, select, update

from store.accounts import AccountError, Principal
from store.events import record_event
from store.models import Agency, Period, Submission, utc_now

Decision = Literal["approve", "return"]
ReviewStatus = Literal["pending", "approved", "returned"]
REVIEW_STATUSES: tuple[ReviewStatus, ...] = ("pending", "approved", "returned")
COUNTED_STATUSES: dict[bool, tuple[str, ...]] = {False: ("approved",), True: ("approved", "pending")}
"""Which review states count in scores, by ``include_pending``."""


class ReviewError(ValueError):
    """A decision that cannot be taken (already decided, superseded, not yours); says why."""


def review_submission(
    engine: Engine,
    submission_id: int,
    decision: Decision,
    *,
    actor: str,
    reviewer: Principal | None,
    comment: str | None = None,
    remote_addr: str | None = None,
) -> ReviewStatus:
    """Approve or return one pending submission; ``reviewer`` ``None`` is the trusted command line."""
    comment = (comment or "").strip()[:2000] or None
    if decision == "return" and not comment:
        raise ReviewError("a returned submission needs a comment saying what to correct")
    with engine.begin() as connection:
        row = connection.execute(
            select(
                Submission.id,
                Submission.agency_code,
                Submission.period_code,
                Submission.status,
                Submission.review_status,
                Submission.sha256,
                Submission.file_name,
                Agency.province_code,
            )
            .join(Agency, Agency.code == Submission.agency_code)
            .where(Submission.id == submission_id)
        ).first()
        if row is None or (reviewer is not None and not reviewer.may_review(row.province_code)):
            # The same answer for "no such" and "not yours": ids of other provinces are not confirmed.
            raise ReviewError(f"no submission {submission_id} that you may review")
        if row.status == "superseded":
            raise ReviewError(f"submission {submission_id} was replaced by a newer upload; review that one")
        if row.review_status != "pending":
            raise ReviewError(f"submission {submission_id} is already {row.review_status}")
        status: ReviewStatus = "approved" if decision == "approve" else "returned"
        connection.execute(
            update(Submission)
            .where(Submission.id == submission_id, Submission.review_status == "pending")
            .values(review_status=status, reviewed_by=actor, reviewed_at=utc_now(), review_comment=comment)
        )
        record_event(
            connection,
            f"submission.{status}",
            actor=actor,
            agency_code=row.agency_code,
            period_code=row.period_code,
            submission_id=submission_id,
            detail={"file": row.file_name, "sha256": row.sha256, "comment": comment},
            remote_addr=remote_addr,
        )
    return status


def set_deadline(
    engine: Engine, period_code: str, deadline: dt.date | None, *, actor: str, remote_addr: str | None = None
) -> None:
    """Set (or clear) a period's deadline; submissions after it are marked late."""
    with engine.begin() as connection:
        found = connection.scalar(select(Period.code).where(Period.code == period_code))
        if found is None:
            raise AccountError(f"no period {period_code!r}")
        connection.execute(update(Period).where(Period.code == period_code).values(deadline=deadline))
        record_event(
            connection,
            "period.deadline_set",
            actor=actor,
            period_code=period_code,
            detail={"deadline": deadline.isoformat() if deadline else None},
            remote_addr=remote_addr,
        )
