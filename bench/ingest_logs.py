"""`egov ingest logs` on a generated 10-million-row export (1 million with --quick) against DuckDB's
bare ``read_csv`` + ``GROUP BY`` of the same file, measured in the same run.

Targets: our ingest ≤ 1.5× the bare DuckDB time; peak RSS ≤ 1 GiB on 10M rows and no more than the
1M-row run's peak + 20% (memory must not grow with the file). Each size runs in its own process so
its peak RSS is its own.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

TARGET_RATIO = 1.5
TARGET_RSS_BYTES = 1024**3
CHUNK_ROWS = 1_000_000


def _prepare_store(folder: Path) -> tuple[str, list[tuple[str, str]]]:
    """A store where Qom's agencies reported their services (logs may only name known services)."""
    from egov.demo import demo_reports, load_demo_spec
    from ingest.submissions import ingest_report_file
    from store.engine import create_store_engine, upgrade_store

    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = create_store_engine(url)
    upgrade_store(engine)
    pairs = []
    for report in demo_reports(load_demo_spec(), provinces={"QM"}, years=(1393, 1393)):
        path = folder / report.file_name
        report.builder().save(path)
        ingest_report_file(engine, path, actor="bench", max_bytes=10**8)
    with engine.connect() as connection:
        from sqlalchemy import select

        from store.models import ReportedService, Submission

        pairs = [
            tuple(row)
            for row in connection.execute(
                select(Submission.agency_code, ReportedService.service_code)
                .join(Submission, Submission.id == ReportedService.submission_id)
                .distinct()
            )
        ]
    engine.dispose()
    return url, pairs  # type: ignore[return-value]


def write_log(path: Path, rows: int, pairs: list[tuple[str, str]], *, seed: int = 1394) -> None:
    """A realistic export: ISO and Jalali timestamps, Persian and English channel names, ids."""
    rng = np.random.default_rng(seed)
    agencies = np.array([a for a, _ in pairs])
    services = np.array([s for _, s in pairs])
    channels = np.array(["online", "mobile", "counter", "in_person", "برخط", "پیشخوان", "حضوری"])
    outcomes = np.array(["completed", "rejected", "abandoned", "تکمیل شده"])
    start = np.datetime64("2014-03-21T00:00:00")
    with path.open("w", encoding="utf-8") as handle:
        handle.write("timestamp,agency_code,service_code,channel,outcome,duration_s,transaction_id\n")
        for first in range(0, rows, CHUNK_ROWS):
            n = min(CHUNK_ROWS, rows - first)
            pick = rng.integers(0, len(pairs), n)
            moments = start + rng.integers(0, 365 * 86400, n).astype("timedelta64[s]")
            frame = pd.DataFrame(
                {
                    "timestamp": np.datetime_as_string(moments, unit="s"),
                    "agency_code": agencies[pick],
                    "service_code": services[pick],
                    "channel": channels[rng.integers(0, len(channels), n)],
                    "outcome": outcomes[rng.integers(0, len(outcomes), n)],
                    "duration_s": rng.integers(1, 20_000, n),
                    "transaction_id": np.char.add("T", (first + np.arange(n)).astype(str)),
                }
            )
            frame.to_csv(handle, header=False, index=False)


def _child(url: str, path: str, mode: str) -> None:
    """One measurement in this process; prints seconds and peak RSS as JSON."""
    started = time.perf_counter()
    if mode == "duckdb":
        con = duckdb.connect(config={"threads": 2, "memory_limit": "512MB"})
        con.execute(
            f"SELECT agency_code, service_code, channel, substr(CAST(timestamp AS VARCHAR), 1, 7) AS month, count(*) "
            f"FROM read_csv('{path}', header = true) GROUP BY ALL"
        ).fetchall()
    else:
        from ingest.service_logs import ingest_log_file
        from store.engine import create_store_engine

        engine = create_store_engine(url)
        outcome = ingest_log_file(engine, Path(path), rejects_dir=Path(path).parent / "rejects", actor="bench")
        if outcome.status != "done":
            raise SystemExit(f"ingest {outcome.status}: {outcome.message_en}")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "peak_rss": peak}))


def _measure(url: str, path: Path, mode: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.ingest_logs", url, str(path), mode], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run(*, quick: bool = False) -> bool:
    sizes = (200_000, 1_000_000) if quick else (1_000_000, 10_000_000)
    with tempfile.TemporaryDirectory(prefix="egov-bench-logs-") as tmp:
        folder = Path(tmp)
        url, pairs = _prepare_store(folder)
        results = {}
        for rows in sizes:
            path = folder / f"log_{rows}.csv"
            write_log(path, rows, pairs)
            bare = _measure(url, path, "duckdb")
            ours = _measure(url, path, "egov")
            results[rows] = (bare, ours)
            path.unlink()
    small, large = sizes
    bare, ours = results[large]
    ratio = ours["seconds"] / bare["seconds"]
    rss_ok = ours["peak_rss"] <= TARGET_RSS_BYTES and ours["peak_rss"] <= results[small][1]["peak_rss"] * 1.2
    ok = ratio <= TARGET_RATIO and rss_ok
    print(
        f"ingest-logs: {large:,} rows | DuckDB read_csv+GROUP BY {bare['seconds']:.2f} s | egov ingest logs "
        f"{ours['seconds']:.2f} s ({large / ours['seconds']:,.0f} rows/s) | ratio {ratio:.2f}× (target ≤ {TARGET_RATIO}×) "
        f"| peak RSS {ours['peak_rss'] / 2**20:.0f} MiB ({small:,} rows: {results[small][1]['peak_rss'] / 2**20:.0f} MiB; "
        f"target ≤ 1024 MiB and ≤ +20%) {'OK' if ok else 'MISSED'}"
    )
    return ok


if __name__ == "__main__":
    _child(*sys.argv[1:4])
