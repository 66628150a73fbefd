"""Service logs: stream → clean → aggregate → one transaction, without ever counting twice.

The heavy lifting is one streaming DuckDB query over the file (CSV, gzip or not; xlsx through
python-calamine): Persian digits and letters are normalised, headers matched through
``data/log_format.yaml``, channels and outcomes mapped to their vocabularies, timestamps turned
into Jalali year and month, unusable rows classified by reason, duplicate transaction ids
counted once, and everything aggregated to agency × service × channel × Jalali month with a
fixed-bucket duration histogram. Memory depends on the number of groups, not on the file.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import jdatetime
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict
from python_calamine import CalamineWorkbook
from sqlalchemy import Engine, and_, insert, select, update

from ingest.text import match_key
from store.models import (
    BUCKET_COLUMNS,
    DURATION_BUCKET_EDGES_S,
    Agency,
    Event,
    IngestJob,
    LogAggregate,
    LogBatch,
    LogBatchMonth,
    ReportedService,
    Submission,
    utc_now,
)
from store.settings import DECLARED_DATA_DIR

_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"
_LATIN_DIGITS = "01234567890123456789"
REASONS: dict[str, tuple[str, str]] = {
    "unknown_agency": ("کد دستگاه ناشناخته", "unknown agency code"),
    "unknown_service": ("کد خدمت ناشناخته برای این دستگاه", "service code unknown for this agency"),
    "bad_time": ("زمان نامعتبر", "time cannot be read"),
    "unknown_channel": ("کانال خارج از فهرست", "channel outside the vocabulary"),
    "unknown_outcome": ("نتیجه خارج از فهرست", "outcome outside the vocabulary"),
    "bad_duration": ("مدت نامعتبر", "duration cannot be read"),
    "negative_duration": ("مدت منفی", "negative duration"),
}


class LogFormat(BaseModel):
    """The declared log layout: header aliases and vocabularies (``data/log_format.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    version: int
    columns: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    channels: dict[str, tuple[str, ...]]
    digital_channels: tuple[str, ...]
    outcomes: dict[str, tuple[str, ...]]
    max_rejected_share: float


@lru_cache(maxsize=2)
def load_log_format(path: Path = DECLARED_DATA_DIR / "log_format.yaml") -> LogFormat:
    with path.open(encoding="utf-8") as handle:
        return LogFormat.model_validate(yaml.safe_load(handle))


class LogFileError(ValueError):
    """The file cannot be read as a log at all (no usable header, not CSV or xlsx)."""

    def __init__(self, message_fa: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_fa = message_fa
        self.message_en = message_en


@dataclass
class LogIngestOutcome:
    """What happened to one log file (also what the job row records)."""

    file_name: str
    sha256: str
    status: str  # done, duplicate, refused, failed, checked
    source_system: str
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    months: list[tuple[int, int]] = field(default_factory=list)
    replaced: list[dict[str, int]] = field(default_factory=list)
    rejects_path: str | None = None
    job_id: int | None = None
    batch_id: int | None = None
    message_fa: str = ""
    message_en: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def resolve_columns(headers: list[str], fmt: LogFormat) -> dict[str, str]:
    """Map canonical column names to the file's headers; raise if a required one is missing."""
    keys = {match_key(alias): canonical for canonical, aliases in fmt.columns.items() for alias in aliases}
    keys.update({match_key(canonical): canonical for canonical in fmt.columns})
    found: dict[str, str] = {}
    for header in headers:
        canonical = keys.get(match_key(header.lstrip("\ufeff")))
        if canonical and canonical not in found:
            found[canonical] = header
    missing = [c for c in fmt.required if c not in found]
    if "duration_s" not in found and not {"started_at", "ended_at"} <= found.keys():
        missing.append("duration_s (or started_at and ended_at)")
    if missing:
        raise LogFileError(
            f"ستون‌های لازم پیدا نشد: {', '.join(missing)}؛ سرستون‌ها: {', '.join(headers)}",
            f"required columns not found: {', '.join(missing)}; headers seen: {', '.join(headers)}",
        )
    return found


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", errors="replace")
    return path.open(encoding="utf-8-sig", errors="replace")


def sniff_csv(path: Path) -> tuple[list[str], str]:
    """Headers and delimiter (comma or semicolon) from the first line."""
    with _open_text(path) as handle:
        first = handle.readline().strip("\r\n")
    if not first:
        raise LogFileError("فایل خالی است یا سرستون ندارد", "the file is empty or has no header line")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [h.strip().strip('"') for h in first.split(delimiter)], delimiter


@lru_cache(maxsize=1)
def _jalali_calendar() -> pd.DataFrame:
    """Every day 2000–2040 as Gregorian and Jalali (year, month, day): converted once per day, not per
    row, and a join on it also validates a date (1393/12/30 exists only in leap years)."""
    days = pd.date_range("2000-01-01", "2040-12-31", freq="D")
    jalali = [jdatetime.date.fromgregorian(date=d.date()) for d in days]
    return pd.DataFrame(
        {
            "gy": days.year,
            "gm": days.month,
            "gd": days.day,
            "jy": [j.year for j in jalali],
            "jm": [j.month for j in jalali],
            "jd": [j.day for j in jalali],
        }
    ).astype("int32")


def _norm(expr: str) -> str:
    """SQL: text as ``ingest.text.normalize_text`` cleans it (digits, letters, ZWNJ, spaces).

    ``translate`` is costly, so pure-ASCII values (byte length = character length) skip it."""
    value = f"coalesce({expr}, '')"
    persian = (
        f"translate(replace(replace({value}, chr(8204), ''), chr(160), ' '), "
        f"'{_PERSIAN_DIGITS}يكى', '{_LATIN_DIGITS}یکی')"
    )
    return f"trim(CASE WHEN strlen({value}) = length({value}) THEN {value} ELSE {persian} END)"


def _key(expr: str) -> str:
    """SQL twin of ``match_key`` for vocabulary words (no digits to convert): cheap replaces only."""
    value = f"coalesce({expr}, '')"
    return (
        f"lower(replace(replace(replace(replace(replace({value}, ' ', ''), chr(8204), ''), chr(160), ''), "
        f"'ي', 'ی'), 'ك', 'ک'))"
    )


def _col(found: dict[str, str], name: str) -> str:
    return f'"{found[name]}"' if name in found else "NULL"


def _bucket_expr(value: str) -> str:
    cases = " ".join(
        f"WHEN {value} >= {edge} THEN {n}" for n, edge in reversed(list(enumerate(DURATION_BUCKET_EDGES_S)))
    )
    return f"CASE {cases} END"


def _duration_expr(found: dict[str, str]) -> str:
    if "duration_s" in found:
        return f"try_cast(replace({_norm(_col(found, 'duration_s'))}, '٫', '.') AS DOUBLE)"
    start = f"try_cast({_norm(_col(found, 'started_at'))} AS TIMESTAMP)"
    end = f"try_cast({_norm(_col(found, 'ended_at'))} AS TIMESTAMP)"
    return f"epoch({end}) - epoch({start})"


def _duration_raw(found: dict[str, str]) -> str:
    if "duration_s" in found:
        return _norm(_col(found, "duration_s"))
    return f"{_norm(_col(found, 'started_at'))} || {_norm(_col(found, 'ended_at'))}"


def _raw_hash(found: dict[str, str]) -> str:
    return f"hash({', '.join(f'coalesce({_col(found, c)}, chr(0))' for c in found)})"


def line_numbers(
    con: duckdb.DuckDBPyConnection, found: dict[str, str], source: str, hashes: list[int]
) -> dict[int, list[int]]:
    """Line numbers (the header is line 1) of the rows whose raw fields hash to ``hashes``."""
    con.register("wanted_hashes", pd.DataFrame({"h": pd.Series(sorted(set(hashes)), dtype="uint64")}))
    rows = con.execute(
        f"""SELECT line, raw_hash FROM (
                SELECT row_number() OVER () + 1 AS line, {_raw_hash(found)} AS raw_hash FROM {source}
            ) WHERE raw_hash IN (SELECT h FROM wanted_hashes) ORDER BY line"""
    ).fetchall()
    lines: dict[int, list[int]] = {}
    for line, raw_hash in rows:
        lines.setdefault(int(raw_hash), []).append(int(line))
    return lines


def aggregate_sql(found: dict[str, str], source: str) -> str:
    """The one streaming query: clean, classify, de-duplicate and aggregate (``source`` is a relation).

    No row numbers here: numbering rows forces DuckDB to read the file in order on one thread.
    Rejected rows carry a hash of their raw fields instead, and ``line_numbers`` finds their lines
    in a second, cheap pass only when there are any. Of rows sharing a transaction id, the latest
    record (by time, then outcome) is the one counted: a re-sent transaction's final state.
    """
    raw_struct = ", ".join(f'"{c}" := "raw_{c}"' for c in found)
    has_txn = "transaction_id" in found
    dedupe = (
        "CASE WHEN reason IS NULL AND txn IS NOT NULL THEN row_number() OVER "
        "(PARTITION BY txn ORDER BY jy DESC, jm DESC, raw_timestamp DESC, outcome) > 1 ELSE FALSE END"
    )
    return f"""
WITH src AS (
    SELECT * FROM {source}
), cleaned AS (
    SELECT
        upper(replace({_norm(_col(found, "agency_code"))}, ' ', '')) AS agency,
        upper(replace({_norm(_col(found, "service_code"))}, ' ', '')) AS service,
        {_key(_col(found, "channel"))} AS channel_key,
        {_key(_col(found, "outcome"))} AS outcome_key,
        regexp_extract({_norm(_col(found, "timestamp"))}, '^(\\d{{4}})[-/.](\\d{{1,2}})[-/.](\\d{{1,2}})', ['y', 'm', 'd']) AS ymd,
        {_duration_raw(found)} AS duration_text,
        {_duration_expr(found)} AS duration,
        {f"nullif({_norm(_col(found, 'transaction_id'))}, '')" if has_txn else "NULL"} AS txn,
        {", ".join(f'"{h}" AS "raw_{c}"' for c, h in found.items())},
        {_raw_hash(found)} AS raw_hash
    FROM src
), timed AS (
    SELECT c.*, try_cast(c.ymd.y AS INTEGER) AS y, try_cast(c.ymd.m AS INTEGER) AS m, try_cast(c.ymd.d AS INTEGER) AS d
    FROM cleaned c
), dated AS (
    SELECT t.*, coalesce(g.jy, j.jy) AS jy, coalesce(g.jm, j.jm) AS jm, ch.code AS channel, oc.code AS outcome
    FROM timed t
    LEFT JOIN calendar g ON g.gy = t.y AND g.gm = t.m AND g.gd = t.d
    LEFT JOIN calendar j ON j.jy = t.y AND j.jm = t.m AND j.jd = t.d
    LEFT JOIN channels ch ON ch.key = t.channel_key
    LEFT JOIN outcomes oc ON oc.key = t.outcome_key
), classified AS (
    SELECT d.*,
        CASE
            WHEN a.code IS NULL THEN 'unknown_agency'
            WHEN s.service IS NULL THEN 'unknown_service'
            WHEN d.jy IS NULL OR d.jm IS NULL THEN 'bad_time'
            WHEN d.channel IS NULL THEN 'unknown_channel'
            WHEN d.outcome IS NULL THEN 'unknown_outcome'
            WHEN d.duration IS NULL AND d.duration_text <> '' THEN 'bad_duration'
            WHEN d.duration < 0 THEN 'negative_duration'
        END AS reason
    FROM dated d
    LEFT JOIN agencies a ON a.code = d.agency
    LEFT JOIN services s ON s.agency = d.agency AND s.service = d.service
), marked AS (
    SELECT *, {_bucket_expr("duration")} AS bucket,
        {dedupe if has_txn else "FALSE"} AS is_duplicate
    FROM classified
)
SELECT reason, is_duplicate,
    CASE WHEN reason IS NULL THEN agency END AS agency_code,
    CASE WHEN reason IS NULL THEN service END AS service_code,
    CASE WHEN reason IS NULL THEN channel END AS channel,
    CASE WHEN reason IS NULL THEN jy END AS year,
    CASE WHEN reason IS NULL THEN jm END AS month,
    count(*) AS transactions,
    count(*) FILTER (WHERE outcome = 'completed') AS completed,
    count(*) FILTER (WHERE outcome = 'rejected') AS rejected,
    count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
    count(duration) AS duration_count,
    coalesce(sum(duration), 0) AS duration_sum_s,
    {", ".join(f"count(*) FILTER (WHERE bucket = {n}) AS {col}" for n, col in enumerate(BUCKET_COLUMNS))},
    {"min(raw_source_system) AS source_min, max(raw_source_system) AS source_max," if "source_system" in found else ""}
    list(struct_pack(hash := raw_hash, reason := reason, raw := struct_pack({raw_struct}))) FILTER (WHERE reason IS NOT NULL)
        AS rejected_rows
FROM marked
GROUP BY ALL
"""


def _connection(engine: Engine, fmt: LogFormat, *, memory_limit: str, threads: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"memory_limit": memory_limit, "threads": threads, "preserve_insertion_order": True})
    with engine.connect() as connection:
        agencies = pd.DataFrame({"code": list(connection.scalars(select(Agency.code)))})
        services = pd.DataFrame(
            connection.execute(
                select(Submission.agency_code.label("agency"), ReportedService.service_code.label("service"))
                .join(Submission, Submission.id == ReportedService.submission_id)
                .distinct()
            ).all(),
            columns=["agency", "service"],
        )
    vocab = {
        name: pd.DataFrame(
            [(match_key(alias), code) for code, aliases in table.items() for alias in (code, *aliases)],
            columns=["key", "code"],
        ).drop_duplicates("key")
        for name, table in (("channels", fmt.channels), ("outcomes", fmt.outcomes))
    }
    for name, frame in {"agencies": agencies, "services": services, "calendar": _jalali_calendar(), **vocab}.items():
        con.register(f"{name}_df", frame)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_df")
    return con


def _source_relation(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[str, list[str]]:
    """Register the file as a relation; returns its name and headers."""
    name = path.name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        if not rows:
            raise LogFileError("کاربرگ خالی است", "the sheet is empty")
        headers = [str(h).strip() for h in rows[0]]
        frame = pd.DataFrame(
            [[None if v == "" else str(v) for v in row] for row in rows[1:]], columns=headers, dtype=object
        )
        con.register("xlsx_rows", frame)
        return "xlsx_rows", headers
    if not name.endswith((".csv", ".csv.gz", ".txt", ".gz")):
        raise LogFileError("فایل باید CSV (ساده یا gzip) یا xlsx باشد", "the file must be CSV (plain or gzip) or xlsx")
    headers, delimiter = sniff_csv(path)
    quoted = str(path).replace("'", "''")
    relation = (
        f"read_csv('{quoted}', header = true, all_varchar = true, delim = '{delimiter}', quote = '\"', "
        f"escape = '\"', null_padding = true, ignore_errors = false, auto_detect = false, "
        f"columns = {{{', '.join(repr(h) + ': ' + repr('VARCHAR') for h in headers)}}})"
    )
    return relation, headers


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _run_with_progress(
    con: duckdb.DuckDBPyConnection, sql: str, on_progress: Callable[[float], None] | None
) -> pd.DataFrame:
    """Run the query; report DuckDB's progress (0–1) from a polling thread while it runs."""
    if on_progress is None:
        return con.execute(sql).df()
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            progress = con.query_progress()
            if progress >= 0:
                on_progress(min(progress / 100, 1.0))

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        return con.execute(sql).df()
    finally:
        done.set()
        watcher.join()
        on_progress(1.0)


def rejected_rows(groups: pd.DataFrame, lines: dict[int, list[int]]) -> list[dict[str, Any]]:
    """Every unusable row with its line number and reason, in file order."""
    rows = [row for batch in groups["rejected_rows"].dropna() for row in batch]
    taken: dict[int, int] = {}
    records = []
    for row in rows:
        found = lines.get(int(row["hash"]), [])
        position = taken.get(int(row["hash"]), 0)
        taken[int(row["hash"])] = position + 1
        line = found[position] if position < len(found) else None
        records.append(
            {"line": line, "reason": row["reason"], "reason_fa": REASONS[row["reason"]][0], **(row["raw"] or {})}
        )
    return sorted(records, key=lambda r: (r["line"] is None, r["line"] or 0))


def write_rejects(path: Path, records: list[dict[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(records).to_csv(path, index=False, encoding="utf-8-sig")
    return len(records)


@dataclass
class ReadLog:
    """One file cleaned and aggregated: groups (accepted and rejected), source, rejected rows."""

    groups: pd.DataFrame
    source: str
    rejected: list[dict[str, Any]]


def read_log_file(
    engine: Engine,
    path: Path,
    *,
    source: str | None = None,
    memory_limit_mb: int = 512,
    threads: int = 2,
    on_progress: Callable[[float], None] | None = None,
    file_name: str | None = None,
) -> ReadLog:
    """Clean and aggregate one file in one streaming pass (a second, light one numbers rejected rows).

    With no ``source`` and no single source-system value in the file, the source is the file's name
    without its suffixes (``file_name``, when the file on disk has a generated name).
    """
    fmt = load_log_format()
    con = _connection(engine, fmt, memory_limit=f"{memory_limit_mb}MB", threads=threads)
    try:
        relation, headers = _source_relation(con, path)
        found = resolve_columns(headers, fmt)
        try:
            groups = _run_with_progress(con, aggregate_sql(found, relation), on_progress)
            hashes = [int(row["hash"]) for batch in groups["rejected_rows"].dropna() for row in batch]
            lines = line_numbers(con, found, relation, hashes) if hashes else {}
        except duckdb.Error as exc:
            raise LogFileError("فایل به صورت CSV خوانده نمی‌شود", f"the file cannot be read as CSV: {exc}") from exc
    finally:
        con.close()
    if source is None and "source_system" in found:
        names = set(groups["source_min"].dropna()) | set(groups["source_max"].dropna())
        source = str(names.pop()).strip() if len(names) == 1 else None
    return ReadLog(groups, source or (file_name or path.name).split(".")[0], rejected_rows(groups, lines))


def _summarise(groups: pd.DataFrame, outcome: LogIngestOutcome) -> pd.DataFrame:
    rejected = groups[groups["reason"].notna()]
    accepted = groups[groups["reason"].isna()]
    duplicates = accepted[accepted["is_duplicate"]]
    kept = accepted[~accepted["is_duplicate"].astype(bool)]
    outcome.rows_read = int(groups["transactions"].sum())
    outcome.rows_rejected = int(rejected["transactions"].sum())
    outcome.rows_duplicate = int(duplicates["transactions"].sum())
    outcome.rows_accepted = int(kept["transactions"].sum())
    outcome.reasons = {str(k): int(v) for k, v in rejected.groupby("reason")["transactions"].sum().items()}
    outcome.months = sorted({(int(y), int(m)) for y, m in zip(kept["year"], kept["month"], strict=True)})
    columns = [
        "agency_code",
        "service_code",
        "channel",
        "year",
        "month",
        "transactions",
        "completed",
        "rejected",
        "abandoned",
        "duration_count",
        "duration_sum_s",
        *BUCKET_COLUMNS,
    ]
    return kept[columns]


def _store_batch(engine: Engine, outcome: LogIngestOutcome, rows: pd.DataFrame, job: dict[str, Any]) -> None:
    """Job, batch, months and aggregates in one transaction; older batches' months are replaced."""
    with engine.begin() as connection:
        job_id = connection.execute(insert(IngestJob).returning(IngestJob.id), job).scalar_one()
        batch_id = connection.execute(
            insert(LogBatch).returning(LogBatch.id),
            {"job_id": job_id, "source_system": outcome.source_system, "sha256": outcome.sha256},
        ).scalar_one()
        for year, month in outcome.months:
            older = (
                connection.execute(
                    select(LogBatchMonth.batch_id)
                    .join(LogBatch, LogBatch.id == LogBatchMonth.batch_id)
                    .where(
                        LogBatch.source_system == outcome.source_system,
                        LogBatchMonth.year == year,
                        LogBatchMonth.month == month,
                        LogBatchMonth.active.is_(True),
                    )
                )
                .scalars()
                .all()
            )
            for old in older:
                outcome.replaced.append({"batch_id": old, "year": year, "month": month})
            if older:
                connection.execute(
                    update(LogBatchMonth)
                    .where(
                        and_(
                            LogBatchMonth.batch_id.in_(older), LogBatchMonth.year == year, LogBatchMonth.month == month
                        )
                    )
                    .values(active=False, replaced_by=batch_id)
                )
        if outcome.months:
            connection.execute(
                insert(LogBatchMonth),
                [{"batch_id": batch_id, "year": y, "month": m, "active": True} for y, m in outcome.months],
            )
        _bulk_insert(connection, rows.assign(batch_id=batch_id))
        connection.execute(
            update(IngestJob)
            .where(IngestJob.id == job_id)
            .values(summary={**job["summary"], "replaced": outcome.replaced})
        )
        # The event log records every change of what the scores read, and its newest id is the data
        # version that cached scores are keyed on: observed KPIs just changed.
        connection.execute(
            insert(Event),
            {
                "at": utc_now(),
                "kind": "logs.stored",
                "actor": job["started_by"],
                "detail": {
                    "job_id": job_id,
                    "batch_id": batch_id,
                    "file": outcome.file_name,
                    "sha256": outcome.sha256,
                    "source": outcome.source_system,
                    "months": [list(m) for m in outcome.months],
                    "replaced": outcome.replaced,
                },
            },
        )
        outcome.job_id, outcome.batch_id = job_id, batch_id


def _bulk_insert(connection: Any, rows: pd.DataFrame) -> None:
    """Aggregates in bulk: COPY on PostgreSQL, executemany elsewhere."""
    if rows.empty:
        return
    columns = list(rows.columns)
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        table = LogAggregate.__tablename__
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for record in rows.itertuples(index=False, name=None):
                copy.write_row(record)
        return
    connection.execute(insert(LogAggregate), rows.to_dict("records"))


def _record_job(engine: Engine, job: dict[str, Any]) -> int:
    with engine.begin() as connection:
        return int(connection.execute(insert(IngestJob).returning(IngestJob.id), job).scalar_one())


def ingest_log_file(
    engine: Engine,
    path: Path,
    *,
    rejects_dir: Path,
    actor: str,
    trigger: str = "cli",
    source: str | None = None,
    dry_run: bool = False,
    max_rejected_share: float | None = None,
    memory_limit_mb: int = 512,
    on_progress: Callable[[float], None] | None = None,
    file_name: str | None = None,
) -> LogIngestOutcome:
    """Ingest one log file as one job: all of it is counted once, or none of it is.

    ``file_name`` is what the job records and reports as the file's name when it differs from the
    file on disk (a web upload is stored under a generated name; the sender's name is display text).
    """
    started = utc_now()
    sha = _file_sha256(path)
    outcome = LogIngestOutcome(file_name or path.name, sha, "failed", source or "")
    job: dict[str, Any] = {
        "kind": "logs",
        "trigger": trigger,
        "started_by": actor,
        "file_name": file_name or path.name,
        "sha256": sha,
        "started_at": started,
    }
    with engine.connect() as connection:
        already = connection.execute(select(LogBatch.id).where(LogBatch.sha256 == sha)).scalar_one_or_none()
    if already is not None:
        outcome.status, outcome.batch_id = "duplicate", already
        outcome.message_fa, outcome.message_en = (
            "این فایل قبلاً وارد شده است؛ چیزی تغییر نکرد",
            "already imported; nothing changed",
        )
        if not dry_run:
            outcome.job_id = _record_job(engine, {**job, **_job_fields(outcome)})
        return outcome
    try:
        read = read_log_file(
            engine, path, source=source, memory_limit_mb=memory_limit_mb, on_progress=on_progress, file_name=file_name
        )
    except LogFileError as exc:
        outcome.status, outcome.message_fa, outcome.message_en = "failed", exc.message_fa, exc.message_en
        if not dry_run:
            outcome.job_id = _record_job(engine, {**job, **_job_fields(outcome)})
        return outcome
    outcome.source_system = read.source
    rows = _summarise(read.groups, outcome)
    if read.rejected:
        stamp = started.strftime("%Y%m%dT%H%M%S")
        rejects = rejects_dir / f"{stamp}_{path.name.split('.')[0]}_{sha[:8]}.rejects.csv"
        write_rejects(rejects, read.rejected)
        outcome.rejects_path = str(rejects)
    threshold = load_log_format().max_rejected_share if max_rejected_share is None else max_rejected_share
    share = outcome.rows_rejected / outcome.rows_read if outcome.rows_read else 0.0
    if share > threshold:
        outcome.status = "refused"
        outcome.message_fa = f"سهم ردیف‌های نامعتبر {share:.1%} بیش از حد مجاز {threshold:.1%} است؛ هیچ ردیفی ذخیره نشد"
        outcome.message_en = f"{share:.1%} of rows are unusable, above the {threshold:.1%} limit; nothing was stored"
        if not dry_run:
            outcome.job_id = _record_job(engine, {**job, **_job_fields(outcome)})
        return outcome
    if dry_run:
        outcome.status = "checked"
        return outcome
    outcome.status = "done"
    _store_batch(engine, outcome, rows, {**job, **_job_fields(outcome)})
    return outcome


def _job_fields(outcome: LogIngestOutcome) -> dict[str, Any]:
    return {
        "source_system": outcome.source_system or None,
        "finished_at": utc_now(),
        "status": outcome.status,
        "rows_read": outcome.rows_read,
        "rows_accepted": outcome.rows_accepted,
        "rows_rejected": outcome.rows_rejected,
        "rows_duplicate": outcome.rows_duplicate,
        "rejects_path": outcome.rejects_path,
        "summary": {
            "reasons": outcome.reasons,
            "months": [list(m) for m in outcome.months],
            "message_en": outcome.message_en,
            "message_fa": outcome.message_fa,
        },
    }


def logged_file_names(engine: Engine, *, actor: str) -> set[str]:
    """Names of log files this actor has already loaded (the demo skips them on a second run)."""
    with engine.connect() as connection:
        query = select(IngestJob.file_name).where(
            IngestJob.kind == "logs", IngestJob.started_by == actor, IngestJob.status == "done"
        )
        return set(connection.scalars(query))


def summary_json(outcome: LogIngestOutcome) -> str:
    return json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2, default=str)
