"""Server time and response size of each dashboard page's callbacks, on the demo and a 10,000-agency country.

Ours: what the server does when a user opens a page or triggers a callback — the view's ``layout(...)``
with the URL's state, as plain data (the router calls it through the page guard, which hands Dash
``figures.plain_tree`` of it), or the registered callback's own
function (looked up in ``app.callback_map``), inside the app's context, then the JSON encoding Dash
applies to the answer (``plotly.io.json.to_json_plotly``). The median over repeats after a first call
is the *warm* time: a running server keeps ``metrics.api``'s per-data-version cache. The first call
(cold for that cache key) is printed beside it, and so is the part of the warm median that is Dash's
JSON encoding alone (what an answer of that size costs whatever builds it).

Floor: one SQL query straight from the store reading the rows the callback shows (the agencies and
their reported values for the year; one block of agencies for the grid; one agency over the years for
the scorecard …), fetched in full, measured in the same run, interleaved with ours.

Targets: median ≤ 5× the floor; on the 10,000-agency country no response over 2 MB. The ranking
grid must answer one block, never the whole country.

Callbacks that only rewrite the URL (every page's pickers) read nothing and are not measured; the
page they lead to is. Pages whose layout reads no store (Methodology) are held to the size target only.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dash import Dash
from plotly.io.json import to_json_plotly
from sqlalchemy import Connection, Engine, text

from bench.country_store import add_log_jobs, build_country
from dashboard import ids
from dashboard.app import create_app
from dashboard.data import ENGINE_CONFIG_KEY
from dashboard.figures import plain_tree
from dashboard.views import compare, geography, logs, methodology, overview, rankings, reporting, scorecard, upload
from egov.demo import demo_reports, load_demo_spec
from ingest.submissions import ingest_report_file
from store.engine import create_store_engine, upgrade_store

TARGET_RATIO = 5.0
MAX_RESPONSE_BYTES = 2 * 1024 * 1024
YEAR = 1394
MAX_FILE_BYTES = 50 * 1024 * 1024

VALUES_SQL = """
SELECT a.code, a.name_fa, a.name_en, a.province_code, a.county_code, a.sector_code, p.year, v.field, v.value
FROM agencies AS a
JOIN submissions AS s ON s.agency_code = a.code AND s.status != 'superseded'
JOIN periods AS p ON p.code = s.period_code AND p.kind = 'year'
JOIN reported_values AS v ON v.submission_id = s.id
WHERE {where}
"""
"""The agencies and their current reported values: what every scored view is computed from."""

REPORTING_SQL = """
SELECT a.code, a.name_fa, a.name_en, a.county_code, s.id, s.period_code, s.file_name, s.submitted_by,
       s.submitted_at, s.status, s.supersedes_id
FROM agencies AS a LEFT JOIN submissions AS s ON s.agency_code = a.code
WHERE {where}
"""


@dataclass(frozen=True)
class Case:
    """One server-side call a user triggers, and the one query that reads what it shows."""

    page: str
    name: str
    call: Callable[[int], Any]
    """Ours, for repeat ``i`` (some cases vary the agency or the block between repeats)."""
    floor_sql: str | None
    floor_params: Callable[[int], dict[str, Any]] = lambda _i: {}
    check: Callable[[Any], str | None] | None = None
    """A problem with the answer (``None`` when it is right)."""
    narrower_sql: str | None = None
    """A narrower read, printed beside the floor for comparison (the scorecard's own rows without its
    province's); measured with the floor's parameters, not compared with the target."""


@dataclass(frozen=True)
class Measured:
    case: Case
    first_ms: float
    median_ms: float
    floor_ms: float | None
    response_bytes: int
    problem: str | None
    json_ms: float = 0.0
    """Of the warm median, Dash's JSON encoding of the answer alone (what any answer of that size costs)."""
    narrower_ms: float | None = None
    repeats: int = 0

    @property
    def ratio(self) -> float | None:
        return None if self.floor_ms is None else self.median_ms / max(self.floor_ms, 1e-3)


# --- stores ------------------------------------------------------------------------------------------------


def demo_store(folder: Path) -> Engine:
    """The Qom demo through the real ingest (every plan year's workbooks)."""
    engine = create_store_engine(f"sqlite:///{folder / 'demo.sqlite3'}")
    upgrade_store(engine)
    for report in demo_reports(load_demo_spec(), provinces={"QM"}):
        path = folder / report.file_name
        report.builder().save(path)
        outcome = ingest_report_file(engine, path, actor="bench", max_bytes=MAX_FILE_BYTES, approved_by="bench")
        if outcome.status != "stored":
            raise RuntimeError(f"{path.name}: {outcome.status} {outcome.problems[:2]}")
    add_log_jobs(engine)
    return engine


def country_store(folder: Path, agencies: int) -> Engine:
    """A generated country written straight into a store (``bench.country_store``)."""
    engine = create_store_engine(f"sqlite:///{folder / 'country.sqlite3'}")
    upgrade_store(engine)
    build_country(engine, agencies=agencies)
    add_log_jobs(engine)
    return engine


# --- the cases ---------------------------------------------------------------------------------------------


def served(layout: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A page's layout as the router sends it: as plain data (``dashboard.access``'s page guard applies
    ``figures.plain_tree``), which Dash encodes with orjson instead of walking it."""
    return plain_tree(layout(*args, **kwargs))


def _callback(app: Dash, output: str) -> Callable[..., Any]:
    """The function a registered callback runs (under Dash's context wrapper)."""
    wrapped = app.callback_map[output]["callback"]
    return getattr(wrapped, "__wrapped__", wrapped)


def _sample(connection: Connection) -> dict[str, Any]:
    """A province and agencies to put in URLs: the province with the most reports, and agencies spread over
    those that reported (the demo declares four provinces' agencies but only Qom's report: a scorecard
    of an agency with no report shows little and its floor reads nothing)."""
    province = connection.execute(
        text(
            "SELECT a.province_code FROM agencies AS a JOIN submissions AS s ON s.agency_code = a.code"
            " GROUP BY a.province_code ORDER BY count(*) DESC, a.province_code LIMIT 1"
        )
    ).scalar_one()
    reported = connection.execute(
        text(
            "SELECT a.code, a.province_code FROM agencies AS a"
            " WHERE a.code IN (SELECT agency_code FROM submissions) ORDER BY a.code"
        )
    ).all()
    step = max(len(reported) // 16, 1)
    total = connection.execute(text("SELECT count(*) FROM agencies")).scalar_one()
    picked = reported[::step][:16]
    return {
        "province": province,
        "agencies": [code for code, _ in picked],
        "provinces": dict(picked),
        "total": total,
    }


def _grid_check(total: int) -> Callable[[Any], str | None]:
    def check(answer: Any) -> str | None:
        rows = answer.get("rowData", [])
        if len(rows) > rankings.BLOCK_SIZE:
            return f"{len(rows)} rows in one answer (block is {rankings.BLOCK_SIZE})"
        if total > rankings.BLOCK_SIZE and len(rows) >= total:
            return "the whole country in one answer"
        return None

    return check


def _block(start: int) -> dict[str, Any]:
    return {"startRow": start, "endRow": start + rankings.BLOCK_SIZE, "sortModel": [], "filterModel": {}}


def cases(app: Dash, sample: dict[str, Any]) -> list[Case]:
    province, agencies, total = sample["province"], sample["agencies"], sample["total"]

    def agency_and_province(i: int) -> dict[str, Any]:
        code = agencies[i % len(agencies)]
        return {"agency": code, "province": sample["provinces"][code], **year}

    year = {"year": YEAR}
    in_year = "p.year = :year"
    answer_rows = _callback(app, f"{ids.RANKINGS_GRID}.getRowsResponse")
    download_excel = _callback(app, f"{ids.SCORECARD_DOWNLOAD}.data")
    scorecard_body = _callback(app, f"{ids.SCORECARD_BODY}.children")
    compare_body = _callback(app, f"{ids.COMPARE_BODY}.children")
    show_panel = _callback(
        app, f"..{ids.WHATIF_PROVINCE}.data...{ids.WHATIF_PROVINCE}.value...{ids.WHATIF_YEAR}.value.."
    )
    rescore = _callback(app, f"{ids.WHATIF_TABLE}.children")
    download_template = _callback(app, f"{ids.UPLOAD_TEMPLATE_DOWNLOAD}.data")
    show_jobs = _callback(app, f"{ids.LOGS_JOBS}.children")
    pillars = [g.code for g in overview.pillars()]
    block = rankings.BLOCK_SIZE
    search = f"?lang=fa&year={YEAR}"
    sorted_request = {
        "startRow": 0,
        "endRow": block,
        "sortModel": [{"colId": "agency", "sort": "desc"}],
        "filterModel": {"agency": {"filterType": "text", "type": "contains", "filter": "1"}},
    }
    first_blocks = "a.code IN (SELECT code FROM agencies ORDER BY code LIMIT :limit OFFSET :offset)"
    filtered = "a.code IN (SELECT code FROM agencies WHERE name_fa LIKE '%1%' ORDER BY name_fa DESC LIMIT :limit)"
    # a scorecard shows the agency over every year, and its rank among and the medians of its province's
    # agencies: one statement, each half on its indexes (an OR across the join would scan every value)
    with_province = (
        VALUES_SQL.format(where="a.code = :agency")
        + " UNION ALL "
        + VALUES_SQL.format(where="a.province_code = :province AND p.year = :year AND a.code != :agency")
    )
    return [
        Case(
            "overview",
            "layout, all provinces",
            lambda _i: served(overview.layout, "fa", year=str(YEAR)),
            VALUES_SQL.format(where=in_year),
            lambda _i: year,
        ),
        Case(
            "overview",
            f"layout, province {province}",
            lambda _i: served(overview.layout, "fa", year=str(YEAR), province=province),
            VALUES_SQL.format(where=f"{in_year} AND a.province_code = :province"),
            lambda _i: {**year, "province": province},
        ),
        Case(
            "rankings",
            "layout",
            lambda _i: served(rankings.layout, "fa", year=str(YEAR)),
            VALUES_SQL.format(where=f"{in_year} AND {first_blocks}"),
            lambda _i: {**year, "limit": block, "offset": 0},
        ),
        Case(
            "rankings",
            "getRowsRequest, block i (rank order)",
            lambda i: answer_rows(_block(i * block), search),
            VALUES_SQL.format(where=f"{in_year} AND {first_blocks}"),
            lambda i: {**year, "limit": block, "offset": i * block},
            _grid_check(total),
        ),
        Case(
            "rankings",
            "getRowsRequest, filtered + sorted",
            lambda _i: answer_rows(sorted_request, search),
            VALUES_SQL.format(where=f"{in_year} AND {filtered}"),
            lambda _i: {**year, "limit": block},
            _grid_check(total),
        ),
        Case(
            "scorecard",
            "layout, agency i",
            lambda i: served(scorecard.layout, "fa", agency=agencies[i % len(agencies)], year=str(YEAR)),
            VALUES_SQL.format(where="a.code = :agency"),
            lambda i: {"agency": agencies[i % len(agencies)]},
        ),
        Case(  # the page's body: its own answer, which the layout's first render asks for
            "scorecard",
            "body, agency i",
            lambda i: scorecard_body(True, f"{search}&agency={agencies[i % len(agencies)]}"),
            with_province,
            agency_and_province,
            narrower_sql=VALUES_SQL.format(where="a.code = :agency"),
        ),
        Case(
            "scorecard",
            "Excel download, agency i",
            lambda i: download_excel(1, f"{search}&agency={agencies[i % len(agencies)]}"),
            with_province,
            agency_and_province,
            narrower_sql=VALUES_SQL.format(where="a.code = :agency"),
        ),
        Case(
            "compare",
            "layout, 4 agencies",
            lambda i: served(compare.layout, "fa", agencies=",".join(agencies[i % 4 :: 4][:4]), year=str(YEAR)),
            VALUES_SQL.format(where=f"{in_year} AND a.code IN (:a0, :a1, :a2, :a3)"),
            lambda i: {**year, **{f"a{k}": code for k, code in enumerate(agencies[i % 4 :: 4][:4])}},
        ),
        Case(  # the page's body: its own answer, which the layout's first render asks for
            "compare",
            "body, 4 agencies",
            lambda i: compare_body(True, f"{search}&agencies={','.join(agencies[i % 4 :: 4][:4])}"),
            VALUES_SQL.format(where=f"{in_year} AND a.code IN (:a0, :a1, :a2, :a3)"),
            lambda i: {**year, **{f"a{k}": code for k, code in enumerate(agencies[i % 4 :: 4][:4])}},
        ),
        Case(
            "geography",
            "layout, all provinces",
            lambda _i: served(geography.layout, "fa", year=str(YEAR)),
            VALUES_SQL.format(where=in_year),
            lambda _i: year,
        ),
        Case(
            "geography",
            f"layout, province {province}",
            lambda _i: served(geography.layout, "fa", province=province, year=str(YEAR)),
            VALUES_SQL.format(where=f"{in_year} AND a.province_code = :province"),
            lambda _i: {**year, "province": province},
        ),
        Case(
            "reporting",
            "layout, all provinces",
            lambda _i: served(reporting.layout, "fa"),
            REPORTING_SQL.format(where="1 = 1"),
        ),
        Case(
            "reporting",
            f"layout, province {province}",
            lambda _i: served(reporting.layout, "fa", province=province),
            REPORTING_SQL.format(where="a.province_code = :province"),
            lambda _i: {"province": province},
        ),
        Case("methodology", "layout (catalogue only)", lambda _i: served(methodology.layout, "fa"), None),
        Case(
            "methodology",
            "what-if panel",
            lambda _i: show_panel(ids.WHATIF_HOLDER, "fa"),
            "SELECT code, name_fa, name_en FROM provinces",
        ),
        Case(
            "methodology",
            f"what-if rescore, province {province}",
            lambda i: rescore(
                [1.0 + 0.25 * (i % 2), *[1.0] * (len(pillars) - 1)],
                province,
                str(YEAR),
                [{"pillar": p} for p in pillars],
                "fa",
            ),
            VALUES_SQL.format(where=f"{in_year} AND a.province_code = :province"),
            lambda _i: {**year, "province": province},
        ),
        Case("logs", "layout (no store read)", lambda _i: served(logs.layout, "fa"), None),
        Case(  # the page's job list: its own answer, which the layout's first render asks for
            "logs",
            "the newest jobs",
            lambda _i: show_jobs(True, None, "fa"),
            f"SELECT * FROM ingest_jobs WHERE kind = 'logs' ORDER BY id DESC LIMIT {logs.RECENT_JOBS}",
        ),
        Case("upload", "layout", lambda _i: served(upload.layout, "fa"), "SELECT code, name_fa, name_en FROM agencies"),
        Case(
            "upload",
            "template download, agency i",
            lambda i: download_template(1, agencies[i % len(agencies)], str(YEAR)),
            "SELECT code, name_fa, name_en FROM agencies WHERE code = :agency",
            lambda i: {"agency": agencies[i % len(agencies)]},
        ),
    ]


# --- measuring ---------------------------------------------------------------------------------------------


def _ours(case: Case, i: int) -> tuple[float, int, Any, float]:
    started = time.perf_counter()
    answer = case.call(i)
    encoding = time.perf_counter()
    body = to_json_plotly(answer)
    done = time.perf_counter()
    return 1000 * (done - started), len(body.encode()), answer, 1000 * (done - encoding)


def _floor(engine: Engine, sql: str, params: dict[str, Any]) -> float:
    started = time.perf_counter()
    with engine.connect() as connection:
        connection.execute(text(sql), params).all()
    return 1000 * (time.perf_counter() - started)


def measure(engine: Engine, case: Case, *, repeats: int, budget_s: float = 0.5, most: int = 40) -> Measured:
    """``repeats`` timed calls at least, more (up to ``most``) while both sides together took under
    ``budget_s``: a median of six is noise for an answer of a millisecond, and the slow cases stay short."""
    first_ms, size, answer, _json = _ours(case, 0)
    ours, floors, narrower, encodings = [], [], [], []
    started = time.perf_counter()
    i = 0
    while i < repeats or (i < most and time.perf_counter() - started < budget_s):
        i += 1
        if case.floor_sql is not None:
            floors.append(_floor(engine, case.floor_sql, case.floor_params(i)))
        if case.narrower_sql is not None:
            narrower.append(_floor(engine, case.narrower_sql, case.floor_params(i)))
        elapsed, size_i, answer_i, json_ms = _ours(case, i)
        ours.append(elapsed)
        encodings.append(json_ms)
        size, answer = max(size, size_i), answer_i
    problem = case.check(answer) if case.check else None
    return Measured(
        case,
        first_ms,
        statistics.median(ours),
        statistics.median(floors) if floors else None,
        size,
        problem,
        statistics.median(encodings),
        statistics.median(narrower) if narrower else None,
        len(ours),
    )


def _line(store: str, m: Measured, *, size_target: bool) -> tuple[str, bool]:
    ratio_ok = m.ratio is None or m.ratio <= TARGET_RATIO
    size_ok = not size_target or m.response_bytes <= MAX_RESPONSE_BYTES
    ok = ratio_ok and size_ok and m.problem is None
    floor = "no store read" if m.floor_ms is None else f"floor {m.floor_ms:.1f} ms"
    if m.narrower_ms is not None:
        floor += f" (the agency's own rows alone {m.narrower_ms:.1f} ms: {m.median_ms / max(m.narrower_ms, 1e-3):.1f}×)"
    ratio = "" if m.ratio is None else f" | ratio {m.ratio:.1f}× (≤ {TARGET_RATIO:.0f}×)"
    size = f"{m.response_bytes / 1024:,.0f} KB" + (" (≤ 2 MB)" if size_target else "")
    problem = f" | {m.problem}" if m.problem else ""
    line = (
        f"dashboard-callbacks [{store}] {m.case.page}: {m.case.name} | warm median of {m.repeats} {m.median_ms:.1f} ms"
        f" (first {m.first_ms:.0f} ms; JSON alone {m.json_ms:.1f} ms) | {floor}{ratio} | {size}{problem}"
        f" {'OK' if ok else 'MISSED'}"
    )
    return line, ok


def run_store(app: Dash, engine: Engine, store: str, *, repeats: int, size_target: bool) -> bool:
    app.server.config[ENGINE_CONFIG_KEY] = engine
    with engine.connect() as connection:
        sample = _sample(connection)
    ok = True
    with app.server.app_context():
        for case in cases(app, sample):
            line, case_ok = _line(store, measure(engine, case, repeats=repeats), size_target=size_target)
            print(line, flush=True)
            ok = ok and case_ok
    return ok


def run(*, quick: bool = False) -> bool:
    agencies = 2_000 if quick else 10_000
    repeats = 3 if quick else 6
    app = create_app()
    with tempfile.TemporaryDirectory(prefix="egov-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        demo = demo_store(folder)
        built_demo = time.perf_counter() - started
        started = time.perf_counter()
        country = country_store(folder, agencies)
        built_country = time.perf_counter() - started
        print(
            f"dashboard-callbacks: demo store (Qom) built in {built_demo:.1f} s; {agencies:,}-agency country in {built_country:.1f} s"
        )
        demo_ok = run_store(app, demo, "demo Qom", repeats=repeats, size_target=False)
        country_ok = run_store(app, country, f"{agencies:,} agencies", repeats=repeats, size_target=True)
        demo.dispose()
        country.dispose()
    return demo_ok and country_ok
