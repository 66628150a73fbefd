"""Copy the declared reference data into the store, so that every query can join on it.

Insert what is new, update names that changed, never delete: an agency that reported once stays.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from store.declared import load_organisation, load_plans
from store.engine import store_key
from store.models import Agency, County, District, Event, Period, Province, Sector
from store.periods import periods_of_years
from store.settings import DECLARED_DATA_DIR


def _upsert(session: Session, model: type[Any], rows: list[dict[str, object]]) -> None:
    key = "code"
    existing: dict[str, Any] = {obj.code: obj for obj in session.scalars(select(model))}
    for row in rows:
        obj = existing.get(str(row[key]))
        if obj is None:
            session.add(model(**row))
            continue
        for name, value in row.items():
            if getattr(obj, name) != value:
                setattr(obj, name, value)


_AGENCY_CODES: dict[str, frozenset[str]] = {}


def agency_codes(engine: Engine) -> frozenset[str]:
    """Codes of the agencies in the store, read once per store and process (ingest checks every file)."""
    key = store_key(engine)
    if key not in _AGENCY_CODES:
        with engine.connect() as connection:
            _AGENCY_CODES[key] = frozenset(connection.scalars(select(Agency.code)))
    return _AGENCY_CODES[key]


def sync_reference_data(session: Session) -> None:
    """Make the store's organisation tree and periods match ``data/``."""
    _AGENCY_CODES.clear()
    org = load_organisation()
    _upsert(session, Sector, [s.model_dump() for s in org.sectors])
    _upsert(
        session,
        Province,
        [{"code": p.code, "name_fa": p.name_fa, "name_en": p.name_en} for p in org.provinces],
    )
    session.flush()
    counties = [c for p in org.provinces for c in p.counties]
    _upsert(
        session,
        County,
        [
            {"code": c.code, "province_code": p.code, "name_fa": c.name_fa, "name_en": c.name_en}
            for p in org.provinces
            for c in p.counties
        ],
    )
    session.flush()
    _upsert(
        session,
        District,
        [
            {"code": d.code, "county_code": c.code, "name_fa": d.name_fa, "name_en": d.name_en}
            for c in counties
            for d in c.districts
        ],
    )
    session.flush()
    _upsert(
        session,
        Agency,
        [
            {
                "code": a.code,
                "name_fa": a.name_fa,
                "name_en": a.name_en,
                "kind": a.kind,
                "sector_code": a.sector,
                "province_code": a.province,
                "county_code": a.county,
                "district_code": a.district,
            }
            for a in org.agencies
        ],
    )
    years = sorted({y for plan in load_plans().plans for y in range(plan.first_year, plan.target_year + 1)})
    _upsert(
        session,
        Period,
        [
            {
                "code": spec.code,
                "year": spec.year,
                "kind": spec.kind,
                "part": spec.part,
                "start_date": spec.start_date,
                "end_date": spec.end_date,
            }
            for spec in periods_of_years(years[0], years[-1])
        ],
    )


WATCHED_FILES = ("organisation.yaml", "plans.yaml", "log_format.yaml", "catalogues/*.yaml")
"""Declared files whose every change is written to the audit log (weights, targets, the tree)."""


def record_reference_changes(session: Session, *, actor: str, data_dir: Path = DECLARED_DATA_DIR) -> list[str]:
    """Write a ``reference.changed`` event for each declared file whose content differs from the last
    one recorded (its sha256): who started the product on the new file, and when. Returns the files.

    A changed weight or target in a catalogue is a changed file, so it has a name and a time on it;
    the event also moves the data version, so cached scores are computed again.
    """
    last: dict[str, str] = {}
    for detail in session.scalars(select(Event.detail).where(Event.kind == "reference.changed").order_by(Event.id)):
        last[str(detail.get("file"))] = str(detail.get("sha256"))
    changed = []
    for pattern in WATCHED_FILES:
        for path in sorted(data_dir.glob(pattern)):
            name = path.relative_to(data_dir).as_posix()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if last.get(name) == digest:
                continue
            session.add(
                Event(
                    kind="reference.changed",
                    actor=actor,
                    detail={"file": name, "sha256": digest, "previous_sha256": last.get(name)},
                )
            )
            changed.append(name)
    return changed
