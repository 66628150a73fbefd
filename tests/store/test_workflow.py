"""The submission workflow on both engines: pending → approved or returned → resubmitted; what the scores count."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, update

from ingest.submissions import ingest_report_file
from metrics import api
from metrics.audit import audit_frame, review_frame
from metrics.data import reported_values_frame
from store.accounts import add_user
from store.models import Event, Submission
from store.workflow import ReviewError, review_submission, set_deadline
from tests.workbooks import AGENCY, fill_report, write_filled_report

MAX = 10**7
PASSWORD = "a long enough secret"


def _files_electronic(engine: Engine, *, include_pending: bool = False) -> float | None:
    frame = reported_values_frame(engine, with_logs=False, include_pending=include_pending)
    if frame.empty or (AGENCY, 1393) not in frame.index:
        return None
    return float(frame.loc[(AGENCY, 1393), "files_electronic"])


def _upload(engine: Engine, tmp_path: Path, name: str, files_electronic: int | None = None) -> int:
    path = write_filled_report(tmp_path / name)
    if files_electronic is not None:
        fill_report(path, form={"files_electronic": files_electronic}, services=[])
    outcome = ingest_report_file(engine, path, actor="kahak-it", max_bytes=MAX)
    assert outcome.status == "stored", outcome.problems
    assert outcome.submission_id is not None
    return outcome.submission_id


def test_an_upload_waits_for_review_and_counts_once_approved(engine: Engine, tmp_path: Path) -> None:
    office = add_user(engine, "qom-office", role="governor", province="QM", password=PASSWORD, actor="t")
    first = _upload(engine, tmp_path, "v1.xlsx")
    assert _files_electronic(engine) is None  # pending: not in the scores by default
    assert _files_electronic(engine, include_pending=True) == 450  # …unless asked, marked pending

    assert review_submission(engine, first, "approve", actor=office.name, reviewer=office, remote_addr="10.0.0.7") == (
        "approved"
    )
    assert _files_electronic(engine) == 450
    with pytest.raises(ReviewError, match="already approved"):
        review_submission(engine, first, "return", actor=office.name, reviewer=office, comment="late thought")

    second = _upload(engine, tmp_path, "v2.xlsx", files_electronic=600)  # a correction, waiting for review
    assert _files_electronic(engine) == 450  # the approved one still counts
    assert _files_electronic(engine, include_pending=True) == 600

    with pytest.raises(ReviewError, match="needs a comment"):
        review_submission(engine, second, "return", actor=office.name, reviewer=office, comment="  ")
    review_submission(engine, second, "return", actor=office.name, reviewer=office, comment="files total is wrong")
    assert _files_electronic(engine) == 450
    assert _files_electronic(engine, include_pending=True) == 450  # returned counts in neither view

    third = _upload(engine, tmp_path, "v3.xlsx", files_electronic=610)  # resubmitted
    review_submission(engine, third, "approve", actor=office.name, reviewer=office)
    assert _files_electronic(engine) == 610

    events = audit_frame(engine)
    approved = events[events["kind"] == "submission.approved"].iloc[-1]  # the first decision (newest first)
    assert (approved["actor"], approved["remote_addr"], approved["submission_id"]) == ("qom-office", "10.0.0.7", first)
    assert len(approved["sha256"]) == 64
    returned = events[events["kind"] == "submission.returned"].iloc[0]
    assert returned["comment"] == "files total is wrong"


def test_only_the_provinces_own_office_reviews(engine: Engine, tmp_path: Path) -> None:
    other = add_user(engine, "ardabil-office", role="governor", province="AR", password=PASSWORD, actor="t")
    analyst = add_user(engine, "ana", role="analyst", password=PASSWORD, actor="t")
    submission = _upload(engine, tmp_path, "v1.xlsx")
    for reviewer in (other, analyst):
        with pytest.raises(ReviewError, match="that you may review"):
            review_submission(engine, submission, "approve", actor=reviewer.name, reviewer=reviewer)
    with engine.connect() as connection:
        assert connection.scalar(select(Submission.review_status).where(Submission.id == submission)) == "pending"
        assert connection.scalar(select(Event.kind).where(Event.kind.like("submission.a%"))) is None
    with pytest.raises(ReviewError, match="that you may review"):
        review_submission(engine, 999_999, "approve", actor="x", reviewer=other)


def test_a_replaced_upload_is_reviewed_through_its_successor(engine: Engine, tmp_path: Path) -> None:
    office = add_user(engine, "qom-office", role="governor", province="QM", password=PASSWORD, actor="t")
    first = _upload(engine, tmp_path, "v1.xlsx")
    _upload(engine, tmp_path, "v2.xlsx", files_electronic=600)
    with pytest.raises(ReviewError, match="replaced"):
        review_submission(engine, first, "approve", actor=office.name, reviewer=office)


def test_late_submissions_are_marked_against_the_periods_deadline(engine: Engine, tmp_path: Path) -> None:
    submission = _upload(engine, tmp_path, "v1.xlsx")
    assert not review_frame(engine, province="QM")["late"].any()
    set_deadline(engine, "1393", dt.date(2015, 5, 20), actor="cli:ops")
    queue = review_frame(engine, province="QM")
    assert queue.loc[queue["submission_id"] == submission, "late"].tolist() == [True]
    assert review_frame(engine, province="AR").empty
    with engine.begin() as connection:  # submitted the day before the deadline, Tehran time
        connection.execute(
            update(Submission)
            .where(Submission.id == submission)
            .values(submitted_at=dt.datetime(2015, 5, 19, 10, tzinfo=dt.UTC))
        )
    assert review_frame(engine, province="QM")["late"].tolist() == [False]
    assert audit_frame(engine)["kind"].tolist()[0] == "period.deadline_set"


def test_scores_follow_the_review_and_say_which_data_they_count(engine: Engine, tmp_path: Path) -> None:
    office = add_user(engine, "qom-office", role="governor", province="QM", password=PASSWORD, actor="t")
    submission = _upload(engine, tmp_path, "v1.xlsx")
    spec = api.default_spec()
    approved_only = api.scores(1393, province="QM", engine=engine)
    with_pending = api.scores(1393, province="QM", engine=engine, spec=spec.replace(include_pending=True))
    assert not bool(approved_only.loc[AGENCY, "scored"]) and bool(with_pending.loc[AGENCY, "scored"])
    assert with_pending.attrs["spec"]["include_pending"] and not approved_only.attrs["spec"]["include_pending"]
    review_submission(engine, submission, "approve", actor=office.name, reviewer=office)
    assert bool(api.scores(1393, province="QM", engine=engine).loc[AGENCY, "scored"])  # the cache saw the decision
