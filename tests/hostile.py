"""Hostile requests, hostile files, and the load and fault scenarios: one copy, shared by
``tests/dashboard/test_attacks.py``, ``tests/dashboard/test_load_and_faults.py`` and
``python -m bench reliability`` (so nothing here imports pytest).

Everything goes through the real app (``create_app(engine=...)``) and the real store: callback requests
are built from ``app.callback_map`` the way dash-renderer builds them, files are real workbooks written
by the product's template (or archives built byte by byte below, when the point is a lying one), and the
load scenario talks to a real threaded HTTP server over sockets.
"""

from __future__ import annotations

import base64
import io
import os
import re
import secrets
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
import tracemalloc
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from dashboard import ids
from dashboard.i18n import t
from ingest.problems import Problem
from ingest.self_reports import check_container
from ingest.submissions import ingest_report_file
from store.engine import create_store_engine, upgrade_store
from store.models import Agency, Event, ReportedService, ReportedValue, Submission
from tests.accounts import make_user
from tests.workbooks import TYPED_FORM, fill_report, write_filled_report

DISPATCH = "/_dash-update-component"
PERIOD = "1393"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What Excel (or LibreOffice) may run as a formula at the start of a cell."""

# ---- callbacks, as dash-renderer sends them -------------------------------------------------------------


def _outputs(key: str) -> list[tuple[str, str]]:
    """(component id, property) of each output of a ``callback_map`` key (``..a.b...c.d..`` when several)."""
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    pairs = []
    for part in parts:
        component, prop = part.rsplit(".", 1)
        pairs.append((component, prop.split("@")[0]))
    return pairs


def find_callback(app: Any, output: str, *, trigger: str | None = None) -> str:
    """The ``callback_map`` key of the one callback writing ``output`` ("id.prop") [fired by ``trigger``]."""
    keys = [
        key
        for key, spec in app.callback_map.items()
        if output in {f"{c}.{p}" for c, p in _outputs(key)}
        and (trigger is None or trigger in {f"{i['id']}.{i['property']}" for i in spec["inputs"]})
    ]
    if len(keys) != 1:
        raise LookupError(f"{len(keys)} callbacks write {output} (trigger {trigger}): {keys}")
    return keys[0]


def callback_body(
    app: Any, key: str, values: Mapping[str, Any] | None = None, *, changed: Sequence[str] | None = None
) -> dict[str, Any]:
    """The JSON body the renderer posts for callback ``key``; ``values`` by "id.prop" (missing: ``None``).

    A pattern-matching ``ALL`` input is sent as an empty list (no such component on the page).
    """
    values = values or {}
    spec = app.callback_map[key]

    def fill(items: list[dict[str, Any]]) -> list[Any]:
        filled: list[Any] = []
        for item in items:
            if str(item["id"]).startswith("{"):
                filled.append([])
                continue
            name = f"{item['id']}.{item['property']}"
            filled.append({"id": item["id"], "property": item["property"], "value": values.get(name)})
        return filled

    outputs = [{"id": c, "property": p} for c, p in _outputs(key)]
    inputs = fill(spec["inputs"])
    body: dict[str, Any] = {
        "output": key,
        "outputs": outputs if key.startswith("..") else outputs[0],
        "inputs": inputs,
        "changedPropIds": list(changed)
        if changed is not None
        else [f"{i['id']}.{i['property']}" for i in spec["inputs"] if f"{i['id']}.{i['property']}" in values],
    }
    if spec["state"]:
        body["state"] = fill(spec["state"])
    return body


def page_body(app: Any, path: str, search: str = "") -> dict[str, Any]:
    """Dash pages' own content callback for ``path?search``: what the page renders for this user."""
    key = find_callback(app, "_pages_content.children")
    return callback_body(app, key, {"_pages_location.pathname": path, "_pages_location.search": search})


def upload_bodies(app: Any, data: bytes, file_name: str, lang: str = "en") -> tuple[dict[str, Any], dict[str, Any]]:
    """The upload page's dry-run and confirm requests for one file, as a drop then a click sends them."""
    contents = data_url(data)
    dry = callback_body(
        app,
        find_callback(app, f"{ids.UPLOAD_REPORT}.children"),
        {
            f"{ids.UPLOAD_DROPZONE}.contents": contents,
            f"{ids.UPLOAD_DROPZONE}.filename": file_name,
            f"{ids.UPLOAD_LANG}.data": lang,
        },
        changed=[f"{ids.UPLOAD_DROPZONE}.contents"],
    )
    confirm = callback_body(
        app,
        find_callback(app, f"{ids.UPLOAD_RESULT}.children", trigger=f"{ids.UPLOAD_CONFIRM}.n_clicks"),
        {
            f"{ids.UPLOAD_CONFIRM}.n_clicks": 1,
            f"{ids.UPLOAD_DROPZONE}.contents": contents,
            f"{ids.UPLOAD_DROPZONE}.filename": file_name,
            f"{ids.UPLOAD_LANG}.data": lang,
        },
        changed=[f"{ids.UPLOAD_CONFIRM}.n_clicks"],
    )
    return dry, confirm


def scorecard_download_body(app: Any, search: str) -> dict[str, Any]:
    return callback_body(
        app,
        find_callback(app, f"{ids.SCORECARD_DOWNLOAD}.data"),
        {f"{ids.SCORECARD_DOWNLOAD_BUTTON}.n_clicks": 1, f"{ids.URL}.search": search},
    )


def review_body(app: Any, submission_id: int, decision: str = "approve", comment: str | None = None) -> dict[str, Any]:
    trigger = ids.REVIEW_APPROVE if decision == "approve" else ids.REVIEW_RETURN
    return callback_body(
        app,
        find_callback(app, f"{ids.REVIEW_RESULT}.children"),
        {
            f"{trigger}.n_clicks": 1,
            f"{ids.REVIEW_PICK}.value": str(submission_id),
            f"{ids.REVIEW_COMMENT}.value": comment,
            f"{ids.REVIEW_LANG}.data": "en",
        },
        changed=[f"{trigger}.n_clicks"],
    )


def audit_export_body(app: Any) -> dict[str, Any]:
    return callback_body(
        app, find_callback(app, f"{ids.AUDIT_EXPORT}.data"), {f"{ids.AUDIT_EXPORT_BUTTON}.n_clicks": 1}
    )


def data_url(data: bytes) -> str:
    """What ``dcc.Upload`` puts in ``contents``."""
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def answer(response: Any) -> dict[str, Any]:
    """The ``response`` part of a callback's JSON answer (Flask test client or requests)."""
    body = response.get_json() if hasattr(response, "get_json") else response.json()
    found: dict[str, Any] = body["response"]
    return found


def components(tree: Any) -> Iterator[dict[str, Any]]:
    """Every component (``{"type", "namespace", "props"}``) in a Dash answer's tree."""
    if isinstance(tree, dict):
        if "type" in tree and "props" in tree:
            yield tree
            for value in tree["props"].values():
                yield from components(value)
        else:
            for value in tree.values():
                yield from components(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from components(item)


def texts(tree: Any) -> list[str]:
    """Every string that is a component's child: what the browser shows as text."""
    found: list[str] = []
    for component in components(tree):
        children = component["props"].get("children")
        for child in children if isinstance(children, list) else [children]:
            if isinstance(child, str):
                found.append(child)
    return found


def status_of(tree: Any) -> str | None:
    """The ``data-status`` the upload page's report carries (stored, checked, rejected, duplicate)."""
    for component in components(tree):
        status = component["props"].get("data-status")
        if status:
            return str(status)
    return None


# ---- workbooks ----------------------------------------------------------------------------------------------


def report_bytes(folder: Path, agency: str, *, files_electronic: int = 450, period: str = PERIOD) -> bytes:
    """A filled self-report of ``agency`` (the product's template, typed into), as bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{agency}-{period}-{files_electronic}-{secrets.token_hex(3)}.xlsx"
    write_filled_report(path, agency=agency, period=period, form={**TYPED_FORM, "files_electronic": files_electronic})
    return path.read_bytes()


def hostile_cells_report(folder: Path, agency: str) -> bytes:
    """A self-report whose cells hold script and HTML where the validation report will show them."""
    path = folder / f"hostile-cells-{secrets.token_hex(3)}.xlsx"
    write_filled_report(path, agency=agency)
    fill_report(
        path,
        form={
            "files_total": SCRIPT,
            "processes_total": HTML,
            "reporter_name": "<img src=x onerror=alert(3)>",
        },
        services=[],
    )
    return path.read_bytes()


SCRIPT = "<script>alert(1)</script>"
HTML = '<img src=x onerror="alert(2)"><b>bold</b>'


# ---- archives, byte by byte ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One zip entry as stored: its deflated bytes, the truth about them, and what the directory claims."""

    name: str
    raw: bytes
    crc: int
    size: int
    declared_size: int | None = None
    declared_crc: int | None = None


def deflated(name: str, data: bytes) -> Part:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Part(name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def parts_of(xlsx: bytes) -> list[Part]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return [deflated(info.filename, archive.read(info)) for info in archive.infolist()]


def part_data(parts: list[Part], name: str) -> bytes:
    part = next(p for p in parts if p.name == name)
    return zlib.decompress(part.raw, -15)


def replace_part(parts: list[Part], new: Part) -> list[Part]:
    return [new if p.name == new.name else p for p in parts]


def build_zip(parts: Sequence[Part]) -> bytes:
    """A zip archive whose local headers and central directory say what each part *declares*."""
    out = io.BytesIO()
    central = []
    for part in parts:
        offset = out.tell()
        size = part.size if part.declared_size is None else part.declared_size
        crc = part.crc if part.declared_crc is None else part.declared_crc
        name = part.name.encode()
        method = zipfile.ZIP_DEFLATED
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(part.raw), size, len(name), 0)
        )
        out.write(name)
        out.write(part.raw)
        header = struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,  # central directory entry
            20,  # made by
            20,  # needed
            0,  # flags
            method,
            0,  # time
            0x21,  # date: 1980-01-01
            crc,
            len(part.raw),
            size,
            len(name),
            0,  # extra
            0,  # comment
            0,  # disk
            0,  # internal attributes
            0,  # external attributes
            offset,
        )
        central.append(header + name)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), start, 0))
    return out.getvalue()


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[n]) for n in range(32)]


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from the CRCs of A and B and B's length (zlib's ``crc32_combine``)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


_MIB = 1 << 20


@lru_cache(maxsize=4)
def bomb_stream(mebibytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``mebibytes`` MiB of spaces, ~1 kB per MiB, and its true CRC-32.

    One MiB compressed with a full flush (so it stands alone), repeated, then an empty final block:
    building a 2 GiB bomb costs milliseconds, not the gigabytes it stands for.
    """
    chunk = b" " * _MIB
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc, power, power_len, times = 0, zlib.crc32(chunk), _MIB, mebibytes
    while times:
        if times & 1:
            crc = crc32_combine(crc, power, power_len)
        power = crc32_combine(power, power, power_len)
        power_len *= 2
        times >>= 1
    return block * mebibytes + end, crc


def sheet_part(parts: list[Part], sheet: str) -> str:
    """The zip part holding ``sheet`` (as the workbook and its relationships say)."""
    workbook = part_data(parts, "xl/workbook.xml").decode()
    rels = part_data(parts, "xl/_rels/workbook.xml.rels").decode()
    tag = re.search(rf'<sheet\b[^>]*\bname="{re.escape(sheet)}"[^>]*>', workbook)
    assert tag is not None, sheet
    rid = re.search(r'r:id="([^"]+)"', tag.group(0))
    assert rid is not None
    rel = re.search(rf'<Relationship\b[^>]*\bId="{rid.group(1)}"[^>]*>', rels)
    assert rel is not None
    target = re.search(r'Target="([^"]+)"', rel.group(0))
    assert target is not None
    path = target.group(1)
    return path.lstrip("/") if path.startswith("/") else f"xl/{path}"


def zip_bomb(xlsx: bytes, *, lie: bool, gibibytes: int = 2) -> bytes:
    """A real self-report whose Form sheet (the part the reader parses first) unpacks to ``gibibytes`` GiB.

    ``lie``: the local header and the central directory both claim the real sheet's size and CRC, so
    nothing declared looks wrong; only inflating the part shows what it is.
    """
    parts = parts_of(xlsx)
    name = sheet_part(parts, "Form")
    original = next(p for p in parts if p.name == name)
    raw, crc = bomb_stream(gibibytes * 1024)
    bomb = Part(
        name,
        raw,
        crc,
        gibibytes * 1024 * _MIB,
        declared_size=original.size if lie else None,
        declared_crc=original.crc if lie else None,
    )
    return build_zip(replace_part(parts, bomb))


def with_macros(xlsx: bytes, *, renamed: bool = False) -> bytes:
    """The workbook as Excel saves an .xlsm: a VBA project and the macro-enabled content type.

    ``renamed``: the VBA project under an innocent part name, declared only by its content type, and
    the main part left as a plain workbook's.
    """
    parts = parts_of(xlsx)
    types = part_data(parts, "[Content_Types].xml")
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048
    if renamed:
        types = types.replace(
            b"</Types>",
            b'<Override PartName="/xl/media/data.bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
        )
        extra = deflated("xl/media/data.bin", vba)
    else:
        types = types.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml").replace(
            b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
        )
        extra = deflated("xl/vbaProject.bin", vba)
    return build_zip([*replace_part(parts, deflated("[Content_Types].xml", types)), extra])


def with_external_link(xlsx: bytes, *, target: str, field_cell: str, cached: int, linked: int) -> bytes:
    """The workbook with an external link to ``target`` and the Form cell ``field_cell`` a formula over it.

    The cell keeps ``cached`` as its value (what Excel showed when it was saved); the link's own cached
    copy says ``linked``. A reader that followed the link would see something other than ``cached``.
    """
    parts = parts_of(xlsx)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel_ns = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    link = (
        f'<externalLink xmlns="{main}" xmlns:r="{rel_ns}"><externalBook r:id="rId1"><sheetNames>'
        f'<sheetName val="Sheet1"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1">'
        f'<cell r="A1"><v>{linked}</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>'
    ).encode()
    link_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel_ns}/externalLinkPath" Target="{target}" TargetMode="External"/>'
        "</Relationships>"
    ).encode()
    workbook = part_data(parts, "xl/workbook.xml").replace(
        b"</sheets>",
        f'</sheets><externalReferences><externalReference xmlns:r="{rel_ns}" r:id="rIdX1"/>'.encode()
        + b"</externalReferences>",
    )
    rels = part_data(parts, "xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        f'<Relationship Id="rIdX1" Type="{rel_ns}/externalLink" Target="externalLinks/externalLink1.xml"/>'.encode()
        + b"</Relationships>",
    )
    types = part_data(parts, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/externalLinks/externalLink1.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>',
    )
    form = sheet_part(parts, "Form")
    sheet = part_data(parts, form)
    cell = re.compile(rf'<c r="{field_cell}"(?:[^>]*/>|[^>]*>.*?</c>)'.encode(), re.S)
    assert cell.search(sheet), field_cell
    sheet = cell.sub(f'<c r="{field_cell}"><f>[1]Sheet1!$A$1</f><v>{cached}</v></c>'.encode(), sheet, count=1)
    changed = [
        deflated("xl/workbook.xml", workbook),
        deflated("xl/_rels/workbook.xml.rels", rels),
        deflated("[Content_Types].xml", types),
        deflated(form, sheet),
    ]
    for part in changed:
        parts = replace_part(parts, part)
    return build_zip(
        [
            *parts,
            deflated("xl/externalLinks/externalLink1.xml", link),
            deflated("xl/externalLinks/_rels/externalLink1.xml.rels", link_rels),
        ]
    )


@dataclass(frozen=True)
class BombCost:
    problem: Problem | None
    seconds: float
    peak_bytes: int


def inspect_cost(data: bytes, *, max_bytes: int = 10 * _MIB) -> BombCost:
    """What inspecting an archive (``check_container``) costs: time and peak traced Python memory."""
    tracemalloc.start()
    try:
        started = time.perf_counter()
        problem = check_container(data, file="bomb.xlsx", max_bytes=max_bytes)
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return BombCost(problem, seconds, peak)


def request_cost(send: Callable[[], Any]) -> tuple[Any, float, int]:
    """A whole request's answer, time and peak traced memory (the upload travels as base64 JSON)."""
    tracemalloc.start()
    try:
        started = time.perf_counter()
        result = send()
        seconds = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, seconds, peak


# ---- the store ------------------------------------------------------------------------------------------------


def agencies_of(engine: Engine, province: str | None = None) -> list[str]:
    query = select(Agency.code).order_by(Agency.code)
    if province is not None:
        query = query.where(Agency.province_code == province)
    with engine.connect() as connection:
        return list(connection.scalars(query))


def agency_names(engine: Engine, codes: Sequence[str]) -> list[str]:
    """Both names of each agency: what must never reach someone not allowed to see it."""
    with engine.connect() as connection:
        rows = connection.execute(select(Agency.name_fa, Agency.name_en).where(Agency.code.in_(codes))).all()
    return [name for row in rows for name in row]


def store_counts(engine: Engine) -> dict[str, int]:
    """How many rows each table the workflow writes holds (the store "as before" is these, equal)."""
    with engine.connect() as connection:
        return {
            model.__tablename__: int(connection.scalar(select(func.count()).select_from(model)) or 0)
            for model in (Submission, ReportedValue, ReportedService, Event)
        }


def submission_state(engine: Engine) -> list[tuple[Any, ...]]:
    """Every submission's id, status and review (to compare before and after a refused request)."""
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(Submission.id, Submission.status, Submission.review_status, Submission.reviewed_by).order_by(
                    Submission.id
                )
            ).all()
        ]


def seed_report(
    engine: Engine, folder: Path, agency: str, *, approved: bool = True, files_electronic: int = 450
) -> int:
    """One report of ``agency`` stored through the real ingest; its submission id."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"seed-{agency}-{files_electronic}-{secrets.token_hex(3)}.xlsx"
    write_filled_report(path, agency=agency, form={**TYPED_FORM, "files_electronic": files_electronic})
    outcome = ingest_report_file(engine, path, actor="seed", max_bytes=10**7, approved_by="seed" if approved else None)
    assert outcome.status == "stored" and outcome.submission_id is not None, outcome
    return outcome.submission_id


# ---- PostgreSQL databases of their own ---------------------------------------------------------------------

POSTGRES_URL = os.environ.get("EGOV_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_problem(url: str = POSTGRES_URL) -> str | None:
    try:
        probe = create_engine(url, connect_args={"connect_timeout": 3})
        with probe.connect() as connection:
            connection.execute(text("select 1"))
        probe.dispose()
    except Exception as exc:  # any failure to connect means: no usable server here
        return f"PostgreSQL not reachable at {url}: {type(exc).__name__}"
    return None


def _admin(url: str) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT")


def terminate_connections(admin: Engine, database: str) -> int:
    """End every session on ``database`` but the caller's; how many were ended."""
    with admin.connect() as connection:
        ended = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": database},
        ).scalar()
    return int(ended or 0)


@contextmanager
def fresh_database(admin_url: str = POSTGRES_URL) -> Iterator[str]:
    """A PostgreSQL database of its own (so it can be renamed away), dropped afterwards."""
    name = f"egov_fault_{uuid.uuid4().hex[:10]}"
    admin = _admin(admin_url)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        for candidate in (name, f"{name}_away"):
            terminate_connections(admin, candidate)
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{candidate}"'))
        admin.dispose()


@contextmanager
def fresh_store(kind: str, folder: Path) -> Iterator[tuple[str, Engine]]:
    """A migrated store of ``kind`` ("sqlite" or "postgresql"): its URL and engine."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'store-{uuid.uuid4().hex[:6]}.sqlite3'}"
        engine = create_store_engine(url)
        upgrade_store(engine)
        try:
            yield url, engine
        finally:
            engine.dispose()
        return
    with fresh_database() as url:
        engine = create_store_engine(url)
        upgrade_store(engine)
        try:
            yield url, engine
        finally:
            engine.dispose()


# ---- what each scenario saw ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """One scenario on one store: the table row of the reliability report."""

    scenario: str
    engine: str
    requests: int = 0
    errors_expected: int = 0
    errors_seen: int = 0
    rows_lost: int = 0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def expect_refused(self, what: str, refused: bool) -> None:
        """One request that must be refused: counted, and a failure if it was not."""
        self.requests += 1
        self.errors_expected += 1
        if refused:
            self.errors_seen += 1
        else:
            self.failures.append(f"not refused: {what}")

    def expect_served(self, what: str, served: bool) -> None:
        """One request that must succeed: counted; an error seen (and a failure) if it did not."""
        self.requests += 1
        if not served:
            self.errors_seen += 1
            self.failures.append(f"refused or failed: {what}")

    @property
    def held(self) -> bool:
        return not self.failures and self.rows_lost == 0 and self.errors_seen == self.errors_expected


# ---- a real server, real sessions -----------------------------------------------------------------------------


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app's Flask server on a free local port, a thread per request (werkzeug's threaded server)."""
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="egov-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class WebSession:
    """One browser: signs in through the real form over HTTP, then posts callbacks with its CSRF header."""

    def __init__(self, base_url: str, name: str, password: str) -> None:
        self.base_url = base_url
        self.name = name
        self.http = requests.Session()
        page = self.http.get(f"{base_url}/login", timeout=60)
        token = _CSRF_FIELD.search(page.text)
        assert token is not None, page.text[:300]
        signed = self.http.post(
            f"{base_url}/login",
            data={"name": name, "password": password, "csrf_token": token.group(1), "next": "/"},
            allow_redirects=False,
            timeout=60,
        )
        assert signed.status_code == 302, (signed.status_code, signed.text[:300])
        self.http.get(f"{base_url}/", timeout=60)
        csrf = self.http.cookies.get("_csrf_token")
        assert csrf, "no CSRF cookie after signing in"
        self.http.headers["X-CSRFToken"] = csrf

    def callback(self, body: dict[str, Any]) -> requests.Response:
        return self.http.post(f"{self.base_url}{DISPATCH}", json=body, timeout=180)

    def close(self) -> None:
        self.http.close()


# ---- scenario: many uploads at once ------------------------------------------------------------------------


@dataclass(frozen=True)
class Uploader:
    name: str
    password: str
    agency: str
    value: int
    data: bytes


def make_uploaders(
    engine: Engine, folder: Path, agencies: Sequence[str], *, sessions: int, label: str, first_value: int
) -> list[Uploader]:
    """``sessions`` IT directors over ``agencies`` (round robin: several per agency when fewer agencies
    than sessions), each with a workbook of its own agency whose ``files_electronic`` is unique."""
    uploaders = []
    for n in range(sessions):
        agency = agencies[n % len(agencies)]
        name, password = make_user(engine, "it_director", name=f"{label}-{n:02d}", agency=agency)
        value = first_value + n
        uploaders.append(Uploader(name, password, agency, value, report_bytes(folder, agency, files_electronic=value)))
    return uploaders


def concurrent_uploads(
    app: Any, engine: Engine, uploaders: Sequence[Uploader], *, scenario: str, engine_label: str
) -> Tally:
    """Every uploader signs in over HTTP, then all drop their file and confirm at the same moment.

    Held when every confirm stored its file, each submission's values are its own file's, no upload is
    missing, and each agency has exactly one current submission with an unbroken history.
    """
    tally = Tally(scenario, engine_label)
    with serving(app) as base_url:
        sessions = [WebSession(base_url, u.name, u.password) for u in uploaders]
        tally.requests += 3 * len(sessions)  # the sign-in page, the form, the first page
        start = threading.Barrier(len(sessions))

        def upload(index: int) -> tuple[int, str | None, int, str | None]:
            session, uploader = sessions[index], uploaders[index]
            dry, confirm = upload_bodies(app, uploader.data, f"{uploader.name}.xlsx")
            start.wait(timeout=120)
            checked = session.callback(dry)
            if checked.status_code != 200:
                return checked.status_code, None, 0, None
            stored = session.callback(confirm)
            outcome = status_of(answer(stored)) if stored.status_code == 200 else None
            return checked.status_code, status_of(answer(checked)), stored.status_code, outcome

        try:
            with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
                results = list(pool.map(upload, range(len(sessions))))
        finally:
            for session in sessions:
                session.close()
    for uploader, (dry_code, dry_status, confirm_code, outcome) in zip(uploaders, results, strict=True):
        tally.expect_served(f"{uploader.name} dry run ({dry_code}, {dry_status})", dry_status == "checked")
        tally.expect_served(f"{uploader.name} confirm ({confirm_code}, {outcome})", outcome == "stored")
    tally.rows_lost, problems = uploads_lost(engine, uploaders)
    tally.failures += problems
    return tally


def uploads_lost(engine: Engine, uploaders: Sequence[Uploader]) -> tuple[int, list[str]]:
    """How many uploads are not in the store exactly as sent, and what else is wrong with the history."""
    names = [u.name for u in uploaders]
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                Submission.id,
                Submission.agency_code,
                Submission.period_code,
                Submission.status,
                Submission.submitted_by,
                Submission.supersedes_id,
            ).where(Submission.submitted_by.in_(names))
        ).all()
        values = dict(
            connection.execute(
                select(ReportedValue.submission_id, ReportedValue.value).where(
                    ReportedValue.field == "files_electronic", ReportedValue.submission_id.in_([r.id for r in rows])
                )
            ).all()
        )
        agencies = sorted({u.agency for u in uploaders})
        history = connection.execute(
            select(Submission.id, Submission.agency_code, Submission.status, Submission.supersedes_id).where(
                Submission.agency_code.in_(agencies), Submission.period_code == PERIOD
            )
        ).all()
    lost, problems = 0, []
    for uploader in uploaders:
        mine = [r for r in rows if r.submitted_by == uploader.name]
        if len(mine) != 1 or mine[0].agency_code != uploader.agency or values.get(mine[0].id) != uploader.value:
            lost += 1
            problems.append(f"{uploader.name}: stored as {[(r.agency_code, values.get(r.id)) for r in mine]}")
    for agency in agencies:
        mine = [r for r in history if r.agency_code == agency]
        current = [r for r in mine if r.status != "superseded"]
        if len(current) != 1:
            problems.append(f"{agency}: {len(current)} current submissions")
        replaced = sorted(r.supersedes_id for r in mine if r.supersedes_id is not None)
        if replaced != sorted(r.id for r in mine if r.status == "superseded"):
            problems.append(f"{agency}: a broken history {[(r.id, r.status, r.supersedes_id) for r in mine]}")
    return lost, problems


# ---- scenario: the store goes away mid-request --------------------------------------------------------------


class StoreFault:
    """Breaks the app's store on purpose, from inside its own statements.

    PostgreSQL: the app's connection is ended by the server (``pg_terminate_backend``) just before the
    armed statement runs, as an administrator or a failover would. SQLite: the armed statement fails
    with the I/O error a vanished disk gives.
    """

    def __init__(self, engine: Engine, admin_url: str | None = None) -> None:
        self.engine = engine
        self.admin = _admin(admin_url) if admin_url else None
        self.armed: str | None = None
        self.fired = 0
        event.listen(engine, "before_cursor_execute", self._before)

    def arm(self, statement_prefix: str) -> None:
        """Break the next statement starting with ``statement_prefix`` (case-insensitive; "" any)."""
        self.armed = statement_prefix.lower()

    def _before(self, conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if self.armed is None or not statement.lstrip().lower().startswith(self.armed):
            return
        self.armed = None
        self.fired += 1
        if self.admin is None:
            raise sqlite3.OperationalError("disk I/O error")
        pid = cursor.connection.info.backend_pid
        with self.admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            deadline = time.monotonic() + 10
            while (
                time.monotonic() < deadline
                and connection.execute(text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).first()
            ):
                time.sleep(0.05)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before)
        if self.admin is not None:
            self.admin.dispose()


def unavailable_in_both_languages(response: Any) -> bool:
    """A 503 that says, in Persian and in English, that the store is not reachable."""
    body = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    if response.status_code != 503:
        return False
    if body.lstrip().startswith("{"):
        import json

        body = json.loads(body)["error"]
    return t("store.unavailable", "fa") in body and t("store.unavailable", "en") in body


def store_goes_away(
    app: Any, engine: Engine, folder: Path, *, client: Any, agency: str, engine_label: str, admin_url: str | None
) -> Tally:
    """The store fails mid-request (and, on PostgreSQL, its database is renamed away for a while).

    ``client`` is a signed-in IT director of ``agency``, whose report is already stored. Held when every
    request made while the store is broken answers 503 in both languages, nothing is half-written, and
    the same client is served again (pages, callbacks, an upload) once the store is back.
    """
    tally = Tally("store goes away mid-request", engine_label)
    names = agency_names(engine, [agency])
    fault = StoreFault(engine, admin_url)
    before = store_counts(engine)

    def page_served() -> bool:
        page = client.post(DISPATCH, json=page_body(app, "/scorecard", f"?agency={agency}&year={PERIOD}&lang=en"))
        return page.status_code == 200 and any(n in page.get_data(as_text=True) for n in names)

    try:
        tally.expect_served("scorecard before the fault", page_served())
        dry, confirm = upload_bodies(app, report_bytes(folder, agency, files_electronic=777), "during-fault.xlsx")
        tally.expect_served("dry run before the fault", status_of(answer(client.post(DISPATCH, json=dry))) == "checked")
        fault.arm("insert into submissions")
        broken = client.post(DISPATCH, json=confirm)
        tally.expect_refused("confirm while the store fails mid-write", unavailable_in_both_languages(broken))
        if fault.fired != 1:
            tally.failures.append("the fault never fired")
        fault.arm("")
        page = client.get(f"/scorecard?agency={agency}")
        tally.expect_refused("a page while the store fails", unavailable_in_both_languages(page))
        if admin_url is not None:  # the database itself goes away: renamed, every session ended
            database = str(engine.url.database)
            admin = _admin(admin_url)
            try:
                terminate_connections(admin, database)
                with admin.connect() as connection:
                    connection.execute(text(f'ALTER DATABASE "{database}" RENAME TO "{database}_away"'))
                for what, response in (
                    ("a page while the database is gone", client.get(f"/scorecard?agency={agency}")),
                    ("a callback while the database is gone", client.post(DISPATCH, json=confirm)),
                ):
                    tally.expect_refused(what, unavailable_in_both_languages(response))
                anonymous = app.server.test_client()
                tally.expect_served(
                    "the sign-in form while the database is gone", anonymous.get("/login").status_code == 200
                )
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'ALTER DATABASE "{database}_away" RENAME TO "{database}"'))
                admin.dispose()
        else:
            fault.arm("")
            tally.expect_refused(
                "a callback while the store fails", unavailable_in_both_languages(client.post(DISPATCH, json=confirm))
            )
        fault.armed = None
        after_fault = store_counts(engine)
        if after_fault != before:
            tally.failures.append(f"the store changed while it failed: {before} → {after_fault}")
            tally.rows_lost += sum(max(0, before[k] - after_fault[k]) for k in before)
        tally.expect_served(
            "a page once the store is back", client.get(f"/scorecard?agency={agency}").status_code == 200
        )
        tally.expect_served("the scorecard once the store is back", page_served())
        stored = client.post(DISPATCH, json=confirm)
        tally.expect_served("the same upload once the store is back", status_of(answer(stored)) == "stored")
        after = store_counts(engine)
        tally.rows_lost += sum(max(0, before[k] - after[k]) for k in before)
        if after[Submission.__tablename__] != before[Submission.__tablename__] + 1:
            tally.failures.append(f"expected one more submission: {before} → {after}")
    finally:
        fault.close()
    return tally


# ---- scenario: the ingest process killed mid-way -------------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_until_blocked(process: subprocess.Popen[bytes], engine: Engine, blocker: int | None) -> bool:
    """Until ``process`` waits for the write lock: PostgreSQL names who waits on ``blocker`` (its pid);
    for SQLite (which only makes a writer sleep and retry), the process's CPU time stops moving."""
    deadline = time.monotonic() + 90
    idle_since: float | None = None
    last = 0.0
    while time.monotonic() < deadline and process.poll() is None:
        if blocker is not None:
            with engine.connect() as connection:
                waiting = connection.execute(
                    text(
                        "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND :blocker = ANY(pg_blocking_pids(pid))"
                    ),
                    {"blocker": blocker},
                ).first()
            if waiting:
                return True
        else:
            used = _cpu_seconds(process.pid)
            if used - last > 0.02:
                idle_since, last = None, used
            elif idle_since is None:
                idle_since = time.monotonic()
            elif used > 0.5 and time.monotonic() - idle_since > 1.5:
                return True
        time.sleep(0.1)
    return False


@contextmanager
def writes_blocked(engine: Engine) -> Iterator[int | None]:
    """Hold a lock a submission's write needs (reads pass), so a writer stops inside its transaction.

    SQLite: the database's write lock (the writer stops at its first INSERT). PostgreSQL: the reported
    values' table, so the writer has already inserted its submission row when it stops. Yields the
    PostgreSQL session's pid (``None`` on SQLite).
    """
    if engine.dialect.name == "sqlite":
        blocker = sqlite3.connect(str(engine.url.database), timeout=30)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            yield None
        finally:
            blocker.rollback()
            blocker.close()
        return
    with engine.connect() as connection, connection.begin():
        connection.execute(text("LOCK TABLE reported_values IN EXCLUSIVE MODE"))
        yield int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _ingest_command(files: Sequence[Path]) -> list[str]:
    return [sys.executable, "-m", "egov.cli", "ingest", "report", *map(str, files)]


def killed_ingest(store_url: str, engine: Engine, folder: Path, *, engine_label: str, files: int = 24) -> Tally:
    """``egov ingest report`` of many files, killed (SIGKILL) mid-way, twice; then run to the end.

    1. Half the files are stored already; the command passes them (duplicates) and is caught waiting for
       the write lock inside the next file's transaction, then killed: the store must be exactly as before.
    2. Killed as soon as new submissions appear: whatever it stored is whole (every value and service of
       its file, and its audit event), nothing is half-written.
    3. Run again to the end: every file stored exactly once, with its own values.
    """
    tally = Tally("egov ingest report killed mid-way", engine_label)
    agencies = agencies_of(engine)[:files]
    paths = []
    for n, agency in enumerate(agencies):
        path = folder / f"kill-{n:02d}-{agency}.xlsx"
        write_filled_report(path, agency=agency, form={**TYPED_FORM, "files_electronic": 200 + n})
        paths.append(path)
    half = files // 2
    for path in paths[:half]:
        assert ingest_report_file(engine, path, actor="seed", max_bytes=10**7).status == "stored"
    env = {**os.environ, "EGOV_DATABASE_URL": store_url, "EGOV_DATA_DIR": str(folder / "cli-data")}

    def run() -> subprocess.Popen[bytes]:
        return subprocess.Popen(_ingest_command(paths), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    # 1. caught inside a transaction, past the files already stored
    before = store_counts(engine)
    with writes_blocked(engine) as blocker:
        process = run()
        caught = _wait_until_blocked(process, engine, blocker)
        process.send_signal(signal.SIGKILL)
        code = process.wait(timeout=30)
    tally.expect_refused("run 1 killed while waiting to write", code == -signal.SIGKILL and caught)
    if not caught:
        tally.failures.append("run 1 was not seen waiting for the write lock")
    after = store_counts(engine)
    if after != before:
        tally.failures.append(f"run 1 changed the store: {before} → {after}")
        tally.rows_lost += sum(abs(after[k] - before[k]) for k in before)

    # 2. killed at the first sign of progress
    process = run()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if store_counts(engine)[Submission.__tablename__] > before[Submission.__tablename__]:
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    code = process.wait(timeout=30)
    tally.expect_refused("run 2 killed mid-way", code == -signal.SIGKILL)
    partial = half_written(engine)
    tally.rows_lost += len(partial)
    tally.failures += partial
    stored_by_run2 = store_counts(engine)[Submission.__tablename__] - before[Submission.__tablename__]
    tally.notes.append(f"run 2 stored {stored_by_run2} of {files - half} new files before the kill")

    # 3. to the end
    finished = subprocess.run(_ingest_command(paths), env=env, capture_output=True, timeout=600)
    tally.expect_served("run 3 to the end", finished.returncode == 0)
    with engine.connect() as connection:
        rows = connection.execute(
            select(Submission.agency_code, Submission.status, ReportedValue.value)
            .join(ReportedValue, ReportedValue.submission_id == Submission.id)
            .where(ReportedValue.field == "files_electronic", Submission.agency_code.in_(agencies))
        ).all()
    for n, agency in enumerate(agencies):
        mine = [r for r in rows if r.agency_code == agency]
        if len(mine) != 1 or mine[0].value != 200 + n or mine[0].status != "submitted":
            tally.rows_lost += 1
            tally.failures.append(f"{agency}: {mine}")
    partial = half_written(engine)
    tally.rows_lost += len(partial)
    tally.failures += partial
    return tally


def half_written(engine: Engine) -> list[str]:
    """Submissions that are not whole: every one has as many values and services, and its event."""
    with engine.connect() as connection:
        values = dict(
            connection.execute(
                select(ReportedValue.submission_id, func.count()).group_by(ReportedValue.submission_id)
            ).all()
        )
        services = dict(
            connection.execute(
                select(ReportedService.submission_id, func.count()).group_by(ReportedService.submission_id)
            ).all()
        )
        events = dict(
            connection.execute(
                select(Event.submission_id, func.count())
                .where(Event.submission_id.is_not(None))
                .group_by(Event.submission_id)
            ).all()
        )
        submissions = list(connection.scalars(select(Submission.id)))
    if not submissions:
        return []
    full_values = max(values.values(), default=0)
    return [
        f"submission {sid}: {values.get(sid, 0)} values, {services.get(sid, 0)} services, {events.get(sid, 0)} events"
        for sid in submissions
        if values.get(sid, 0) != full_values or services.get(sid, 0) != 5 or not events.get(sid)
    ]


# ---- scenario: the attacks, each one request -----------------------------------------------------------------


def anonymous_targets(app: Any) -> list[tuple[str, str, dict[str, Any] | None]]:
    """(method, path, JSON body) of every route, page and callback, as an anonymous caller tries them."""
    import dash

    targets: list[tuple[str, str, dict[str, Any] | None]] = []
    samples = {"filename": "egov.css", "package_name": "dash", "fingerprinted_path": "dash.v4_0_0m1.min.js"}
    samples |= {"path": "scorecard", "job_id": "1"}
    for rule in app.server.url_map.iter_rules():
        path = rule.rule
        for argument in rule.arguments:
            path = re.sub(rf"<(?:[a-z]+:)?{argument}>", samples.get(argument, "x"), path)
        for method in sorted((rule.methods or set()) - {"OPTIONS", "HEAD"}):
            targets.append((method, path, None))
        targets.append(("POST" if "GET" in (rule.methods or set()) else "GET", path, None))
    for page in dash.page_registry.values():
        targets.append(("GET", page["path"], None))
        targets.append(("GET", f"{page['path']}?agency=QM-GOV&lang=en", None))
    for key in app.callback_map:
        targets.append(("POST", DISPATCH, callback_body(app, key)))
    targets += [
        ("POST", "/uploads/logs", None),
        ("GET", "/uploads/logs/rejects/1", None),
        ("POST", "/logout", None),
        ("GET", "/logout", None),
    ]
    return targets


PUBLIC = ("/login", "/assets/")


def anonymous_refused(response: Any, leaks: Sequence[str]) -> tuple[bool, str]:
    """Whether an anonymous answer is a refusal (302 to sign-in, 401, 400, 405) that carries no data."""
    body = response.get_data(as_text=True)
    leaked = [name for name in leaks if name in body]
    if leaked:
        return False, f"leaks {leaked[:2]}"
    if response.status_code == 302:
        location = response.headers.get("Location", "")
        return location.startswith("/login"), f"302 to {location}"
    return response.status_code in (400, 401, 405), f"{response.status_code}"


def anonymous_sweep(app: Any, engine: Engine, *, engine_label: str) -> Tally:
    """Every route, page and callback, anonymously: all refused, nothing shown; sign-in and assets public."""
    tally = Tally("anonymous: every route, page, callback", engine_label)
    leaks = agency_names(engine, agencies_of(engine)[:40])
    client = app.server.test_client()
    for method, path, body in anonymous_targets(app):
        if path.startswith(PUBLIC):
            continue
        response = client.open(path, method=method, json=body)
        refused, why = anonymous_refused(response, leaks)
        tally.expect_refused(f"{method} {path} {body['output'] if body else ''} → {why}", refused)
    for path in ("/login", "/login?lang=en", "/assets/egov.css", "/assets/fonts.css"):
        response = client.get(path)
        tally.expect_served(f"public {path} → {response.status_code}", response.status_code == 200)
    return tally


def forbidden_shown(response: Any, leaks: Sequence[str]) -> bool:
    """The page callback rendered "not permitted" and none of ``leaks``."""
    if response.status_code != 200:
        return False
    shown = answer(response)["_pages_content"]["children"]
    found_ids = {c["props"].get("id") for c in components(shown)}
    body = response.get_data(as_text=True)
    return ids.FORBIDDEN_TITLE in found_ids and not any(name in body for name in leaks)


def attack_battery(app: Any, engine: Engine, folder: Path, *, engine_label: str) -> Tally:
    """Crafted callback requests across agencies and provinces, a replayed cookie, missing CSRF tokens,
    hostile files; each paired with the same request made by someone allowed, so a refusal means a check.

    Rows lost here counts rows a refused request changed or wrote (must be 0).
    """
    from tests.accounts import signed_in_client

    tally = Tally("crafted requests, hostile files", engine_label)
    qom = agencies_of(engine, "QM")
    mine, theirs, far = qom[0], qom[1], agencies_of(engine, "AR")[0]
    seed_report(engine, folder, mine)
    seed_report(engine, folder, theirs)
    far_pending = seed_report(engine, folder, far, approved=False)
    qom_pending = seed_report(engine, folder, theirs, approved=False, files_electronic=451)
    director = signed_in_client(app, *make_user(engine, "it_director", agency=mine))
    governor = signed_in_client(app, *make_user(engine, "governor", province="QM"))
    their_names = agency_names(engine, [theirs])
    before = store_counts(engine), submission_state(engine)

    page = director.post(DISPATCH, json=page_body(app, "/scorecard", f"?agency={theirs}&year={PERIOD}"))
    tally.expect_refused("IT director: another agency's scorecard page", forbidden_shown(page, their_names))
    page = director.post(DISPATCH, json=page_body(app, "/scorecard", f"?agency={mine}&year={PERIOD}"))
    tally.expect_served("IT director: own scorecard page", page.status_code == 200 and not forbidden_shown(page, []))
    excel = director.post(DISPATCH, json=scorecard_download_body(app, f"?agency={theirs}&year={PERIOD}"))
    tally.expect_refused("IT director: another agency's Excel", excel.status_code == 403)
    spoofed = scorecard_download_body(app, f"?agency={mine}&year={PERIOD}")
    spoofed["state"] = [{"id": ids.SCORECARD_YEAR, "property": "value", "value": f"?agency={theirs}&year={PERIOD}"}]
    tally.expect_refused(
        "IT director: another agency's Excel, URL state under another id",
        director.post(DISPATCH, json=spoofed).status_code == 403,
    )
    own_excel = director.post(DISPATCH, json=scorecard_download_body(app, f"?agency={mine}&year={PERIOD}"))
    tally.expect_served("IT director: own Excel", own_excel.status_code == 200)
    dry, confirm = upload_bodies(app, report_bytes(folder, theirs, files_electronic=901), "theirs.xlsx")
    for what, body in (("dry run", dry), ("confirm", confirm)):
        shown = director.post(DISPATCH, json=body)
        refused = shown.status_code == 200 and status_of(answer(shown)) == "rejected"
        refused = refused and "your account does not report for this agency" in shown.get_data(as_text=True)
        tally.expect_refused(f"IT director: upload {what} for another agency", refused)
    tally.expect_refused(
        "IT director: approve a submission",
        director.post(DISPATCH, json=review_body(app, qom_pending)).status_code == 403,
    )
    tally.expect_refused(
        "IT director: audit export", director.post(DISPATCH, json=audit_export_body(app)).status_code == 403
    )
    log = director.post(
        "/uploads/logs", data={"file": (io.BytesIO(b"a,b\n1,2\n"), "x.csv")}, content_type="multipart/form-data"
    )
    tally.expect_refused("IT director: service-log upload", log.status_code == 403)
    shown = governor.post(DISPATCH, json=review_body(app, far_pending))
    tally.expect_refused(
        "governor of QM: approve a submission of AR",
        shown.status_code == 200 and "Not done" in shown.get_data(as_text=True),
    )
    for hostile_name, data in hostile_files(folder, mine):
        dry, _ = upload_bodies(app, data, hostile_name)
        shown = director.post(DISPATCH, json=dry)
        tally.expect_refused(f"hostile file: {hostile_name}", status_of(answer(shown)) == "rejected")
    replay = app.server.test_client()
    cookie = director.get_cookie("egov_session")
    assert cookie is not None
    director.post("/logout")
    replay.set_cookie("egov_session", cookie.value)
    tally.expect_refused("a session cookie replayed after sign-out", replay.get("/scorecard").status_code == 302)
    after = store_counts(engine), submission_state(engine)
    if after != before:
        tally.rows_lost += 1
        tally.failures.append(f"refused requests changed the store: {before} → {after}")
    # the allowed versions, which do change it
    stored = signed_in_client(app, *make_user(engine, "it_director", agency=mine))
    dry, confirm = upload_bodies(app, report_bytes(folder, mine, files_electronic=902), "mine.xlsx")
    tally.expect_served(
        "IT director: upload dry run for own agency", status_of(answer(stored.post(DISPATCH, json=dry))) == "checked"
    )
    tally.expect_served(
        "IT director: confirm for own agency", status_of(answer(stored.post(DISPATCH, json=confirm))) == "stored"
    )
    governor.post(DISPATCH, json=review_body(app, qom_pending))
    with engine.connect() as connection:
        status = connection.scalar(select(Submission.review_status).where(Submission.id == qom_pending))
    tally.expect_served("governor of QM: approve a submission of QM", status == "approved")
    tally.expect_served(
        "governor: audit export", governor.post(DISPATCH, json=audit_export_body(app)).status_code == 200
    )
    return tally


def hostile_files(folder: Path, agency: str) -> list[tuple[str, bytes]]:
    """(file name, bytes) of every hostile workbook the upload page must refuse before parsing."""
    real = report_bytes(folder, agency, files_electronic=903)
    return [
        ("bomb-honest.xlsx", zip_bomb(real, lie=False)),
        ("bomb-lying-directory.xlsx", zip_bomb(real, lie=True)),
        ("macros.xlsm", with_macros(real)),
        ("macros-renamed.xlsx", with_macros(real, renamed=True)),
        ("too-large.xlsx", real + b"\0" * (10 * _MIB)),
    ]


def free_port_listener() -> socket.socket:
    """A listening socket nothing should ever connect to (an external link's target)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.setblocking(False)
    return listener


def was_contacted(listener: socket.socket) -> bool:
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True
