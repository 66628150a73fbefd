"""Reliability report: the attack, load and fault scenarios on SQLite and PostgreSQL, and what held.

The scenarios are the tests' own (``tests/hostile.py``, asserted by ``tests/dashboard/test_attacks.py``
and ``tests/dashboard/test_load_and_faults.py``); here each runs once on a fresh store of each engine
and reports requests made, errors expected and seen, and rows lost (must be 0), then what the zip
bombs cost to refuse. PostgreSQL rows are left out, with the reason, when no server answers.
Target: every scenario held (every refusal seen, every allowed request served, nothing lost).
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

BOMB_SECONDS = 2.0
BOMB_PEAK_BYTES = 50 * 1024 * 1024
_MIB = 1024 * 1024


def _scenarios(quick: bool) -> list[tuple[str, Callable[..., object]]]:
    from dashboard.app import create_app
    from tests import hostile
    from tests.accounts import make_user, signed_in_client

    sessions = 8 if quick else 20

    def anonymous(url: str, engine: Engine, folder: Path) -> object:
        return hostile.anonymous_sweep(create_app(engine=engine), engine, engine_label=engine.dialect.name)

    def attacks(url: str, engine: Engine, folder: Path) -> object:
        app = create_app(engine=engine, max_upload_bytes=10 * 1024 * 1024)
        return hostile.attack_battery(app, engine, folder, engine_label=engine.dialect.name)

    def many_agencies(url: str, engine: Engine, folder: Path) -> object:
        agencies = hostile.agencies_of(engine)[:sessions]
        uploaders = hostile.make_uploaders(engine, folder, agencies, sessions=sessions, label="one", first_value=100)
        return hostile.concurrent_uploads(
            create_app(engine=engine),
            engine,
            uploaders,
            scenario=f"{sessions} sessions, {sessions} agencies, at once",
            engine_label=engine.dialect.name,
        )

    def same_agencies(url: str, engine: Engine, folder: Path) -> object:
        agencies = hostile.agencies_of(engine, "QM")[:4]
        uploaders = hostile.make_uploaders(engine, folder, agencies, sessions=sessions, label="same", first_value=500)
        return hostile.concurrent_uploads(
            create_app(engine=engine),
            engine,
            uploaders,
            scenario=f"{sessions} sessions, 4 agencies, at once",
            engine_label=engine.dialect.name,
        )

    def store_away(url: str, engine: Engine, folder: Path) -> object:
        agency = hostile.agencies_of(engine, "QM")[0]
        hostile.seed_report(engine, folder / "seed", agency)
        app = create_app(engine=engine)
        client = signed_in_client(app, *make_user(engine, "it_director", agency=agency))
        admin = hostile.POSTGRES_URL if engine.dialect.name == "postgresql" else None
        return hostile.store_goes_away(
            app, engine, folder, client=client, agency=agency, engine_label=engine.dialect.name, admin_url=admin
        )

    def killed(url: str, engine: Engine, folder: Path) -> object:
        return hostile.killed_ingest(url, engine, folder, engine_label=engine.dialect.name, files=12 if quick else 24)

    return [
        ("anonymous", anonymous),
        ("attacks", attacks),
        ("many agencies", many_agencies),
        ("same agencies", same_agencies),
        ("store away", store_away),
        ("killed ingest", killed),
    ]


def _bombs(folder: Path) -> list[tuple[str, str, float, int, float, int]]:
    """Each zip bomb: what it was refused as, and the inspection's and the whole upload request's cost."""
    from dashboard.app import create_app
    from tests import hostile
    from tests.accounts import make_user, signed_in_client

    rows = []
    with hostile.fresh_store("sqlite", folder) as (_, engine):
        agency = hostile.agencies_of(engine, "QM")[0]
        app = create_app(engine=engine, max_upload_bytes=10 * 1024 * 1024)
        client = signed_in_client(app, *make_user(engine, "it_director", agency=agency))
        real = hostile.report_bytes(folder, agency)
        for label, lie in (("honest directory", False), ("lying directory", True)):
            bomb = hostile.zip_bomb(real, lie=lie)
            cost = hostile.inspect_cost(bomb)
            dry, _ = hostile.upload_bodies(app, bomb, "bomb.xlsx")
            shown, seconds, peak = hostile.request_cost(lambda dry=dry: client.post(hostile.DISPATCH, json=dry))
            refused = hostile.status_of(hostile.answer(shown)) == "rejected"
            code = cost.problem.code if cost.problem is not None else "ACCEPTED"
            rows.append(
                (
                    f"2 GiB in {len(bomb) / _MIB:.1f} MiB, {label}",
                    code if refused else "ACCEPTED",
                    cost.seconds,
                    cost.peak_bytes,
                    seconds,
                    peak,
                )
            )
    return rows


def run(*, quick: bool = False) -> bool:
    from store.settings import get_settings
    from tests import hostile

    with tempfile.TemporaryDirectory(prefix="egov-bench-reliability-") as tmp:
        root = Path(tmp)
        previous = os.environ.get("EGOV_DATA_DIR")
        os.environ["EGOV_DATA_DIR"] = str(root / "data")  # the secret key and uploads: never the user's own
        get_settings.cache_clear()
        logging.disable(logging.WARNING)  # the faults log what they break; the table says it
        try:
            engines = ["sqlite"]
            skipped = hostile.postgres_problem()
            if skipped is None:
                engines.append("postgresql")
            tallies = []
            for kind in engines:
                for name, scenario in _scenarios(quick):
                    folder = root / kind / name.replace(" ", "-")
                    folder.mkdir(parents=True)
                    with hostile.fresh_store(kind, folder) as (url, engine):
                        tallies.append(scenario(url, engine, folder))
            bombs = _bombs(root / "bombs")
        finally:
            logging.disable(logging.NOTSET)
            if previous is None:
                os.environ.pop("EGOV_DATA_DIR", None)
            else:
                os.environ["EGOV_DATA_DIR"] = previous
            get_settings.cache_clear()
    return _report(tallies, bombs, skipped)


def _report(tallies: list[object], bombs: list[tuple[str, str, float, int, float, int]], skipped: str | None) -> bool:
    from tests.hostile import Tally

    rows = [t for t in tallies if isinstance(t, Tally)]
    header = ("scenario", "store", "requests", "errors expected", "errors seen", "rows lost", "")
    table = [header] + [
        (
            t.scenario,
            t.engine,
            str(t.requests),
            str(t.errors_expected),
            str(t.errors_seen),
            str(t.rows_lost),
            "held" if t.held else "FAILED",
        )
        for t in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    print("reliability:")
    for row in table:
        print("  " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    if skipped:
        print(f"  (PostgreSQL left out: {skipped})")
    bombs_ok = True
    print("  zip bombs (inspection = check_container; request = the upload page's dry-run callback, whole):")
    for label, code, seconds, peak, request_seconds, request_peak in bombs:
        ok = code != "ACCEPTED" and seconds < BOMB_SECONDS and peak < BOMB_PEAK_BYTES
        ok = ok and request_seconds < BOMB_SECONDS and request_peak < BOMB_PEAK_BYTES
        bombs_ok = bombs_ok and ok
        print(
            f"    {label}: refused as {code} | inspection {seconds * 1000:.0f} ms, peak {peak / _MIB:.1f} MiB | "
            f"request {request_seconds * 1000:.0f} ms, peak {request_peak / _MIB:.1f} MiB | "
            f"target < {BOMB_SECONDS:.0f} s, < {BOMB_PEAK_BYTES / _MIB:.0f} MiB {'OK' if ok else 'MISSED'}"
        )
    for t in rows:
        for failure in t.failures:
            print(f"  FAILED {t.scenario} ({t.engine}): {failure}")
        for note in t.notes:
            print(f"  note {t.scenario} ({t.engine}): {note}")
    held = all(t.held for t in rows) and bombs_ok
    print(f"reliability: {'every scenario held' if held else 'NOT everything held'}")
    return held
