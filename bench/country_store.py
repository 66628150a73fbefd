"""A generated country of 10,000 agencies written straight into a store: benchmark fixture data.

Not the ingest path (that has its own benchmark): provinces, counties and agencies are added next to
the declared ones, and every agency gets a yearly ``Submission`` and its ``ReportedValue`` rows for
1390–1394, through SQLAlchemy Core ``executemany`` in chunks. Values are plausible and keep the
schema's rules (``files_electronic ≤ files_total`` and the like): each agency has a size and a
maturity that grows each year, and shares follow the maturity with some noise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Engine, func, insert, select

from ingest.schema import FORM_FIELDS, LEVEL_FIELDS, NUMERIC_KINDS, SERVICE_DESK_STAGES
from store.declared import load_organisation
from store.models import Agency, County, Event, IngestJob, Period, Province, ReportedValue, Submission

YEARS = tuple(range(1390, 1395))
COUNTIES_PER_PROVINCE = 12
PROVINCIAL_DIRECTORATES = 8
CHUNK = 50_000
FloatArray = npt.NDArray[np.float64]


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def _tree(agencies: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Generated provinces, counties and agencies, so that the store holds ``agencies`` in all."""
    org = load_organisation()
    sectors = [s.code for s in org.sectors if s.code != "governance"]
    wanted = agencies - len(org.agencies)
    per_county = 1 + 20  # a county governorate and its directorates
    provinces: list[dict[str, Any]] = []
    counties: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    number = 0
    while len(rows) < wanted:
        number += 1
        code = f"G{number:02d}"
        provinces.append({"code": code, "name_fa": f"استان نمونه {number}", "name_en": f"Sample Province {number}"})
        for d in range(PROVINCIAL_DIRECTORATES):
            sector = sectors[d % len(sectors)]
            rows.append(_agency(f"{code}-D{d:02d}", f"اداره کل {sector} {number}", "directorate", sector, code, None))
        for c in range(1, COUNTIES_PER_PROVINCE + 1):
            county = f"{code}-C{c:02d}"
            counties.append(
                {"code": county, "province_code": code, "name_fa": f"شهرستان {number}-{c}", "name_en": f"County {c}"}
            )
            rows.append(
                _agency(f"{county}-FMD", f"فرمانداری {number}-{c}", "county_governorate", "governance", code, county)
            )
            for d in range(per_county - 1):
                sector = sectors[d % len(sectors)]
                rows.append(
                    _agency(
                        f"{county}-{d:02d}", f"اداره {sector} {number}-{c}-{d}", "directorate", sector, code, county
                    )
                )
        if len(rows) >= wanted:
            break
    return provinces, counties, rows[:wanted]


def _agency(code: str, name_fa: str, kind: str, sector: str, province: str, county: str | None) -> dict[str, Any]:
    return {
        "code": code,
        "name_fa": name_fa,
        "name_en": f"Agency {code}",
        "kind": kind,
        "sector_code": sector,
        "province_code": province,
        "county_code": county,
        "district_code": None,
    }


def _share(total: FloatArray, maturity: FloatArray, rng: np.random.Generator, bias: float = 0.0) -> FloatArray:
    """A part of ``total`` that follows the maturity: never above the total, never below zero."""
    fraction = np.clip(maturity + bias + rng.normal(0, 0.05, total.shape), 0, 1)
    return np.round(total * fraction)


def _draw_values(size: FloatArray, maturity: FloatArray, rng: np.random.Generator) -> dict[str, FloatArray]:
    """Every numeric form field for one year, arrays over the agencies (NaN = left empty)."""
    n = size.shape[0]
    services_total = np.maximum(4, np.round(size * rng.uniform(12, 40, n)))
    levels = np.clip(maturity[:, None] * np.array([0.15, 0.25, 0.35, 0.25]) + rng.normal(0, 0.03, (n, 4)), 0, 1)
    levels = levels / np.maximum(levels.sum(axis=1, keepdims=True), 1.0)
    level_counts = np.floor(services_total[:, None] * levels * np.minimum(maturity[:, None] * 1.2, 1.0))
    eligible = np.round(services_total * rng.uniform(0.3, 0.6, n))
    files_total = np.round(size * rng.uniform(3000, 6000, n))
    processes_total = np.maximum(8, np.round(size * rng.uniform(20, 60, n)))
    letters_total = np.round(size * rng.uniform(8000, 30000, n))
    printers_total = np.maximum(3, np.round(size * rng.uniform(15, 60, n)))
    inquiries_total = np.round(size * rng.uniform(2000, 9000, n))
    representatives = np.maximum(1, np.round(size * rng.uniform(2, 6, n)))
    trained = _share(representatives, maturity, rng, 0.2)
    inquiries_online = _share(inquiries_total, maturity, rng)
    values = {
        "files_total": files_total,
        "files_electronic": _share(files_total, maturity, rng),
        "processes_total": processes_total,
        "processes_electronic": _share(processes_total, maturity, rng, -0.05),
        "services_total": services_total,
        **{field: level_counts[:, i] for i, field in enumerate(LEVEL_FIELDS.values())},
        "services_counter_eligible": eligible,
        "services_at_counters": _share(eligible, maturity, rng),
        "letters_total": letters_total,
        "letters_automated": _share(letters_total, maturity, rng, 0.1),
        "printers_total": printers_total,
        "printers_withdrawn": _share(printers_total, maturity, rng, -0.3),
        "paper_reduction_pct": np.round(40 * maturity + rng.uniform(0, 5, n), 1),
        "inquiries_online": inquiries_online,
        "inquiries_paper": inquiries_total - inquiries_online,
        "digital_signature": (maturity > 0.35).astype(float),
        "government_network": (maturity > 0.15).astype(float),
        "setad_procurement": (maturity > 0.25).astype(float),
        "service_desk": np.select([maturity < 0.2, maturity < 0.55], [0.0, 1.0], float(len(SERVICE_DESK_STAGES) - 1)),
        "representatives_total": representatives,
        "representatives_trained": trained,
        "representatives_certified": np.minimum(trained, _share(representatives, maturity, rng)),
    }
    for spec in FORM_FIELDS:
        if spec.kind in NUMERIC_KINDS and not spec.required:
            values[spec.code] = np.where(rng.random(n) < 0.1, np.nan, values[spec.code])
    return values


def _numeric_fields() -> list[str]:
    fields = [s.code for s in FORM_FIELDS if s.kind in NUMERIC_KINDS]
    drawn = set(_draw_values(np.ones(1), np.full(1, 0.5), np.random.default_rng(0)))
    missing = sorted(set(fields) - drawn)
    if missing:
        raise ValueError(f"the generated country draws no values for form fields {missing}: add them to _draw_values")
    return fields


def build_country(engine: Engine, *, agencies: int = 10_000, seed: int = 1394) -> int:
    """Fill a migrated, empty store with ``agencies`` agencies and five years of reports; returns the count."""
    provinces, counties, rows = _tree(agencies)
    fields = _numeric_fields()
    with engine.begin() as connection:
        for model, batch in ((Province, provinces), (County, counties), (Agency, rows)):
            for chunk in _chunks(batch):
                connection.execute(insert(model), chunk)
        codes = list(connection.scalars(select(Agency.code).order_by(Agency.code)))
        periods = dict(connection.execute(select(Period.year, Period.code).where(Period.kind == "year")).tuples().all())
        _write_reports(connection, codes, fields, periods, seed=seed)
    return len(codes)


def _write_reports(
    connection: Connection, codes: list[str], fields: list[str], periods: dict[int, str], *, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    n = len(codes)
    size = rng.uniform(0.3, 2.0, n)
    start, gain = rng.uniform(0.02, 0.4, n), rng.uniform(0.0, 0.17, n)
    first_id = int(connection.scalar(select(func.coalesce(func.max(Submission.id), 0))) or 0) + 1
    submission_id = first_id
    for year in YEARS:
        maturity = np.clip(start + gain * (year - YEARS[0]), 0, 1)
        values = _draw_values(size * (1 + 0.04 * (year - YEARS[0])), maturity, rng)
        submitted_at = dt.datetime(2011 + year - 1390, 4, 10, tzinfo=dt.UTC)
        submissions: list[dict[str, Any]] = []
        reported: list[dict[str, Any]] = []
        for i, code in enumerate(codes):
            submissions.append(
                {
                    "id": submission_id,
                    "agency_code": code,
                    "period_code": periods[year],
                    "file_name": f"{code}_{year}.xlsx",
                    "sha256": f"{submission_id:064x}",
                    "content_sha256": f"{submission_id:064x}",
                    "template_version": "bench",
                    "submitted_by": "bench",
                    "submitted_at": submitted_at,
                    "status": "submitted",
                    "review_status": "approved",
                }
            )
            reported.extend(
                {"submission_id": submission_id, "field": field, "value": None if np.isnan(v) else float(v)}
                for field in fields
                for v in (values[field][i],)
            )
            submission_id += 1
        for chunk in _chunks(submissions):
            connection.execute(insert(Submission), chunk)
        for chunk in _chunks(reported):
            connection.execute(insert(ReportedValue), chunk)
    connection.execute(
        insert(Event),
        {"at": dt.datetime.now(dt.UTC), "kind": "bench.country", "actor": "bench", "detail": {"agencies": len(codes)}},
    )


def add_log_jobs(engine: Engine, *, count: int = 60, seed: int = 1394) -> None:
    """Log ingest jobs as the Service logs page lists them (the newest 20): done ones with their counts,
    a refused and a failed one among them. The page reads them; nothing else does here."""
    rng = np.random.default_rng(seed)
    started = dt.datetime(2016, 3, 1, 2, 0, tzinfo=dt.UTC)
    statuses = ["done", "done", "done", "duplicate", "refused", "failed"]
    rows = []
    for k in range(count):
        read = int(rng.integers(10_000, 2_000_000))
        rejected = int(read * rng.uniform(0, 0.02))
        rows.append(
            {
                "kind": "logs",
                "trigger": ["cli", "watch", "web"][k % 3],
                "started_by": f"system-{k % 7}",
                "file_name": f"export-{k:04d}.csv.gz",
                "sha256": f"{k:064x}",
                "source_system": f"source-{k % 5}",
                "started_at": started + dt.timedelta(hours=6 * k),
                "finished_at": started + dt.timedelta(hours=6 * k, minutes=3),
                "status": statuses[k % len(statuses)],
                "rows_read": read,
                "rows_accepted": read - rejected,
                "rows_rejected": rejected,
                "rows_duplicate": 0,
                "rejects_path": None,
                "summary": {},
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(IngestJob), rows)
