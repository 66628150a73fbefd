"""A snapshot of everything reported in a store, to assert that a refused input changed nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from store.models import Event, ReportedService, ReportedValue, Submission


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    tables = {
        "submissions": select(Submission.id, Submission.sha256, Submission.status).order_by(Submission.id),
        "values": select(ReportedValue.submission_id, ReportedValue.field, ReportedValue.value).order_by(
            ReportedValue.submission_id, ReportedValue.field
        ),
        "services": select(ReportedService.submission_id, ReportedService.service_code).order_by(
            ReportedService.submission_id, ReportedService.service_code
        ),
        "events": select(Event.id, Event.kind).order_by(Event.id),
    }
    with engine.connect() as connection:
        return {name: [tuple(row) for row in connection.execute(query)] for name, query in tables.items()}
