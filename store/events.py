"""The one writer of the event log: the audit trail, whose newest id is also the data version.

The table refuses UPDATE and DELETE (see the migrations); every change a user or a file makes to what
the scores read appends a row here, inside the same transaction as the change.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert

from store.models import Event, utc_now

_INSERT = insert(Event)
"""Bound parameters, not ``.values(...)``: compiled once and cached (the ingest writes one per file)."""


def record_event(
    connection: Connection,
    kind: str,
    *,
    actor: str,
    detail: dict[str, object] | None = None,
    agency_code: str | None = None,
    period_code: str | None = None,
    submission_id: int | None = None,
    remote_addr: str | None = None,
) -> None:
    """Append one row to the event log: what happened, who did it, from where."""
    connection.execute(
        _INSERT,
        {
            "at": utc_now(),
            "kind": kind,
            "actor": actor,
            "agency_code": agency_code,
            "period_code": period_code,
            "submission_id": submission_id,
            "detail": detail or {},
            "remote_addr": remote_addr,
        },
    )
