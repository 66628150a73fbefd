"""Service logs: stream → clean → aggregate → one transaction, without ever counting twice.

The file (CSV, gzip or not; xlsx through python-calamine) is read by DuckDB in one streaming pass
(``ingest.log_query``) that groups rows on their values *as written*, with a duration histogram
of fixed buckets; headers are matched through ``data/log_format.yaml``. Normalising Persian digits
and letters, matching channels and outcomes to their vocabularies and checking agency and service
codes then happen here, once per distinct value, and DuckDB sums the groups again by clean key:
agency × service × channel × Jalali month. Unusable rows are classified by reason; duplicate
transaction ids are counted once (the latest record wins). Memory depends on the number of groups,
not of rows: transaction ids are hashed to files and sorted a part at a time, unusable rows stream
into the rejects file in file order, and DuckDB spills past its limit rather than grow.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import gzip
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import yaml
from pydantic import BaseModel, ConfigDict
from python_calamine import CalamineSheet, CalamineWorkbook
from sqlalchemy import Engine, and_, insert, select, update

from ingest import log_query
from ingest.log_query import Vocabulary
from ingest.text import match_key, normalize_text
from store.events import record_event
from store.models import (
    BUCKET_COLUMNS,
    Agency,
    IngestJob,
    LogAggregate,
    LogBatch,
    LogBatchMonth,
    ReportedService,
    Submission,
    utc_now,
)
from store.settings import DECLARED_DATA_DIR

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


@dataclass(frozen=True)
class KnownCodes:
    """What logs may name: the store's agencies, and the services each agency has reported."""

    agencies: frozenset[str]
    services: frozenset[tuple[str, str]]

    @classmethod
    def load(cls, engine: Engine) -> KnownCodes:
        with engine.connect() as connection:
            agencies = frozenset(connection.scalars(select(Agency.code)))
            services = frozenset(
                (str(agency), str(service))
                for agency, service in connection.execute(
                    select(Submission.agency_code, ReportedService.service_code)
                    .join(Submission, Submission.id == ReportedService.submission_id)
                    .distinct()
                )
            )
        return cls(agencies, services)


def code_text(value: object) -> str:
    """An agency or service code as typed (Persian digits, spaces, ZWNJ, lower case) → as stored."""
    if not isinstance(value, str):
        return ""
    return normalize_text(value).replace("\u200c", "").replace(" ", "").upper()


def _text_column(values: tuple[object, ...]) -> pa.Array:
    """A sheet column as text, empty cells missing: in C when the column holds one kind of value (text,
    numbers or dates), cell by cell in Python only for a column that mixes them."""
    try:
        array = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None or v == "" else str(v) for v in values], pa.string())
    if not pa.types.is_string(array.type):
        return array.cast(pa.string())
    return pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)


SHEET_LINE = "__egov_sheet_line__"
"""The column of a sheet's Arrow table that holds each row's line."""


def _is_sheet(path: Path) -> bool:
    return path.name.lower().endswith((".xlsx", ".xlsm"))


def _parse_sheet(path: Path) -> CalamineSheet:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)


def _sheet_table(sheet: CalamineSheet) -> tuple[pa.Table, list[str]]:
    """The sheet's cells as Arrow text columns, converted once: every pass then scans them without
    touching Python objects. The cyclic garbage collector is paused meanwhile: the sheet's hundreds of
    thousands of new cells would otherwise set off collections over every object the process holds (they
    made the conversion up to twice as slow), and none of them can be part of a cycle."""
    paused = gc.isenabled()
    gc.disable()
    try:
        rows = sheet.to_python()
        if not rows:
            raise LogFileError("کاربرگ خالی است", "the sheet is empty")
        headers = [str(h).strip() for h in rows[0]]
        cells = zip(*rows[1:], strict=True) if len(rows) > 1 else ((),) * len(headers)
        columns = {f"c{n}": _text_column(column) for n, column in enumerate(cells)}
        lines = pa.array(np.arange(2, len(rows) + 1, dtype=np.int64))  # the sheet's row numbers, header = 1
        table = pa.table({**columns, SHEET_LINE: lines}).rename_columns([*headers, SHEET_LINE])
        del rows, cells
    finally:
        if paused:
            gc.enable()
    return table, headers


def _source_relation(
    con: duckdb.DuckDBPyConnection, path: Path, sheet: Future[CalamineSheet] | None = None
) -> tuple[str, list[str]]:
    """Register the file as a relation; returns its name and headers (``sheet``: the xlsx already being
    parsed)."""
    name = path.name.lower()
    if _is_sheet(path):
        table, headers = _sheet_table(sheet.result() if sheet is not None else _parse_sheet(path))
        con.register("xlsx_rows", table)
        return "xlsx_rows", headers
    if not name.endswith((".csv", ".csv.gz", ".txt", ".gz")):
        raise LogFileError("فایل باید CSV (ساده یا gzip) یا xlsx باشد", "the file must be CSV (plain or gzip) or xlsx")
    headers, delimiter = sniff_csv(path)
    quoted = str(path).replace("'", "''")
    columns = ", ".join("'" + h.replace("'", "''") + "': 'VARCHAR'" for h in headers)
    relation = (
        f"read_csv('{quoted}', header = true, all_varchar = true, delim = '{delimiter}', quote = '\"', "
        f"escape = '\"', null_padding = true, ignore_errors = false, auto_detect = false, columns = {{{columns}}})"
    )
    return relation, headers


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def write_rejects(path: Path, names: Sequence[str], batches: Iterable[Iterable[Sequence[object]]]) -> None:
    """The rejects file, with the bytes that ``pd.DataFrame(rows, columns=names).to_csv(path, index=False,
    encoding="utf-8-sig")`` writes (the same ``csv`` writer underneath; ``None`` as an empty cell), a batch of
    rows at a time: a file whose every row is unusable is written as it is read, never held whole. The BOM is
    written once by hand: the ``utf-8-sig`` codec is Python code that ran on every row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\ufeff")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(names)
        for rows in batches:
            writer.writerows(rows)


COUNT_COLUMNS = (
    "transactions",
    "completed",
    "rejected",
    "abandoned",
    "duration_count",
    "duration_sum_s",
    *BUCKET_COLUMNS,
)
KEY_COLUMNS = ("agency_code", "service_code", "channel", "year", "month")


def classify_groups(
    con: duckdb.DuckDBPyConnection,
    known: KnownCodes,
    channels: Vocabulary,
    outcomes: Vocabulary,
    *,
    counts_only: bool = False,
) -> None:
    """Name each raw group (values as written, ``log_query.GROUPS_TABLE``) in clean codes and give it its
    reasons, if unusable, in ``log_query.CLASSIFIED_TABLE``.

    Every distinct spelling is normalised once here in Python, with ``ingest.text`` as everywhere else,
    whatever the number of rows behind it; DuckDB then joins the names to the groups and runs the checks.
    ``reason`` is the first failed check (in ``REASONS`` order); ``reasons`` lists every failed check of the
    group's cells."""
    pairs = con.execute(
        f"SELECT DISTINCT coalesce(agency_raw, ''), coalesce(service_raw, '') FROM {log_query.GROUPS_TABLE}"
    ).fetchall()
    agency_codes = {raw: code_text(raw) for raw in {agency for agency, _ in pairs}}
    service_codes = {raw: code_text(raw) for raw in {service for _, service in pairs}}
    named = [(agency_codes[a], service_codes[s]) for a, s in pairs]
    unknown_agency = [agency not in known.agencies for agency, _ in named]
    con.register(
        "log_pairs",
        pa.table(
            {
                "agency_raw": pa.array([a for a, _ in pairs], pa.string()),
                "service_raw": pa.array([s for _, s in pairs], pa.string()),
                "agency_code": pa.array([a for a, _ in named], pa.string()),
                "service_code": pa.array([s for _, s in named], pa.string()),
                "unknown_agency": pa.array(unknown_agency, pa.bool_()),
                "unknown_service": pa.array(
                    [not bad and pair not in known.services for pair, bad in zip(named, unknown_agency, strict=True)],
                    pa.bool_(),
                ),
            }
        ),
    )
    for table, column, vocabulary in (
        ("log_channels", "channel_raw", channels),
        ("log_outcomes", "outcome_raw", outcomes),
    ):
        spellings = [
            raw
            for (raw,) in con.execute(
                f"SELECT DISTINCT {column} FROM {log_query.GROUPS_TABLE} WHERE {column} IS NOT NULL"
            ).fetchall()
        ]
        codes = [vocabulary.code(raw) for raw in spellings]
        con.register(table, pa.table({"raw": pa.array(spellings, pa.string()), "code": pa.array(codes, pa.string())}))
    con.execute(log_query.classify_sql(channels, outcomes, tuple(REASONS), counts_only=counts_only))


def _vocabularies(fmt: LogFormat) -> tuple[Vocabulary, Vocabulary]:
    return Vocabulary.build(fmt.channels), Vocabulary.build(fmt.outcomes)


def _increasing(values: pa.Array) -> bool:
    """Whether a column of line numbers only ever grows (the rejects file lists rows in file order)."""
    return len(values) < 2 or bool(pc.all(pc.greater(values[1:], values[:-1])).as_py())


REJECTS_COLUMNS = ("line", "reason", "reason_fa", "reasons")
"""The rejects file's first columns; the row's fields as written follow, under their canonical names."""
_REJECTS_BATCH_ROWS = 1 << 16


class _OutOfOrder(RuntimeError):
    """DuckDB returned rejected rows out of file order."""


def _write_rejected_rows(
    con: duckdb.DuckDBPyConnection,
    queries: tuple[str, str],
    found: dict[str, str],
    path: Path,
    total: int,
    on_progress: Callable[[float], None] | None,
) -> Path:
    """Stream the unusable rows (``queries``: their line, group hash and fields as written, streamed and sorted,
    see ``LogQuery.detail``) into the rejects file, batch by batch: a file that is all rejects is never held in
    memory, and is not sorted unless the streamed rows come out of file order (checked as they come). Each
    row's reasons come from its group (``CLASSIFIED_TABLE``, one entry per rejected group), taken by Arrow
    rather than joined in the statement, which would reorder the rows. Written beside ``path`` and renamed when
    whole, so a half-written file is never left under its name."""
    groups = con.sql(
        f"SELECT group_hash, reason, reasons FROM {log_query.CLASSIFIED_TABLE} WHERE reason IS NOT NULL"
    ).to_arrow_table()
    keys = groups.column("group_hash").combine_chunks()
    reason = groups.column("reason").combine_chunks()
    reason_fa = pa.array([REASONS[r][0] for r in reason.to_pylist()], pa.string())
    every = groups.column("reasons").combine_chunks()
    partial = path.with_name(path.name + ".partial")

    def batches(sql: str) -> Iterator[Iterator[tuple[object, ...]]]:
        done, last = 0, 0
        for batch in con.sql(sql).to_arrow_reader(_REJECTS_BATCH_ROWS):
            lines = batch.column("line")
            if len(lines) and (lines[0].as_py() <= last or not _increasing(lines)):
                raise _OutOfOrder("DuckDB returned the rejected rows out of file order")
            last = lines[-1].as_py() if len(lines) else last
            at = pc.index_in(batch.column("group_hash"), value_set=keys)
            columns = [lines, *(column.take(at) for column in (reason, reason_fa, every))]
            columns += [batch.column(f"raw_{c}") for c in found]
            yield zip(*(column.to_pylist() for column in columns), strict=True)
            done += batch.num_rows
            if on_progress is not None and total:
                on_progress(min(done / total, 1.0))

    streamed, ordered = queries
    names = [*REJECTS_COLUMNS, *found]
    try:
        # A DuckDB that names its optimizers otherwise refuses the setting: the order check and the sort still hold.
        with contextlib.suppress(duckdb.Error):
            con.execute(log_query.KEEP_JOIN_SIDES)
        try:
            write_rejects(partial, names, batches(streamed))
        except _OutOfOrder:
            write_rejects(partial, names, batches(ordered))
        finally:
            con.execute("RESET disabled_optimizers")
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


@dataclass
class ReadLog:
    """One file cleaned and aggregated: groups (accepted, duplicate and rejected), source, and the rejects file
    (written only when a path was given and some row was unusable)."""

    groups: pd.DataFrame
    source: str
    rejects: Path | None = None


def read_log_file(
    engine: Engine,
    path: Path,
    *,
    source: str | None = None,
    memory_limit_mb: int = 512,
    threads: int | None = None,
    on_progress: Callable[[float], None] | None = None,
    file_name: str | None = None,
    counts_only: bool = False,
    rejects_path: Path | None = None,
) -> ReadLog:
    """Clean and aggregate one file in one streaming pass (plus a light one for transaction ids, and one
    each for the lines of rejected rows and of repeated ids when there are any).

    Unusable rows are written to ``rejects_path`` (without one they are only counted), streamed in file
    order, so memory does not grow with their number either.

    With no ``source`` and no single source-system value in the file, the source is the file's name
    without its suffixes (``file_name``, when the file on disk has a generated name). DuckDB uses every
    core unless ``threads`` says otherwise. ``counts_only`` (a dry run: nothing will be stored) counts rows only
    (no outcome counts, durations or histogram) and sums the accepted groups by Jalali month, not by agency,
    service and channel, when no transaction repeats: what the summary reports is the same either way.
    """
    with ThreadPoolExecutor(max_workers=1) as parser, log_query.temp_dir() as spill:
        # python-calamine parses without the GIL: the set-up below runs meanwhile.
        sheet = parser.submit(_parse_sheet, path) if _is_sheet(path) else None
        fmt = load_log_format()
        channels, outcomes = _vocabularies(fmt)
        known = KnownCodes.load(engine)
        if sheet is not None and threads is None:
            # A sheet's few tens of thousands of rows are one Arrow chunk that one thread scans: a second
            # thread only adds hand-overs (and, on a busy machine, waits for a core).
            threads = 1
        con = log_query.connect(
            channels, outcomes, memory_limit=f"{memory_limit_mb}MB", threads=threads, temp_dir=spill
        )
        try:
            relation, headers = _source_relation(con, path, sheet)
            from_sheet = sheet is not None
            found = resolve_columns(headers, fmt)
            query = log_query.LogQuery(
                found, relation, channels, outcomes, line_column=SHEET_LINE if from_sheet else None
            )
            try:
                repeated = np.empty(0, dtype=np.uint64)
                if from_sheet:
                    # A sheet is small (it is in memory already): its rows, numbered in sheet order, are worked
                    # out once into a table that every pass below reads, the detail pass included.
                    con.execute(query.keep_rows())
                    if query.has_txn:
                        repeated = log_query.repeated_kept_hashes(con)
                    # A dry run with no repeated transaction needs no measures: it reports counts, stores nothing.
                    by_month = counts_only and not len(repeated)
                    con.execute(
                        f"CREATE TEMP TABLE {log_query.GROUPS_TABLE} AS {query.aggregate(counts_only=by_month)}"
                    )
                else:
                    # Duplicates first: the hashes' memory is freed before the main pass needs its own. (The two
                    # passes at once, on two cursors, saved no CPU and broke the memory target: ×1.30 from 200,000
                    # to a million rows.)
                    if query.has_txn:
                        # Streaming needs few buffers: the hashes' own arrays are the memory this pass uses.
                        con.execute(f"SET memory_limit = '{min(memory_limit_mb, 128)}MB'")
                        repeated = log_query.repeated_hashes(con, query, Path(spill), _scaled(on_progress, 0.0, 0.35))
                        con.execute(f"SET memory_limit = '{memory_limit_mb}MB'")
                    by_month = counts_only and not len(repeated)
                    log_query.run(
                        con,
                        f"CREATE TEMP TABLE {log_query.GROUPS_TABLE} AS {query.aggregate(counts_only=by_month)}",
                        _scaled(on_progress, 0.35, 0.95),
                    )
                txns = pd.DataFrame({"h": repeated})
                classify_groups(con, known, channels, outcomes, counts_only=by_month)
                classified = log_query.CLASSIFIED_TABLE
                # Through Arrow: the same frame as ``.df()`` gives, in less time. A dry run with no duplicate to
                # take out by key sums by month alone.
                keys = ("year", "month") if by_month else KEY_COLUMNS
                counts = ("transactions",) if by_month else COUNT_COLUMNS
                accepted = con.sql(log_query.sum_by_key_sql(keys, counts)).to_arrow_table().to_pandas()
                by_reason = (
                    con.sql(
                        f"SELECT reason, sum(transactions)::BIGINT AS transactions FROM {classified} "
                        "WHERE reason IS NOT NULL GROUP BY reason ORDER BY reason"
                    )
                    .to_arrow_table()
                    .to_pandas()
                )
                sources = (
                    con.execute(f"SELECT min(source_min), max(source_max) FROM {log_query.GROUPS_TABLE}").fetchone()
                    if query.has_source
                    else None
                )
                rejects = None
                if len(by_reason) and rejects_path is not None:
                    con.execute("SET preserve_insertion_order = true")  # the rejects file lists rows in file order
                    con.execute(
                        f"CREATE TEMP VIEW wanted_groups AS SELECT group_hash AS h FROM {classified} "
                        "WHERE reason IS NOT NULL"
                    )
                    raw = ", ".join(f'"raw_{c}"' for c in found)
                    streamed, ordered = (
                        f"SELECT line, group_hash, {raw} "
                        f"FROM ({query.detail(groups=True, txns=False, counts_only=by_month, sort=sort)})"
                        for sort in (False, True)
                    )
                    rejects = _write_rejected_rows(
                        con,
                        (streamed, ordered),
                        found,
                        rejects_path,
                        int(by_reason["transactions"].sum()),
                        _scaled(on_progress, 0.95, 1.0),
                    )
                duplicates = None
                if len(txns):
                    con.register("wanted_txns", txns)
                    repeated_rows = query.detail(groups=False, txns=True, counts_only=by_month)
                    duplicates = (
                        con.sql(log_query.duplicate_losers_sql(repeated_rows, outcomes)).to_arrow_table().to_pandas()
                    )
            except duckdb.OutOfMemoryException as exc:
                raise LogFileError(
                    f"حافظه برای پردازش این فایل در سقف {memory_limit_mb} مگابایت کافی نبود (EGOV_LOG_MEMORY_LIMIT_MB)",
                    f"processing this file needed more than its {memory_limit_mb} MB memory limit "
                    f"(EGOV_LOG_MEMORY_LIMIT_MB): {exc}",
                ) from exc
            except duckdb.Error as exc:
                raise LogFileError("فایل به صورت CSV خوانده نمی‌شود", f"the file cannot be read as CSV: {exc}") from exc
        finally:
            con.close()
    if on_progress is not None:
        on_progress(1.0)
    single = sources[0] if sources is not None and sources[0] is not None and sources[0] == sources[1] else None
    read = _assemble(
        accepted,
        by_reason,
        duplicates,
        source or (str(single).strip() if single else None),
        file_name or path.name,
        rejects,
    )
    if sources is not None:
        read.groups["source_min"], read.groups["source_max"] = (np.nan if v is None else v for v in sources)
    return read


def _scaled(on_progress: Callable[[float], None] | None, start: float, end: float) -> Callable[[float], None] | None:
    """One pass's progress (0–1) as its share of the whole file's."""
    if on_progress is None:
        return None
    return lambda share: on_progress(start + (end - start) * share)


def _assemble(
    accepted: pd.DataFrame,
    by_reason: pd.DataFrame,
    duplicates: pd.DataFrame | None,
    source: str | None,
    file_name: str,
    rejects: Path | None,
) -> ReadLog:
    """Accepted groups by clean key, less the duplicates' contributions (``duplicates``: the records of repeated
    transaction ids that do not count, summed by key), plus the duplicates and the rejected counts by reason."""
    if duplicates is None or duplicates.empty:
        duplicates = accepted.iloc[:0]
    else:
        merged = accepted.merge(duplicates, on=list(KEY_COLUMNS), how="left", suffixes=("", "_dup"))
        for column in COUNT_COLUMNS:
            merged[column] = merged[column] - merged[f"{column}_dup"].fillna(0).astype(merged[column].dtype)
        accepted = merged[list(accepted.columns)]
        accepted = accepted[accepted["transactions"] > 0].reset_index(drop=True)
    parts = [
        accepted.assign(reason=None, is_duplicate=False),
        duplicates.assign(reason=None, is_duplicate=True),
        by_reason.assign(is_duplicate=False),
    ]
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[0]
    # Every column, whichever parts are empty: a file whose every row is unusable has no accepted keys.
    out = out.reindex(columns=list(dict.fromkeys(c for p in parts for c in p.columns)))
    return ReadLog(out, source or file_name.split(".")[0], rejects)


def _summarise(groups: pd.DataFrame, outcome: LogIngestOutcome) -> None:
    rejected = groups[groups["reason"].notna()]
    accepted = groups[groups["reason"].isna()]
    duplicates = accepted[accepted["is_duplicate"]]
    kept = accepted[~accepted["is_duplicate"].astype(bool)]
    outcome.rows_read = int(groups["transactions"].sum())
    outcome.rows_rejected = int(rejected["transactions"].sum())
    outcome.rows_duplicate = int(duplicates["transactions"].sum())
    outcome.rows_accepted = int(kept["transactions"].sum())
    outcome.reasons = {str(k): int(v) for k, v in rejected.groupby("reason")["transactions"].sum().items()}
    year_months = np.unique(kept["year"].to_numpy(dtype=np.int64) * 100 + kept["month"].to_numpy(dtype=np.int64))
    outcome.months = [(int(ym // 100), int(ym % 100)) for ym in year_months]


def _rows_to_store(groups: pd.DataFrame) -> pd.DataFrame:
    kept = groups[groups["reason"].isna() & ~groups["is_duplicate"].astype(bool)]
    kept = kept.astype({c: "int64" for c in ("year", "month", *COUNT_COLUMNS) if c != "duration_sum_s"})
    return kept[[*KEY_COLUMNS, *COUNT_COLUMNS]]


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
        record_event(
            connection,
            "logs.stored",
            actor=job["started_by"],
            detail={
                "job_id": job_id,
                "batch_id": batch_id,
                "file": outcome.file_name,
                "sha256": outcome.sha256,
                "source": outcome.source_system,
                "months": [list(m) for m in outcome.months],
                "replaced": outcome.replaced,
            },
        )
        outcome.job_id, outcome.batch_id = job_id, batch_id


def _bulk_insert(connection: Any, rows: pd.DataFrame) -> None:
    """Aggregates in bulk: COPY on PostgreSQL, the driver's own executemany elsewhere.

    Rows go as plain tuples built column by column: SQLAlchemy's per-row parameter handling and
    ``to_dict("records")`` cost more than the database's own work for tens of thousands of rows."""
    if rows.empty:
        return
    columns = list(rows.columns)
    records = list(zip(*(rows[c].tolist() for c in columns), strict=True))
    table = LogAggregate.__tablename__
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for record in records:
                copy.write_row(record)
        return
    if connection.dialect.paramstyle == "qmark":
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        connection.exec_driver_sql(sql, records)
        return
    connection.execute(insert(LogAggregate), [dict(zip(columns, r, strict=True)) for r in records])


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
    stamp = started.strftime("%Y%m%dT%H%M%S")
    try:
        read = read_log_file(
            engine,
            path,
            source=source,
            memory_limit_mb=memory_limit_mb,
            on_progress=on_progress,
            file_name=file_name,
            counts_only=dry_run,
            rejects_path=rejects_dir / f"{stamp}_{path.name.split('.')[0]}_{sha[:8]}.rejects.csv",
        )
    except LogFileError as exc:
        outcome.status, outcome.message_fa, outcome.message_en = "failed", exc.message_fa, exc.message_en
        if not dry_run:
            outcome.job_id = _record_job(engine, {**job, **_job_fields(outcome)})
        return outcome
    outcome.source_system = read.source
    _summarise(read.groups, outcome)
    if read.rejects is not None:
        outcome.rejects_path = str(read.rejects)
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
    _store_batch(engine, outcome, _rows_to_store(read.groups), {**job, **_job_fields(outcome)})
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
