"""Service logs from real files on disk into the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import Engine, func, select, text

from ingest.inbox import process_inbox_once
from ingest.service_logs import ingest_log_file, read_log_file
from ingest.submissions import ingest_report_file
from metrics.data import log_aggregates_frame, log_kpis_frame
from metrics.service_kpis import histogram_percentile, service_kpis
from store.models import DURATION_BUCKET_EDGES_S, IngestJob, LogAggregate, LogBatch
from tests.workbooks import AGENCY, write_filled_report

HEADERS_EN = ["timestamp", "agency_code", "service_code", "channel", "outcome", "duration_s", "transaction_id"]
HEADERS_FA = ["زمان", "کد دستگاه", "کد خدمت", "کانال", "نتیجه", "مدت (ثانیه)", "شناسه تراکنش"]
ROWS = [
    # timestamp, agency, service, channel, outcome, seconds, id
    ["2014-08-03T10:20:00", AGENCY, "S001", "online", "completed", "120", "T1"],
    ["2014-08-04 11:00:00", AGENCY, "S001", "mobile", "completed", "60", "T2"],
    ["1393/05/14 09:00", AGENCY, "S002", "counter", "rejected", "300", "T3"],
    ["1393/06/01 09:00", AGENCY, "S002", "in_person", "abandoned", "3600", "T4"],
    ["2014-09-24T08:00:00", AGENCY, "S003", "online", "completed", "45", "T5"],  # 1393/07/02
]
# the same rows as a Persian export types them
ROWS_FA = [
    ["۲۰۱۴-۰۸-۰۳T۱۰:۲۰:۰۰", AGENCY.lower(), "S۰۰۱", "برخط", "تکمیل شده", "۱۲۰", "T1"],
    ["2014-08-04 11:00:00", f" {AGENCY} ", "S001", "موبايل", "موفق", "60", "T2"],
    ["۱۳۹۳/۰۵/۱۴ ۰۹:۰۰", AGENCY, "S002", "پیشخوان", "رد شده", "۳۰۰", "T3"],
    ["1393-06-01 09:00", AGENCY, "S002", "حضوری", "رها شده", "3600", "T4"],
    ["2014-09-24T08:00:00", AGENCY, "S003", "Online", "Completed", "45", "T5"],
]


def write_log(path: Path, rows: list[list[str]], *, headers: list[str] = HEADERS_EN, delimiter: str = ",") -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8-sig", newline="") as handle:  # type: ignore[operator]
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


@pytest.fixture
def store(engine: Engine, tmp_path: Path) -> Engine:
    """A store where Kahak reported its services S001–S005 (logs may only name known services)."""
    outcome = ingest_report_file(
        engine, write_filled_report(tmp_path / "r.xlsx"), actor="t", max_bytes=10**7, approved_by="t"
    )
    assert outcome.status == "stored"
    return engine


def _ingest(engine: Engine, path: Path, tmp_path: Path, **options: object) -> object:
    return ingest_log_file(engine, path, rejects_dir=tmp_path / "rejects", actor="test", **options)  # type: ignore[arg-type]


def _aggregates(engine: Engine) -> pd.DataFrame:
    frame = log_aggregates_frame(engine)
    return frame.sort_values(list(frame.columns[:5])).reset_index(drop=True)


def test_rows_are_aggregated_by_agency_service_channel_and_jalali_month(store: Engine, tmp_path: Path) -> None:
    outcome = _ingest(store, write_log(tmp_path / "a.csv", ROWS), tmp_path, source="portal")

    assert outcome.status == "done" and outcome.rows_read == 5 and outcome.rows_accepted == 5  # type: ignore[attr-defined]
    frame = _aggregates(store)
    got = {
        tuple(r) for r in frame[["service_code", "channel", "year", "month", "transactions", "completed"]].to_numpy()
    }
    assert got == {
        ("S001", "online", 1393, 5, 1, 1),  # 2014-08-03 is 1393/05/12
        ("S001", "mobile", 1393, 5, 1, 1),
        ("S002", "counter", 1393, 5, 1, 0),
        ("S002", "in_person", 1393, 6, 1, 0),
        ("S003", "online", 1393, 7, 1, 1),
    }
    assert outcome.months == [(1393, 5), (1393, 6), (1393, 7)]  # type: ignore[attr-defined]


def test_every_spelling_gives_the_same_aggregates(store: Engine, engine: Engine, tmp_path: Path) -> None:
    plain = read_log_file(store, write_log(tmp_path / "en.csv", ROWS)).groups
    persian = read_log_file(store, write_log(tmp_path / "fa.csv.gz", ROWS_FA, headers=HEADERS_FA, delimiter=";")).groups
    columns = ["agency_code", "service_code", "channel", "year", "month", "transactions", "completed", "h04"]
    assert persian["reason"].isna().all(), persian[persian["reason"].notna()]
    pd.testing.assert_frame_equal(
        plain[columns].sort_values(columns).reset_index(drop=True),
        persian[columns].sort_values(columns).reset_index(drop=True),
    )


def test_xlsx_export_is_read_like_csv(store: Engine, tmp_path: Path) -> None:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(HEADERS_FA)
    for row in ROWS:
        sheet.append(row)
    wb.save(tmp_path / "small.xlsx")
    groups = read_log_file(store, tmp_path / "small.xlsx").groups
    assert groups["reason"].isna().all() and groups["transactions"].sum() == 5


def test_unusable_rows_go_to_the_rejects_file_with_line_numbers(store: Engine, tmp_path: Path) -> None:
    bad = [
        ["2014-08-03T10:20:00", "XX-NOPE", "S001", "online", "completed", "1", "B1"],  # line 7
        ["1393/13/40 10:00", AGENCY, "S001", "online", "completed", "1", "B2"],  # line 8
        ["2014-08-03T10:20:00", AGENCY, "S001", "fax", "completed", "1", "B3"],  # line 9
        ["2014-08-03T10:20:00", AGENCY, "S001", "online", "completed", "-5", "B4"],  # line 10
        ["2014-08-03T10:20:00", AGENCY, "S999", "online", "completed", "1", "B5"],  # line 11
    ]
    outcome = _ingest(store, write_log(tmp_path / "b.csv", ROWS + bad), tmp_path, max_rejected_share=0.5)

    assert outcome.status == "done"  # type: ignore[attr-defined]
    assert outcome.reasons == {  # type: ignore[attr-defined]
        "unknown_agency": 1,
        "bad_time": 1,
        "unknown_channel": 1,
        "negative_duration": 1,
        "unknown_service": 1,
    }
    rejects = pd.read_csv(outcome.rejects_path, encoding="utf-8-sig")  # type: ignore[attr-defined]
    assert rejects["line"].tolist() == [7, 8, 9, 10, 11]
    assert rejects["reason"].tolist() == [
        "unknown_agency",
        "bad_time",
        "unknown_channel",
        "negative_duration",
        "unknown_service",
    ]
    assert rejects.loc[0, "agency_code"] == "XX-NOPE"  # the row as it was in the file
    assert _aggregates(store)["transactions"].sum() == 5


def test_a_file_of_nothing_but_unusable_rows_is_refused_with_every_row_in_its_rejects_file(
    store: Engine, tmp_path: Path
) -> None:
    """An export from another province's system (every agency unknown here), 200,000 rows, read under a
    48 MB DuckDB limit: refused with its reason and all of its rows listed in file order, streamed to the
    rejects file. Before, the rejected rows were gathered in memory (DuckDB ran out of it and the job failed
    with "Out of Memory"), and a file with no usable row at all failed on its empty accepted part."""
    rows = 200_000
    path = tmp_path / "elsewhere.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(HEADERS_EN) + "\n")
        handle.writelines(
            f"2014-08-03T10:20:00,XX-{n % 50},S001,online,completed,{n % 900},E{n}\n" for n in range(rows)
        )

    outcome = _ingest(store, path, tmp_path, memory_limit_mb=48)

    assert outcome.status == "refused", outcome.message_en  # type: ignore[attr-defined]
    assert (outcome.rows_read, outcome.rows_rejected, outcome.rows_accepted) == (rows, rows, 0)  # type: ignore[attr-defined]
    assert outcome.reasons == {"unknown_agency": rows} and outcome.months == []  # type: ignore[attr-defined]
    with Path(outcome.rejects_path).open(encoding="utf-8-sig", newline="") as handle:  # type: ignore[attr-defined,arg-type]
        listed = [(int(r["line"]), r["reason"], r["agency_code"]) for r in csv.DictReader(handle)]
    assert listed == [(n + 2, "unknown_agency", f"XX-{n % 50}") for n in range(rows)]
    assert not list((tmp_path / "rejects").glob("*.partial"))
    assert log_aggregates_frame(store).empty


def test_a_file_sent_twice_over_counts_each_transaction_once_in_bounded_memory(store: Engine, tmp_path: Path) -> None:
    """A system that re-sent yesterday's 100,000 transactions inside today's export: every id twice, read under a
    48 MB DuckDB limit. Each counts once, the later record (completed, where the first said abandoned). Before,
    the repeated rows were sorted and gathered whole to be ranked in pandas, and this file ran out of memory."""
    ids = 100_000
    path = tmp_path / "twice.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(HEADERS_EN) + "\n")
        for day, outcome in (("03", "abandoned"), ("04", "completed")):
            handle.writelines(
                f"2014-08-{day}T10:{n % 60:02d}:00,{AGENCY},S00{n % 5 + 1},online,{outcome},{n % 900},R{n}\n"
                for n in range(ids)
            )

    outcome = _ingest(store, path, tmp_path, memory_limit_mb=48)

    assert outcome.status == "done", outcome.message_en  # type: ignore[attr-defined]
    assert (outcome.rows_read, outcome.rows_accepted, outcome.rows_duplicate) == (2 * ids, ids, ids)  # type: ignore[attr-defined]
    stored = _aggregates(store)
    assert stored["transactions"].sum() == ids and stored["completed"].sum() == ids
    assert stored["abandoned"].sum() == 0 and stored["duration_sum_s"].sum() == sum(n % 900 for n in range(ids))


def test_a_file_over_the_memory_limit_fails_saying_so(store: Engine, tmp_path: Path) -> None:
    """Out of memory is a job that failed for that reason, naming the setting to raise: not "cannot be read
    as CSV", which sent operators looking for a fault in the file."""
    outcome = _ingest(store, write_log(tmp_path / "m.csv", ROWS * 2_000), tmp_path, memory_limit_mb=4)

    assert outcome.status == "failed"  # type: ignore[attr-defined]
    assert "4 MB memory limit (EGOV_LOG_MEMORY_LIMIT_MB)" in outcome.message_en  # type: ignore[attr-defined]
    assert "EGOV_LOG_MEMORY_LIMIT_MB" in outcome.message_fa and "حافظه" in outcome.message_fa  # type: ignore[attr-defined]
    assert log_aggregates_frame(store).empty


def test_file_over_the_rejected_share_is_refused_whole(store: Engine, tmp_path: Path) -> None:
    rows = ROWS * 20 + [["2014-08-03T10:20:00", AGENCY, "S001", "fax", "completed", "1", ""]] * 2  # 2 %
    outcome = _ingest(store, write_log(tmp_path / "c.csv", rows), tmp_path)

    assert outcome.status == "refused"  # type: ignore[attr-defined]
    assert "1.0%" in outcome.message_en and outcome.message_fa  # type: ignore[attr-defined]
    assert Path(outcome.rejects_path).exists()  # type: ignore[attr-defined,arg-type]
    assert log_aggregates_frame(store).empty
    with store.connect() as connection:
        jobs = connection.execute(select(IngestJob.status, IngestJob.rows_rejected)).all()
    assert [tuple(j) for j in jobs] == [("refused", 2)]


def test_same_file_twice_counts_once(store: Engine, tmp_path: Path) -> None:
    path = write_log(tmp_path / "d.csv", ROWS)
    assert _ingest(store, path, tmp_path).status == "done"  # type: ignore[attr-defined]
    before = _aggregates(store)

    again = _ingest(store, path, tmp_path)

    assert again.status == "duplicate"  # type: ignore[attr-defined]
    pd.testing.assert_frame_equal(_aggregates(store), before)


def test_re_export_of_the_same_source_and_months_replaces_the_earlier_one(store: Engine, tmp_path: Path) -> None:
    first = _ingest(store, write_log(tmp_path / "e1.csv", ROWS), tmp_path, source="portal")
    corrected = [*ROWS, ["2014-08-05T10:00:00", AGENCY, "S001", "online", "completed", "30", "T6"]]

    second = _ingest(store, write_log(tmp_path / "e2.csv", corrected), tmp_path, source="portal")

    assert {r["batch_id"] for r in second.replaced} == {first.batch_id}  # type: ignore[attr-defined]
    assert sorted((r["year"], r["month"]) for r in second.replaced) == [(1393, 5), (1393, 6), (1393, 7)]  # type: ignore[attr-defined]
    assert _aggregates(store)["transactions"].sum() == 6  # not 11: the first export no longer counts
    other = _ingest(store, write_log(tmp_path / "e3.csv", ROWS[:1]), tmp_path, source="another-system")
    assert other.replaced == []  # type: ignore[attr-defined]
    assert _aggregates(store)["transactions"].sum() == 7


def test_duplicate_transaction_ids_in_a_file_count_once(store: Engine, tmp_path: Path) -> None:
    outcome = _ingest(store, write_log(tmp_path / "f.csv", ROWS + ROWS[:2]), tmp_path)
    assert outcome.rows_duplicate == 2 and outcome.rows_accepted == 5  # type: ignore[attr-defined]
    assert _aggregates(store)["transactions"].sum() == 5


def test_dry_run_stores_nothing(store: Engine, tmp_path: Path) -> None:
    outcome = _ingest(store, write_log(tmp_path / "g.csv", ROWS), tmp_path, dry_run=True)
    assert outcome.status == "checked" and outcome.rows_accepted == 5  # type: ignore[attr-defined]
    with store.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(IngestJob)) == 0
        assert connection.scalar(select(func.count()).select_from(LogAggregate)) == 0


def test_kpis_from_the_logs(store: Engine, tmp_path: Path) -> None:
    _ingest(store, write_log(tmp_path / "h.csv", ROWS), tmp_path)
    kpis = log_kpis_frame(store).loc[(AGENCY, 1393)]
    assert kpis["transactions"] == 5
    assert kpis["digital_takeup_pct"] == pytest.approx(60)  # online, mobile, online of 5
    assert kpis["counter_share_pct"] == pytest.approx(20)
    assert kpis["completion_rate_pct"] == pytest.approx(100)  # the 3 digital ones all completed


@contextmanager
def _writes_blocked(engine: Engine) -> Iterator[None]:
    """Hold a lock that lets the importer read but not write, so it is caught mid-way."""
    if engine.dialect.name == "sqlite":
        blocker = sqlite3.connect(str(engine.url.database), timeout=1)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            blocker.rollback()
            blocker.close()
        return
    with engine.connect() as connection, connection.begin():
        connection.execute(text("LOCK TABLE log_batches IN EXCLUSIVE MODE"))
        yield


def test_a_killed_import_leaves_no_trace(store: Engine, store_url: str, tmp_path: Path) -> None:
    path = write_log(tmp_path / "big.csv", ROWS * 20_000)
    env = {**os.environ, "EGOV_DATABASE_URL": store_url, "EGOV_DATA_DIR": str(tmp_path / "data")}
    with _writes_blocked(store):
        process = subprocess.Popen(
            [sys.executable, "-m", "egov.cli", "ingest", "logs", str(path)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(6)  # read, cleaned and aggregated; now waiting to write
        assert process.poll() is None, "the import ended although it could not write"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    with store.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(LogBatch)) == 0
        assert connection.scalar(select(func.count()).select_from(LogAggregate)) == 0
        assert connection.scalar(select(func.count()).select_from(IngestJob)) == 0
    assert _ingest(store, path, tmp_path).status == "done"  # and the store still works


def test_inbox_takes_settled_files_once_and_moves_them(store: Engine, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_log(inbox / "nightly.csv", ROWS)
    write_log(inbox / "broken.csv", [["x"] * 7], headers=["a", "b", "c", "d", "e", "f", "g"])
    (inbox / "half-written.csv.part").write_text("timestamp,agency", encoding="utf-8")

    outcomes = process_inbox_once(store, inbox, settle_seconds=0)

    assert sorted((o.file_name, o.status) for o in outcomes) == [("broken.csv", "failed"), ("nightly.csv", "done")]
    assert (inbox / "processed" / "nightly.csv").exists()
    assert (inbox / "processed" / "nightly.csv.summary.json").exists()
    assert (inbox / "failed" / "broken.csv.summary.json").exists()
    assert (inbox / "half-written.csv.part").exists()  # never taken while being written
    assert process_inbox_once(store, inbox, settle_seconds=0) == []  # nothing new: nothing done


def _split_aggregate(durations: list[int], channels: list[str], parts: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = pd.DataFrame(
        {"agency_code": "A", "service_code": "S", "channel": channels, "year": 1393, "month": 5, "d": durations}
    )
    edges = np.asarray(DURATION_BUCKET_EDGES_S)

    def aggregate(chunk: pd.DataFrame) -> pd.DataFrame:
        bucket = np.searchsorted(edges, chunk["d"].to_numpy(), side="right") - 1
        out = chunk.assign(
            transactions=1, completed=1, rejected=0, abandoned=0, duration_count=1, duration_sum_s=chunk["d"]
        )
        for n in range(len(edges)):
            out[f"h{n:02d}"] = (bucket == n).astype(int)
        return (
            out.drop(columns=["d"])
            .groupby(["agency_code", "service_code", "channel", "year", "month"], as_index=False)
            .sum()
        )

    whole = aggregate(rows)
    split = pd.concat([aggregate(rows.iloc[part]) for part in np.array_split(np.arange(len(rows)), parts) if len(part)])
    return whole, split


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    durations=st.lists(st.integers(0, 200_000), min_size=1, max_size=80),
    parts=st.integers(1, 6),
    seed=st.integers(0, 10),
)
def test_merged_partial_aggregates_equal_the_whole(durations: list[int], parts: int, seed: int) -> None:
    channels = list(np.random.default_rng(seed).choice(["online", "counter", "mobile"], len(durations)))
    whole, split = _split_aggregate(durations, channels, parts)
    by = ["agency_code", "year"]
    pd.testing.assert_frame_equal(service_kpis(whole, by=by), service_kpis(split, by=by))


@given(st.lists(st.integers(0, 1_000_000), min_size=1, max_size=200), st.sampled_from([0.5, 0.9]))
def test_percentiles_from_histograms_are_within_one_bucket(durations: list[int], q: float) -> None:
    edges = np.asarray(DURATION_BUCKET_EDGES_S)
    counts = np.bincount(np.searchsorted(edges, durations, side="right") - 1, minlength=len(edges))
    estimate = histogram_percentile(counts[None, :], q)[0]
    exact = float(np.quantile(durations, q, method="inverted_cdf"))
    bucket = np.searchsorted(edges, exact, side="right") - 1
    low = edges[bucket]
    high = edges[bucket + 1] if bucket + 1 < len(edges) else edges[-1] * 2
    assert low <= estimate <= high


def test_scores_see_new_logs_at_once(store: Engine, tmp_path: Path) -> None:
    from metrics import api

    before = api.claimed_vs_observed(1393, engine=store)  # scored and cached without logs
    assert pd.isna(before.loc[AGENCY, "observed_digital_takeup_pct"])

    _ingest(store, write_log(tmp_path / "i.csv", ROWS), tmp_path)

    after = api.claimed_vs_observed(1393, engine=store)  # the log ingest is a new data version
    assert after.loc[AGENCY, "observed_digital_takeup_pct"] == pytest.approx(60)
    assert after.loc[AGENCY, "observed_source"] == "service logs"
