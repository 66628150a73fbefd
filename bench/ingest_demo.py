"""Ingesting the full demo (every agency, five years) against python-calamine's bare read.

The floor is what any reader must do: open each workbook and read its sheets with calamine. Our
ingest adds normalisation, validation and one transaction per workbook. Target: ≤ 3× the floor.
"""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

from python_calamine import CalamineWorkbook

from egov.demo import demo_reports, load_demo_spec
from ingest import layout
from ingest.submissions import ingest_report_bytes
from store.engine import create_store_engine, upgrade_store

TARGET_RATIO = 3.0


def _write_demo(folder: Path, *, quick: bool) -> list[Path]:
    spec = load_demo_spec()
    provinces = {"QM"} if quick else None
    paths = []
    for report in demo_reports(spec, provinces=provinces):
        path = folder / report.file_name
        report.builder().save(path)
        paths.append(path)
    return paths


def _bare_read(blobs: list[bytes]) -> float:
    started = time.perf_counter()
    for data in blobs:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for name in (layout.FORM_SHEET, layout.SERVICES_SHEET, layout.META_SHEET):
            workbook.get_sheet_by_name(name).to_python()
    return time.perf_counter() - started


def _ingest(blobs: list[tuple[str, bytes]], url: str) -> float:
    engine = create_store_engine(url)
    upgrade_store(engine)
    started = time.perf_counter()
    for name, data in blobs:
        outcome = ingest_report_bytes(engine, data, file_name=name, actor="bench", max_bytes=50 * 1024 * 1024)
        if outcome.status != "stored":
            raise RuntimeError(f"{name}: {outcome.status} {outcome.problems[:2]}")
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed


def run(*, quick: bool = False) -> bool:
    with tempfile.TemporaryDirectory(prefix="egov-bench-") as tmp:
        folder = Path(tmp)
        paths = _write_demo(folder, quick=quick)
        blobs = [(p.name, p.read_bytes()) for p in paths]
        _bare_read([b for _, b in blobs[:20]])  # warm-up
        floor = _bare_read([b for _, b in blobs])
        ours = _ingest(blobs, f"sqlite:///{folder / 'bench.sqlite3'}")
    ratio = ours / floor
    ok = ratio <= TARGET_RATIO
    print(
        f"ingest-demo: {len(blobs)} workbooks | calamine bare read {floor:.2f} s | egov ingest {ours:.2f} s "
        f"({len(blobs) / ours:.0f} workbooks/s, SQLite) | ratio {ratio:.2f}× (target ≤ {TARGET_RATIO}×) "
        f"{'OK' if ok else 'MISSED'}"
    )
    return ok
