"""The DuckDB side of the service-log ingest: per-row SQL and the passes over one file.

Only what must happen per row runs per row, and only in its cheap form: the low-cardinality columns
are grouped on as written (agency and service) or dictionary-encoded through an ENUM of the
vocabulary's spellings (channel and outcome), so that normalising them happens once per *distinct*
value in Python afterwards (``ingest.service_logs``). A timestamp's Jalali month comes from a DuckDB
date cast and a small table of 16-day blocks; only values that this fast form does not take (Persian
digits, one-digit months, odd separators) fall back to the exact slow form — a regular expression on
normalised text — and both forms give the same answer by construction (tests compare them with
jdatetime day by day). Duplicate transaction ids are found by a 64-bit hash; the rows behind rejects
(streamed in file order, with their line numbers) and duplicates (ranked here, the latest record
counting) are read in a second pass that only runs when there are any. The raw groups are then named and checked (``classify_sql``, with maps of distinct
values made in Python) and summed by clean key here too. A sheet, small and already in memory, has
its rows worked out once into a table (``LogQuery.keep_rows``) that every pass reads.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import jdatetime
import numpy as np

from ingest.text import match_key
from store.models import BUCKET_COLUMNS, DURATION_BUCKET_EDGES_S

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "01234567890123456789"
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2040, 12, 31)
"""Timestamps are read in this Gregorian span and the Jalali span it covers; anything else is a bad time."""
_BLOCK_DAYS = 16  # shorter than any month, so a block holds at most one month start
GROUP_KEYS = ("agency_raw", "service_raw", "channel_raw", "outcome_raw", "packed_key")
"""What the main pass groups on. Channel and outcome as written are NULL when the ENUM knew them;
``packed_key`` is jym × 1000 + channel index × 10 + duration state (``classify_sql`` unpacks it), where jym is the
Jalali year × 100 + month (0: a bad time) and the channel index is 99 for a spelling the ENUM did not know."""
DURATION_OK, DURATION_BAD, DURATION_NEGATIVE = 0, 1, 2
CHANNEL_UNNAMED = 98
"""A dry run's channel index in ``packed_key`` for every spelling the ENUM knew (``aggregate(counts_only=True)``):
it stores nothing, so only whether a channel is known counts, and it has a third as many groups to check."""
NULL_HASH = "hash(NULL::VARCHAR)"
KEEP_JOIN_SIDES = "SET disabled_optimizers = 'build_side_probe_side'"
"""Keeps a semi-join's build side (the few wanted groups): swapped, the rows became the build side and came out
of file order (seen on the demo's logs). ``RESET disabled_optimizers`` after."""
ROWS_TABLE = "log_rows"
GROUPS_TABLE = "log_groups"
CLASSIFIED_TABLE = "log_classified"
_HASH_BATCH_ROWS = 1 << 18
_HASH_PARTS = 4  # a power of two: the top bits of a hash pick its part


@dataclass(frozen=True)
class Vocabulary:
    """A vocabulary's codes, and the spellings that the ENUM fast path knows (each with its code's index)."""

    codes: tuple[str, ...]
    spellings: tuple[str, ...]
    spelling_code: tuple[int, ...]
    by_key: dict[str, str]

    @classmethod
    def build(cls, table: dict[str, tuple[str, ...]]) -> Vocabulary:
        """Spellings: each alias as declared, lower, upper and title case; each maps through ``match_key``,
        exactly as a value outside the ENUM will, so the fast and the slow path cannot disagree."""
        codes = tuple(table)
        by_key: dict[str, str] = {}  # the first code to claim a spelling keeps it
        for code, aliases in table.items():
            for alias in (code, *aliases):
                by_key.setdefault(match_key(alias), code)
        spellings: dict[str, int] = {}
        for code, aliases in table.items():
            for alias in (code, *aliases):
                for variant in (alias, alias.lower(), alias.upper(), alias.title()):
                    if variant and by_key.get(match_key(variant)) == code:
                        spellings.setdefault(variant, codes.index(code))
        return cls(codes, tuple(spellings), tuple(spellings.values()), by_key)

    def code(self, raw: str) -> str | None:
        return self.by_key.get(match_key(raw))


@dataclass(frozen=True)
class Calendar:
    """Constants for Gregorian and Jalali dates → Jalali month, built once from jdatetime."""

    blocks: tuple[int, ...]  # per 16-day block from FIRST_DAY: month at its start, month after the cut, cut
    leap_mask: int  # bit n: Jalali year first_year + n is a leap year
    first_jalali: int  # y * 10000 + m * 100 + d of FIRST_DAY
    last_jalali: int  # ... of LAST_DAY
    first_year: int


@lru_cache(maxsize=1)
def calendar() -> Calendar:
    """~500 month starts converted with jdatetime (not 15,000 days): 16-day blocks, each with the month it
    starts in, the day within the block where the next month starts (16: none) and that next month."""
    first_j = jdatetime.date.fromgregorian(date=FIRST_DAY)
    last_j = jdatetime.date.fromgregorian(date=LAST_DAY)
    starts: list[tuple[int, int]] = []  # (day number from FIRST_DAY, jy * 100 + jm)
    for year in range(first_j.year, last_j.year + 1):
        for month in range(1, 13):
            day = (jdatetime.date(year, month, 1).togregorian() - FIRST_DAY).days
            starts.append((day, year * 100 + month))
    total = (LAST_DAY - FIRST_DAY).days + 1
    blocks = []
    current = first_j.year * 100 + first_j.month
    upcoming = [s for s in starts if s[0] > 0]
    for begin in range(0, total, _BLOCK_DAYS):
        while upcoming and upcoming[0][0] <= begin:
            current = upcoming.pop(0)[1]
        if upcoming and upcoming[0][0] < begin + _BLOCK_DAYS:
            cut, following = upcoming[0][0] - begin, upcoming[0][1]
        else:
            cut, following = _BLOCK_DAYS, current
        blocks.append(current * 10**8 + following * 100 + cut)
    leap = sum(
        1 << n for n, year in enumerate(range(first_j.year, last_j.year + 1)) if jdatetime.date(year, 1, 1).isleap()
    )
    return Calendar(
        tuple(blocks),
        leap,
        first_j.year * 10000 + first_j.month * 100 + first_j.day,
        last_j.year * 10000 + last_j.month * 100 + last_j.day,
        first_j.year,
    )


def _text(values: Iterable[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def connect(
    channels: Vocabulary, outcomes: Vocabulary, *, memory_limit: str, threads: int | None, temp_dir: str
) -> duckdb.DuckDBPyConnection:
    """A connection with the vocabulary ENUMs and the calendar's block table (``threads=None``: every core)."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": memory_limit,
        # Only the pass that numbers lines needs file order (``detail`` sets it); the others run freer.
        "preserve_insertion_order": False,
        "temp_directory": temp_dir,
    }
    if threads is not None:
        config["threads"] = threads
    con = duckdb.connect(config=config)
    # query_progress() needs progress tracking; DuckDB must not draw its own bar over ours.
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")
    cal = calendar()
    con.execute(f"CREATE TYPE log_channel AS ENUM ({_text(channels.spellings)})")
    con.execute(f"CREATE TYPE log_outcome AS ENUM ({_text(outcomes.spellings)})")
    con.execute("SET VARIABLE log_blocks = ?::BIGINT[]", [list(cal.blocks)])  # a parameter binds faster than a literal
    return con


def jalali_jym_sql(y: str, m: str, d: str) -> str:
    """SQL: Jalali year, month, day → year * 100 + month if that day exists and lies in the span."""
    cal = calendar()
    last_year = cal.last_jalali // 10000
    month_days = (
        f"CASE WHEN {m} <= 6 THEN 31 WHEN {m} <= 11 THEN 30 "
        f"WHEN ({cal.leap_mask}::BIGINT >> greatest(least({y} - {cal.first_year}, 62), 0)) & 1 = 1 THEN 30 ELSE 29 END"
    )
    return (
        f"CASE WHEN {y} BETWEEN {cal.first_year} AND {last_year} AND {m} BETWEEN 1 AND 12 "
        f"AND {d} BETWEEN 1 AND {month_days} "
        f"AND {y} * 10000 + {m} * 100 + {d} BETWEEN {cal.first_jalali} AND {cal.last_jalali} "
        f"THEN {y} * 100 + {m} END"
    )


def norm_sql(expr: str) -> str:
    """SQL: text as ``ingest.text.normalize_text`` cleans it for codes and numbers (digits, Arabic letters,
    ZWNJ, no-break space, trimmed); ``translate`` is costly, so pure-ASCII values skip it."""
    value = f"coalesce({expr}, '')"
    persian = (
        f"translate(replace(replace({value}, chr(8204), ''), chr(160), ' '), "
        f"'{PERSIAN_DIGITS}يكى', '{LATIN_DIGITS}یکی')"
    )
    return f"trim(CASE WHEN strlen({value}) = length({value}) THEN {value} ELSE {persian} END)"


def _code_sql(enum_code: str, vocabulary: Vocabulary) -> str:
    """SQL: an ENUM index → the index of its code; the ENUM lists each code's spellings together, so
    comparisons do it (cheaper per row than a list lookup)."""
    codes = vocabulary.spelling_code
    steps = " ".join(
        f"WHEN {enum_code} < {n + 1} THEN {codes[n]}" for n in range(len(codes) - 1) if codes[n + 1] != codes[n]
    )
    return f"CASE WHEN {enum_code} IS NULL THEN NULL {steps} ELSE {codes[-1]} END"


def _duration_measures() -> str:
    """SQL aggregates over rows with ``duration`` and ``bucket``: how many have a duration, their sum, and the
    histogram (the same measures for the groups and for the duplicates taken out of them)."""
    buckets = ", ".join(f"count(*) FILTER (WHERE bucket = {n}) AS {col}" for n, col in enumerate(BUCKET_COLUMNS))
    return f"count(duration) AS duration_count, coalesce(sum(duration), 0) AS duration_sum_s, {buckets}"


def _dry_run_key() -> str:
    """SQL: ``packed_key`` with every channel the ENUM knew as ``CHANNEL_UNNAMED`` (99, unknown, stays)."""
    return (
        f"packed_key // 1000 * 1000 + CASE WHEN packed_key // 10 % 100 = 99 THEN 990 ELSE {CHANNEL_UNNAMED * 10} END "
        "+ packed_key % 10"
    )


def _quote(header: str) -> str:
    return '"' + header.replace('"', '""') + '"'


class LogQuery:
    """The SQL for one file's columns (``found``: canonical name → header) over ``source`` (a relation)."""

    def __init__(
        self,
        found: dict[str, str],
        source: str,
        channels: Vocabulary,
        outcomes: Vocabulary,
        *,
        line_column: str | None = None,
    ) -> None:
        self.found = found
        self.line_column = line_column  # a column of ``source`` that holds each row's line, if it has one
        self.source = source
        self.channels = channels
        self.outcomes = outcomes
        self.has_txn = "transaction_id" in found
        self.has_source = "source_system" in found
        self.kept = False  # whether ``keep_rows`` has filled ``ROWS_TABLE``

    def col(self, name: str) -> str:
        return _quote(self.found[name]) if name in self.found else "NULL::VARCHAR"

    def _duration(self) -> tuple[str, str]:
        """SQL for the duration in seconds (cast as written, else after normalising) and its text."""
        if "duration_s" in self.found:
            raw = self.col("duration_s")
            slow = f"try_cast(replace({norm_sql(raw)}, '٫', '.') AS DOUBLE)"
            return f"coalesce(try_cast({raw} AS DOUBLE), CASE WHEN {raw} IS NOT NULL THEN {slow} END)", norm_sql(raw)
        moments = []
        for name in ("started_at", "ended_at"):
            raw = self.col(name)
            slow = f"try_cast({norm_sql(raw)} AS TIMESTAMP)"
            moments.append(
                f"epoch(coalesce(try_cast({raw} AS TIMESTAMP), CASE WHEN {raw} IS NOT NULL THEN {slow} END))"
            )
        text = f"{norm_sql(self.col('started_at'))} || {norm_sql(self.col('ended_at'))}"
        return f"{moments[1]} - {moments[0]}", text

    def rows(self, *, numbered: bool = False) -> str:
        """CTEs ending in ``bucketed``: one row per record with its group key, duration bucket and id.

        Each step is its own CTE so that DuckDB computes a value once, however often it is used."""
        ts = self.col("timestamp")
        duration, duration_text = self._duration()
        bucket = " ".join(
            f"WHEN duration >= {edge} THEN {n}" for n, edge in reversed(list(enumerate(DURATION_BUCKET_EDGES_S)))
        )
        txn = f"nullif({norm_sql(self.col('transaction_id'))}, '')" if self.has_txn else "NULL::VARCHAR"
        line = ""
        if numbered:
            line = f"{_quote(self.line_column)} AS line, " if self.line_column else "row_number() OVER () + 1 AS line, "
        raw_columns = ", ".join(f'{_quote(h)} AS "raw_{c}"' for c, h in self.found.items())
        days = (LAST_DAY - FIRST_DAY).days + 1
        first, last = FIRST_DAY.isoformat(), LAST_DAY.isoformat()
        # Fast date: DuckDB's cast of the first ten characters when they are DDDD-DD-DD or DDDD/DD/DD in
        # ASCII. The cast takes no trailing text other than spaces, so what it accepts is the year, month
        # and day that the exact form (``_slow_jym``) reads too; the rest goes the exact way.
        return f"""
src AS (SELECT {line}* FROM {self.source}),
prefixed AS (
    SELECT *, left({ts}, 10) AS ts10,
        enum_code(try_cast({self.col("channel")} AS log_channel)) AS channel_e,
        enum_code(try_cast({self.col("outcome")} AS log_outcome)) AS outcome_e,
        {duration} AS duration_any
    FROM src
), dated AS (
    SELECT *, CASE WHEN strlen(ts10) = 10 AND (ts10 LIKE '____-__-__' OR ts10 LIKE '____/__/__')
        THEN try_cast(ts10 AS DATE) END AS fast_date
    FROM prefixed
), triaged AS (
    SELECT *,
        CASE WHEN fast_date BETWEEN DATE '{first}' AND DATE '{last}' THEN fast_date END AS fast_gregorian,
        CASE WHEN fast_date BETWEEN DATE '{first}' AND DATE '{last}' THEN NULL
            WHEN year(fast_date) BETWEEN 1300 AND 1500 THEN fast_date END AS fast_jalali
    FROM dated
), slow AS (
    -- The exact form, for the rest only: the date at the start of the normalised text.
    SELECT *, regexp_extract(CASE WHEN fast_gregorian IS NULL AND fast_jalali IS NULL THEN {norm_sql(ts)} END,
        '^(\\d{{4}})[-/.](\\d{{1,2}})[-/.](\\d{{1,2}})', ['y', 'm', 'd']) AS slow_parts
    FROM triaged
), slow_numbers AS (
    SELECT *, try_cast(slow_parts.y AS INTEGER) AS sy, try_cast(slow_parts.m AS INTEGER) AS sm,
        try_cast(slow_parts.d AS INTEGER) AS sd
    FROM slow
), calendared AS (
    -- Gregorian if the year is in the Gregorian span, else Jalali (the spans do not overlap).
    SELECT *,
        coalesce(fast_gregorian, CASE WHEN sy BETWEEN {FIRST_DAY.year} AND {LAST_DAY.year}
            THEN try_cast(printf('%04d-%02d-%02d', sy, sm, sd) AS DATE) END) - DATE '{first}' AS day_n,
        coalesce(year(fast_jalali), CASE WHEN sy NOT BETWEEN {FIRST_DAY.year} AND {LAST_DAY.year} THEN sy END) AS jy,
        coalesce(month(fast_jalali), sm) AS jm,
        coalesce(day(fast_jalali), sd) AS jd
    FROM slow_numbers
), blocked AS (
    SELECT *, CASE WHEN day_n >= 0 AND day_n < {days} THEN getvariable('log_blocks')[day_n // {_BLOCK_DAYS} + 1] END
        AS block
    FROM calendared
), parsed AS (
    SELECT *,
        CASE
            WHEN block IS NOT NULL THEN CASE WHEN day_n % {_BLOCK_DAYS} < block % 100
                THEN block // 100000000 ELSE (block // 100) % 1000000 END
            ELSE {jalali_jym_sql("jy", "jm", "jd")}
        END AS jym,
        {_code_sql("channel_e", self.channels)} AS channel_ix,
        {_code_sql("outcome_e", self.outcomes)} AS outcome_ix
    FROM blocked
), keyed AS (
    SELECT {"line, " if numbered else ""}
        {self.col("agency_code")} AS agency_raw,
        {self.col("service_code")} AS service_raw,
        CASE WHEN channel_ix IS NULL THEN coalesce({self.col("channel")}, '') END AS channel_raw,
        CASE WHEN outcome_ix IS NULL THEN coalesce({self.col("outcome")}, '') END AS outcome_raw,
        channel_ix, outcome_ix, jym,
        CASE WHEN isfinite(duration_any) THEN duration_any END AS duration,
        CASE
            WHEN duration_any < 0 THEN {DURATION_NEGATIVE}
            WHEN NOT isfinite(duration_any) THEN {DURATION_BAD}
            WHEN duration_any IS NULL AND {duration_text} <> '' THEN {DURATION_BAD}
            ELSE {DURATION_OK}
        END AS duration_state,
        {self.col("source_system")} AS source_raw,
        {txn} AS txn,
        {raw_columns}
    FROM parsed
), bucketed AS (
    SELECT *, CASE {bucket} END AS bucket,
        -- one integer for three small keys: fewer, cheaper columns to hash in the GROUP BY
        coalesce(jym, 0) * 1000 + coalesce(channel_ix, 99) * 10 + duration_state AS packed_key
    FROM keyed
)"""

    def group_hash(self, *, counts_only: bool = False) -> str:
        """SQL: a raw group's hash over rows with a ``packed_key`` (``counts_only``: a dry run's, ``aggregate``)."""
        keys = [*GROUP_KEYS[:-1], _dry_run_key() if counts_only else "packed_key"]
        return f"hash({', '.join(keys)})"

    def keep_rows(self) -> str:
        """SQL that works out each row's keys once into ``ROWS_TABLE``, with its line, Jalali month and transaction
        id, for every pass after to read instead of the source — the detail pass too, which takes only its few
        rows' raw fields from the source, by line. For a source with a ``line_column`` (a sheet's Arrow table,
        small by nature). A CSV file is not kept: writing ten million rows' keys cost as much as the second scan
        it saved, and held more memory."""
        if self.line_column is None:
            raise ValueError("rows are kept only for a source with a line column")
        kept = [*GROUP_KEYS, "outcome_ix", "duration", "bucket", "line", "jym", "txn"]
        if self.has_source:
            kept.append("source_raw")
        self.kept = True
        return (
            f"CREATE TEMP TABLE {ROWS_TABLE} AS WITH {self.rows(numbered=True)} SELECT {', '.join(kept)} FROM bucketed"
        )

    def _rows_relation(self) -> tuple[str, str]:
        """(WITH clause, relation) of the per-row keys: the kept table, if there is one."""
        if self.kept:
            return "", ROWS_TABLE
        return f"WITH {self.rows()}", "bucketed"

    def transaction_hashes(self) -> str:
        """A 64-bit hash of each row's normalised transaction id (rows without one: ``NULL_HASH``)."""
        return f"SELECT hash(nullif({norm_sql(self.col('transaction_id'))}, '')) AS h FROM {self.source}"

    def aggregate(self, *, counts_only: bool = False) -> str:
        """The main pass: every row counted into its raw group, with outcome counts and the histogram
        (``counts_only``: the rows alone, for a dry run that reports counts and stores nothing)."""
        source = ", min(source_raw) AS source_min, max(source_raw) AS source_max" if self.has_source else ""
        measures = ""
        if not counts_only:
            outcome_counts = ", ".join(
                f"count(*) FILTER (WHERE outcome_ix = {n}) AS outcome_{n}" for n in range(len(self.outcomes.codes))
            )
            measures = f", {outcome_counts}, {_duration_measures()}"
        ctes, relation = self._rows_relation()
        if counts_only:
            relation = f"(SELECT * REPLACE ({_dry_run_key()} AS packed_key) FROM {relation})"
        return f"""{ctes}
SELECT {", ".join(GROUP_KEYS)}, {self.group_hash()} AS group_hash, count(*) AS transactions {measures} {source}
FROM {relation}
GROUP BY {", ".join(GROUP_KEYS)}"""

    def detail(self, *, groups: bool, txns: bool, counts_only: bool = False, sort: bool = False) -> str:
        """The second pass: the rows of the wanted groups (``wanted_groups``) or of the wanted transaction-id
        hashes (``wanted_txns``), with line numbers (the header is line 1), their keys and raw fields;
        ``counts_only`` as the groups were made (``aggregate``).

        From a file, the rows come in file order without a sort as long as the semi-joins keep the side they
        build on (``KEEP_JOIN_SIDES``): the streaming window numbers the lines in file order, a hash join's probe
        keeps its rows' order, and so does the result with ``preserve_insertion_order``. The rejects file's
        reader checks the order, and falls back to ``sort`` (a sort of ten million rejected rows, fields and
        all, needs DuckDB to spill). A sheet's rows are joined to their fields by line, and always sorted (a
        sheet is small)."""
        group_hash = self.group_hash(counts_only=counts_only)
        wanted = []
        if groups:
            wanted.append(f"{group_hash} IN (SELECT h FROM wanted_groups)")
        if txns:
            wanted.append("hash(txn) IN (SELECT h FROM wanted_txns)")
        if self.kept:
            # The wanted rows first, then their raw fields from the source by line (apart, so that no header
            # can clash with a kept column's name).
            raw = ", ".join(f'{_quote(h)} AS "raw_{c}"' for c, h in self.found.items())
            return f"""SELECT w.*, s.* EXCLUDE (source_line)
FROM (
    SELECT line, {group_hash} AS group_hash, outcome_ix, jym, duration, bucket, txn
    FROM {ROWS_TABLE}
    WHERE {" OR ".join(wanted)}
) w
JOIN (
    SELECT {_quote(self.line_column or "")} AS source_line, {self.col("timestamp")} AS raw_time, {raw}
    FROM {self.source}
) s ON s.source_line = w.line
ORDER BY w.line"""
        raw = ", ".join(f'"raw_{c}"' for c in self.found)
        return f"""WITH {self.rows(numbered=True)}
SELECT line, {group_hash} AS group_hash, outcome_ix, jym, duration, bucket, txn,
    "raw_timestamp" AS raw_time, {raw}
FROM bucketed
WHERE {" OR ".join(wanted)}
{"ORDER BY line" if sort else ""}"""


GROUP_CHECKS = {
    "unknown_agency": "unknown_agency",
    "unknown_service": "unknown_service",
    "bad_time": "jym = 0",
    "unknown_channel": "channel IS NULL",
    "unknown_outcome": "outcome_raw IS NOT NULL AND outcome IS NULL",
    "bad_duration": f"duration_state = {DURATION_BAD}",
    "negative_duration": f"duration_state = {DURATION_NEGATIVE}",
}
"""Each check of a raw group, by reason; a group's columns after ``classify_sql``'s naming step."""


def classify_sql(
    channels: Vocabulary, outcomes: Vocabulary, reasons: tuple[str, ...], *, counts_only: bool = False
) -> str:
    """SQL: the raw groups (``GROUPS_TABLE``) named in clean codes and checked, into ``CLASSIFIED_TABLE``.

    The names come from maps made in Python once per distinct value as written (``ingest.service_logs``):
    ``log_pairs`` (agency and service as written → codes, and whether the store knows them), ``log_channels``
    and ``log_outcomes`` (spellings the ENUMs did not know → code or NULL). ``reason`` is the first failed
    check in ``reasons`` order, ``reasons`` every failed check; outcome counts add the group's own outcome.
    Only the columns that the passes after read are kept: writing the raw spellings and the unpacked checks
    too cost a third of the statement."""
    first = " ".join(f"WHEN {GROUP_CHECKS[r]} THEN '{r}'" for r in reasons)
    every = ", ".join(f"CASE WHEN {GROUP_CHECKS[r]} THEN '{r}' END" for r in reasons)
    outcome_counts = "".join(
        f", outcome_{n} + CASE WHEN outcome = '{code}' THEN transactions ELSE 0 END AS {_quote(code)}"
        for n, code in enumerate(outcomes.codes)
        if not counts_only  # the groups have no outcome counts (``LogQuery.aggregate``)
    )
    measures = "" if counts_only else f", duration_count, duration_sum_s, {', '.join(BUCKET_COLUMNS)}"
    return f"""CREATE TEMP TABLE {CLASSIFIED_TABLE} AS
WITH named AS (
    SELECT g.*, p.agency_code, p.service_code, p.unknown_agency, p.unknown_service,
        g.packed_key // 1000 AS jym, (g.packed_key // 10) % 100 AS channel_ix, g.packed_key % 10 AS duration_state,
        c.code AS channel_named, o.code AS outcome
    FROM {GROUPS_TABLE} g
    JOIN log_pairs p ON p.agency_raw = coalesce(g.agency_raw, '') AND p.service_raw = coalesce(g.service_raw, '')
    LEFT JOIN log_channels c ON c.raw = g.channel_raw
    LEFT JOIN log_outcomes o ON o.raw = g.outcome_raw
), channelled AS (
    -- A dry run's known channel is not named (``CHANNEL_UNNAMED``): it is checked, never stored or summed by.
    SELECT *, CASE WHEN channel_ix = {CHANNEL_UNNAMED} THEN ''
            WHEN channel_ix <> 99 THEN [{_text(channels.codes)}][channel_ix + 1] ELSE channel_named END
        AS channel
    FROM named
)
SELECT group_hash, agency_code, service_code, channel, outcome, transactions {measures},
    CASE {first} END AS reason, nullif(concat_ws(';', {every}), '') AS reasons {outcome_counts},
    (jym // 100)::BIGINT AS year, (jym % 100)::BIGINT AS month
FROM channelled"""


def sum_by_key_sql(key_columns: tuple[str, ...], count_columns: tuple[str, ...]) -> str:
    """SQL: the accepted groups summed by clean key."""
    sums = ", ".join(
        f"sum({_quote(c)})::{'DOUBLE' if c == 'duration_sum_s' else 'BIGINT'} AS {_quote(c)}" for c in count_columns
    )
    keys = ", ".join(key_columns)
    # No ORDER BY: the rows' order means nothing to the store, and sorting 27 wide columns cost more than summing.
    return f"SELECT {keys}, {sums} FROM {CLASSIFIED_TABLE} WHERE reason IS NULL GROUP BY {keys}"


def duplicate_losers_sql(detail: str, outcomes: Vocabulary) -> str:
    """SQL: of the accepted rows that share a transaction id (``detail``: the rows of repeated ids), all but the
    latest record (by Jalali month, then time as written, then outcome, then line: a re-sent transaction's
    final state is the one that counts), summed by clean key as ``sum_by_key_sql`` sums the accepted groups, so
    that they can be taken out of them. A window over the repeated rows, which DuckDB can spill: a file sent
    twice over repeats every id."""
    codes = f"[{_text(outcomes.codes)}]"
    outcome_counts = ", ".join(
        f"count(*) FILTER (WHERE row_outcome = '{code}') AS {_quote(code)}" for code in outcomes.codes
    )
    return f"""WITH repeated AS (
    SELECT d.line, d.jym, d.raw_time, d.txn, d.duration, d.bucket,
        CASE WHEN d.outcome_ix IS NOT NULL THEN {codes}[d.outcome_ix + 1] ELSE c.outcome END AS row_outcome,
        c.agency_code, c.service_code, c.channel, c.year, c.month
    FROM ({detail}) d JOIN {CLASSIFIED_TABLE} c USING (group_hash)
    WHERE c.reason IS NULL
), placed AS (
    SELECT *, row_number() OVER (
        PARTITION BY txn ORDER BY jym DESC, raw_time DESC, row_outcome ASC NULLS LAST, line DESC
    ) AS place
    FROM repeated
)
SELECT agency_code, service_code, channel, year, month, count(*) AS transactions, {outcome_counts},
    {_duration_measures()}
FROM placed
WHERE place > 1
GROUP BY agency_code, service_code, channel, year, month
ORDER BY agency_code, service_code, channel, year, month"""


def temp_dir() -> tempfile.TemporaryDirectory[str]:
    """Where DuckDB spills when a pass outgrows its memory limit (never the working directory)."""
    return tempfile.TemporaryDirectory(prefix="egov-duckdb-")


def repeated_hashes(
    con: duckdb.DuckDBPyConnection,
    query: LogQuery,
    folder: Path,
    on_progress: Callable[[float], None] | None = None,
) -> np.ndarray:
    """Transaction-id hashes that occur more than once in the file (rows without an id left out).

    Exact and lean: DuckDB streams one 64-bit hash per row; NumPy splits them by their top bits into
    ``_HASH_PARTS`` files in ``folder``, then sorts one file at a time in memory, where equal neighbours
    are the repeats. That holds two bytes a row at once, far less than a hash table (DuckDB's GROUP BY over
    ten million ids ran out of memory under a 192 MB limit), and costs less CPU too."""
    paths = [folder / f"transaction_hashes_{n}.u64" for n in range(_HASH_PARTS)]
    shift = np.uint64(64 - _HASH_PARTS.bit_length() + 1)
    handles = [path.open("wb") for path in paths]
    try:
        for batch in con.sql(query.transaction_hashes()).to_arrow_reader(_HASH_BATCH_ROWS):
            values = batch.column(0).to_numpy()
            part = values >> shift
            for n, handle in enumerate(handles):
                values[part == n].tofile(handle)
            if on_progress is not None and (progress := con.query_progress()) >= 0:
                on_progress(min(progress / 100, 1.0))
    finally:
        for handle in handles:
            handle.close()
    no_id = con.execute(f"SELECT {NULL_HASH}").fetchone()
    repeated = []
    for path in paths:
        hashes = np.fromfile(path, dtype=np.uint64)
        path.unlink()
        hashes.sort()
        repeated.append(np.unique(hashes[1:][hashes[1:] == hashes[:-1]]))
        del hashes
    found = np.concatenate(repeated)
    return found[found != np.uint64(no_id[0] if no_id else 0)]


def repeated_kept_hashes(con: duckdb.DuckDBPyConnection) -> np.ndarray:
    """``repeated_hashes`` for rows kept in ``ROWS_TABLE`` (a sheet: tens of thousands of rows, so a GROUP BY
    in memory is cheaper than the files and sorts that keep ten million ids lean)."""
    found = con.execute(
        f"SELECT h FROM (SELECT hash(txn) AS h FROM {ROWS_TABLE} WHERE txn IS NOT NULL) GROUP BY h HAVING count(*) > 1"
    ).fetchnumpy()["h"]
    return np.asarray(found, dtype=np.uint64)


def run(con: duckdb.DuckDBPyConnection, sql: str, on_progress: Callable[[float], None] | None = None) -> None:
    """Run a statement; report DuckDB's progress (0–1) from a polling thread while it runs."""
    if on_progress is None:
        con.execute(sql)
        return
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            progress = con.query_progress()
            if progress >= 0:
                on_progress(min(progress / 100, 1.0))

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    try:
        con.execute(sql)
    finally:
        done.set()
        watcher.join()
