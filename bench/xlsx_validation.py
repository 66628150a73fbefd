"""A 50,000-row xlsx service-log export with a few hundred planted errors (10,000 rows with --quick):
our validation — the code path of ``egov ingest logs --dry-run``, reporting every bad cell of every
bad row in its rejects file — against ``frictionless validate`` with an equivalent Table Schema.

Target: ours ≥ 10× faster, with the same errors found (the sets of bad rows and of bad cells must
agree; the benchmark fails loudly if they do not). frictionless is only in the ``bench`` extra; without
it the benchmark says so and is skipped.

What frictionless cannot express, and the file therefore does not plant: a service code that exists
but not for that agency (a cross-field rule; its schema only knows the list of all service codes),
spellings that ours accepts after normalising (case, Persian or Arabic digits and letters, spaces),
Jalali dates, and the 2000–2040 span of dates. Both sides check the rest: required cells, agency and
service codes, channel and outcome vocabularies, the timestamp, a numeric and non-negative duration.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook

TARGET_SPEEDUP = 10.0
ROUNDS = 3
FIELD_OF_REASON = {
    "unknown_agency": "agency_code",
    "unknown_service": "service_code",
    "bad_time": "timestamp",
    "unknown_channel": "channel",
    "unknown_outcome": "outcome",
    "bad_duration": "duration_s",
    "negative_duration": "duration_s",
}
HEADERS = ["timestamp", "agency_code", "service_code", "channel", "outcome", "duration_s", "transaction_id"]
# Planted errors: each breaks the named cells and nothing else.
PLANTS: dict[str, dict[str, object]] = {
    "unknown agency": {"agency_code": "XX-NOPE"},
    "unknown service": {"service_code": "S999"},
    "impossible date": {"timestamp": "2014-13-45T10:00:00"},
    "not a date": {"timestamp": "not a date"},
    "missing time": {"timestamp": None},
    "unknown channel": {"channel": "fax"},
    "missing channel": {"channel": None},
    "unknown outcome": {"outcome": "maybe"},
    "duration not a number": {"duration_s": "abc"},
    "negative duration": {"duration_s": -5},
    "two bad cells": {"channel": "telegram", "duration_s": -30},
}


def _spellings(table: dict[str, tuple[str, ...]]) -> list[str]:
    return sorted({spelling for code, aliases in table.items() for spelling in (code, *aliases)})


def write_export(path: Path, rows: int, pairs: list[tuple[str, str]], *, seed: int = 1395) -> dict[int, set[str]]:
    """The export (openpyxl write-only; text timestamps as such systems write them, numeric durations)
    and the planted errors: sheet row number → the fields made bad."""
    from ingest.service_logs import load_log_format

    fmt = load_log_format()
    rng = random.Random(seed)
    channels, outcomes = _spellings(fmt.channels), _spellings(fmt.outcomes)
    planted_rows = sorted(rng.sample(range(2, rows + 2), max(rows * 6 // 1000, len(PLANTS))))
    kinds = list(PLANTS)
    planted = {row: kinds[n % len(kinds)] for n, row in enumerate(planted_rows)}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("logs")
    sheet.append(HEADERS)
    bad: dict[int, set[str]] = {}
    for line in range(2, rows + 2):
        agency, service = pairs[rng.randrange(len(pairs))]
        record: dict[str, object] = {
            "timestamp": f"2014-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
            "agency_code": agency,
            "service_code": service,
            "channel": rng.choice(channels),
            "outcome": rng.choice(outcomes),
            "duration_s": rng.randint(1, 20_000) if rng.random() < 0.9 else round(rng.uniform(1, 600), 1),
            "transaction_id": f"X{line:07d}",
        }
        if line in planted:
            changes = PLANTS[planted[line]]
            record.update(changes)
            bad[line] = set(changes)
        sheet.append([record[h] for h in HEADERS])
    workbook.save(path)
    return bad


def _known(url: str) -> tuple[list[str], list[str]]:
    from sqlalchemy import select

    from store.engine import create_store_engine
    from store.models import Agency, ReportedService

    engine = create_store_engine(url)
    with engine.connect() as connection:
        agencies = sorted(connection.scalars(select(Agency.code)))
        services = sorted(set(connection.scalars(select(ReportedService.service_code))))
    engine.dispose()
    return agencies, services


def frictionless_schema(agencies: list[str], services: list[str]) -> Any:
    """Our checks as a Table Schema, as far as Table Schema goes (see the module docstring)."""
    from frictionless import Schema, fields

    from ingest.service_logs import load_log_format

    fmt = load_log_format()
    required = {"required": True}
    return Schema(
        fields=[
            fields.DatetimeField(name="timestamp", constraints=required),
            fields.StringField(name="agency_code", constraints={**required, "enum": agencies}),
            fields.StringField(name="service_code", constraints={**required, "enum": services}),
            fields.StringField(name="channel", constraints={**required, "enum": _spellings(fmt.channels)}),
            fields.StringField(name="outcome", constraints={**required, "enum": _spellings(fmt.outcomes)}),
            fields.NumberField(name="duration_s", constraints={"minimum": 0}),
            fields.StringField(name="transaction_id"),
        ]
    )


def ours(url: str, path: Path, rejects: Path) -> tuple[float, dict[int, set[str]]]:
    """``egov ingest logs --dry-run`` on the file; bad cells read back from its rejects file."""
    from ingest.service_logs import ingest_log_file
    from store.engine import create_store_engine

    started = time.perf_counter()
    engine = create_store_engine(url)
    outcome = ingest_log_file(engine, path, rejects_dir=rejects, actor="bench", dry_run=True)
    seconds = time.perf_counter() - started
    if outcome.status != "checked" or outcome.rejects_path is None:
        raise SystemExit(f"our validation: {outcome.status} {outcome.message_en}")
    found = pd.read_csv(outcome.rejects_path, encoding="utf-8-sig", usecols=["line", "reasons"])
    bad: dict[int, set[str]] = {}
    for line, reasons in zip(found["line"], found["reasons"], strict=True):
        bad.setdefault(int(line), set()).update(FIELD_OF_REASON[r] for r in str(reasons).split(";"))
    return seconds, bad


def theirs(path: Path, schema: Any) -> tuple[float, dict[int, set[str]]]:
    """``frictionless validate`` (its Python entry point, so process start-up is not counted)."""
    from frictionless import Resource, validate

    started = time.perf_counter()
    report = validate(Resource(path.name, basepath=str(path.parent), schema=schema), limit_errors=10**7)
    seconds = time.perf_counter() - started
    bad: dict[int, set[str]] = {}
    for row, field in report.flatten(["rowNumber", "fieldName"]):
        bad.setdefault(int(row), set()).add(str(field))
    return seconds, bad


def run(*, quick: bool = False) -> bool:
    try:
        import frictionless  # noqa: F401
    except ImportError:
        print("xlsx-validation: SKIPPED — frictionless is not installed (pip install -e '.[bench]')")
        return True
    from bench.ingest_logs import _prepare_store

    rows = 10_000 if quick else 50_000
    with tempfile.TemporaryDirectory(prefix="egov-bench-xlsx-") as tmp:
        folder = Path(tmp)
        url, pairs = _prepare_store(folder)
        path = folder / "service_log_export.xlsx"
        planted = write_export(path, rows, pairs)
        schema = frictionless_schema(*_known(url))
        our_runs, their_runs = [], []
        for n in range(ROUNDS):
            our_runs.append(ours(url, path, folder / f"rejects{n}"))
            their_runs.append(theirs(path, schema))
    (our_seconds, our_bad), (their_seconds, their_bad) = min(our_runs), min(their_runs)
    same_rows = our_bad.keys() == their_bad.keys() == planted.keys()
    same_cells = our_bad == their_bad == planted
    speedup = their_seconds / our_seconds
    ok = speedup >= TARGET_SPEEDUP and same_rows and same_cells
    cells = sum(len(v) for v in planted.values())
    print(
        f"xlsx-validation: {rows:,} rows, {len(planted)} planted bad rows ({cells} bad cells, {len(PLANTS)} kinds) | "
        f"egov ingest logs --dry-run {our_seconds:.2f} s | frictionless validate {their_seconds:.2f} s | "
        f"{speedup:.1f}× faster (target ≥ {TARGET_SPEEDUP:.0f}×) | same bad rows: {same_rows} "
        f"(ours {len(our_bad)}, frictionless {len(their_bad)}), same bad cells: {same_cells} "
        f"{'OK' if ok else 'MISSED'}"
    )
    if not same_cells:
        for line in sorted(planted.keys() | our_bad.keys() | their_bad.keys()):
            trio = (planted.get(line, set()), our_bad.get(line, set()), their_bad.get(line, set()))
            if len({frozenset(t) for t in trio}) > 1:
                print(
                    f"  row {line}: planted {sorted(trio[0])}, ours {sorted(trio[1])}, frictionless {sorted(trio[2])}"
                )
    return ok
