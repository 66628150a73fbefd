"""Self-report workbooks: read (python-calamine) → normalise → validate (pydantic) → one transaction.

Every problem in a file is collected and returned at once; a file with any problem stores nothing.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Set
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from python_calamine import CalamineWorkbook

from ingest import layout, text
from ingest.problems import Problem, make_problem, too_large_problem
from ingest.schema import (
    FORM_FIELDS,
    LEVEL_FIELDS,
    RULES,
    SERVICE_FIELDS,
    TEMPLATE_VERSION,
    FieldSpec,
    SelfReportForm,
    ServiceRow,
)
from ingest.template import EXPECTED
from store.declared import Plans, load_plans
from store.periods import parse_period_code

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
"""A self-report unpacks to well under a megabyte; anything near this is not one (zip bomb)."""

_FORM_SPECS = {s.code: s for s in FORM_FIELDS}
_SERVICE_SPECS = {s.code: s for s in SERVICE_FIELDS}


@dataclass
class ParsedReport:
    """What a workbook said, once read and checked; ``problems`` empty means it can be stored."""

    file_name: str
    sha256: str
    form: SelfReportForm | None = None
    services: list[tuple[int, ServiceRow]] = field(default_factory=list)
    template_version: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems and self.form is not None

    @cached_property
    def content_sha256(self) -> str:
        """A hash of what the report says, not of its bytes: Excel re-saves change the bytes only."""
        assert self.form is not None
        payload = [self.form.model_dump(mode="json"), [s.model_dump(mode="json") for _, s in self.services]]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _problem_at(
    code: str,
    spec: FieldSpec,
    *,
    file: str,
    sheet: str,
    cell: str,
    seen: Any,
    detail: tuple[str, str] | None = None,
) -> Problem:
    return make_problem(
        code,
        file=file,
        sheet=sheet,
        cell=cell,
        field=spec.code,
        field_fa=spec.fa,
        field_en=spec.en,
        seen=seen,
        expected=_expected(spec),
        detail=detail,
    )


def _expected(spec: FieldSpec) -> tuple[str, str]:
    fa, en = EXPECTED[spec.kind]
    if spec.choices:
        fa = f"{fa}: " + "، ".join(c.fa for c in spec.choices)
        en = f"{en}: " + ", ".join(c.en for c in spec.choices)
    return fa, en


def _is_blank(value: Any) -> bool:
    """An empty cell, or one holding only spaces and invisible characters."""
    return value is None or (isinstance(value, str) and not text.normalize_text(value))


def _validation_problems(
    error: ValidationError,
    specs: dict[str, FieldSpec],
    cells: dict[str, str],
    raw: dict[str, Any],
    *,
    file: str,
    sheet: str,
) -> list[Problem]:
    problems = []
    for item in error.errors():
        name = str(item["loc"][0])
        seen = raw.get(name)
        kind = item["type"]
        if _is_blank(seen) or kind == "missing":
            kind, seen = "required", None
        problems.append(_problem_at(kind, specs[name], file=file, sheet=sheet, cell=cells[name], seen=seen))
    return problems


READ_SHEETS = (layout.FORM_SHEET, layout.SERVICES_SHEET, layout.META_SHEET)


def check_container(data: bytes, *, file: str, max_bytes: int) -> Problem | None:
    """Refuse what is not a plain, undamaged .xlsx before any parser sees it (cheap, bounded).

    No size the archive declares is trusted: the declared sizes are summed against
    ``MAX_UNCOMPRESSED_BYTES`` first (an honest zip bomb stops there, unread), then every part is
    inflated once, in 64 kB pieces and at most one byte past its declared size, and must come out
    exactly that size with its CRC (a directory that understates a part, aimed at the parser, which
    reads a part's stream to its end, is caught after that byte). So the pass inflates at most
    ``MAX_UNCOMPRESSED_BYTES`` in all, whatever the file claims, and calamine only ever reads parts
    whose real size is known. Macros (a VBA project, a macro-enabled content type) are refused too.
    """
    if len(data) > max_bytes:
        return too_large_problem(file=file, size_bytes=len(data), max_bytes=max_bytes)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return make_problem("encrypted", file=file)
    if data[:4] != b"PK\x03\x04":
        return make_problem("not_xlsx", file=file)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if any("vbaproject" in name.lower() for name in names):
                return make_problem("macros", file=file)
            if "xl/workbook.xml" not in names:
                return make_problem("not_xlsx", file=file)
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_UNCOMPRESSED_BYTES:
                return make_problem("too_large", file=file, seen=f"{unpacked / 1e6:.0f} MB unpacked")
            damaged = _damaged_part(archive, infos)
            if damaged is None:  # every size is now known true: reading a part whole is bounded
                content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
                if b"macroEnabled" in content_types or b"vbaProject" in content_types:
                    return make_problem("macros", file=file)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError, NotImplementedError, KeyError):
        return make_problem("corrupt", file=file)
    if damaged is not None:
        return make_problem("corrupt", file=file, seen=damaged)
    return None


def _damaged_part(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> str | None:
    """The first part that is not what the archive's directory says (size or CRC), if any.

    zipfile stops a part at its declared size; reading through a copy of its entry that declares one
    byte more lets a part that unpacks to more show itself, one byte in (a zip bomb whose directory
    lies), while memory stays at one piece and time at the declared sizes (already bounded).
    """
    for info in infos:
        probe = copy.copy(info)
        probe.file_size = info.file_size + 1
        seen = 0
        try:
            with archive.open(probe) as part:
                while piece := part.read(1 << 16):
                    seen += len(piece)
                    if seen > info.file_size:
                        return f"{info.filename}: unpacks to more than the {info.file_size} bytes it declares"
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
            return info.filename
        if seen != info.file_size:
            return info.filename
    return None


def _sheet_rows(workbook: CalamineWorkbook, name: str) -> list[list[Any]] | None:
    if name not in workbook.sheet_names:
        return None
    return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)


def _column_index(letter: str) -> int:
    return ord(letter) - ord("A")


def _read_form(rows: list[list[Any]], report: ParsedReport) -> tuple[dict[str, Any], dict[str, str]]:
    code_col, value_col = _column_index(layout.FORM_CODE_COL), _column_index(layout.FORM_VALUE_COL)
    raw: dict[str, Any] = {}
    cells: dict[str, str] = {}
    for number, row in enumerate(rows, start=1):
        if len(row) <= code_col or row[code_col] not in _FORM_SPECS:
            continue
        raw[row[code_col]] = row[value_col]
        cells[row[code_col]] = f"{layout.FORM_VALUE_COL}{number}"
    for spec in FORM_FIELDS:
        if spec.code not in raw:
            report.problems.append(
                make_problem(
                    "row_missing",
                    file=report.file_name,
                    sheet=layout.FORM_SHEET,
                    field=spec.code,
                    field_fa=spec.fa,
                    field_en=spec.en,
                )
            )
    return raw, cells


def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    annotation: Any = Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
    return TypeAdapter(annotation)


_FORM_ADAPTERS = {name: _field_adapter(SelfReportForm, name) for name in SelfReportForm.model_fields}


def _validate_form(rows: list[list[Any]], report: ParsedReport) -> dict[str, str]:
    """Validate field by field so that every bad cell is reported and the good ones still checked."""
    raw, cells = _read_form(rows, report)
    if report.problems:
        return cells
    for name, adapter in _FORM_ADAPTERS.items():
        spec = _FORM_SPECS[name]
        value = raw.get(name)
        if _is_blank(value):
            value = None
        try:
            report.values[name] = adapter.validate_python(value)
        except ValidationError as error:
            kind = error.errors()[0]["type"]
            if value is None:
                kind = "required"
            report.problems.append(
                _problem_at(kind, spec, file=report.file_name, sheet=layout.FORM_SHEET, cell=cells[name], seen=value)
            )
    report.problems += _rule_problems(report.values, cells, report.file_name)
    if not report.problems:
        report.form = SelfReportForm.model_construct(**report.values)  # every field validated above
    return cells


def _rule_problems(values: dict[str, Any], cells: dict[str, str], file: str) -> list[Problem]:
    problems = []
    for rule in RULES:
        parts: list[Any] = [values.get(name) for name in rule.left]
        total = values.get(rule.right)
        if total is None or any(part is None for part in parts):
            continue
        if sum(parts) > total:
            spec, right = _FORM_SPECS[rule.reported_at], _FORM_SPECS[rule.right]
            seen = " + ".join(str(p) for p in parts) + f" > {total}"
            problems.append(
                _problem_at(
                    "rule",
                    spec,
                    file=file,
                    sheet=layout.FORM_SHEET,
                    cell=cells[rule.reported_at],
                    seen=seen,
                    detail=(f"باید ≤ «{right.fa}» باشد", f"must be ≤ '{right.en}'"),
                )
            )
    return problems


_EMPTY_CELLS = frozenset({"", None})


def _service_cells(number: int) -> dict[str, str]:
    return {spec.code: f"{col}{number}" for spec, col in zip(SERVICE_FIELDS, layout.SERVICES_COLUMNS, strict=True)}


def _validate_services(rows: list[list[Any]], report: ParsedReport) -> None:
    codes: set[str] = set()
    width = len(layout.SERVICES_COLUMNS)
    names = [spec.code for spec in SERVICE_FIELDS]
    for number, row in enumerate(rows[layout.SERVICES_FIRST_ROW - 1 :], start=layout.SERVICES_FIRST_ROW):
        if set(row[:width]) <= _EMPTY_CELLS:  # most of the sheet: prepared rows nobody filled
            continue
        values = list(row[:width]) + [None] * (width - len(row))
        if all(_is_blank(v) for v in values):
            continue
        raw = dict(zip(names, values, strict=True))
        if _is_blank(raw["at_counters"]):
            del raw["at_counters"]
        if _is_blank(raw["online_since"]):
            raw["online_since"] = None
        try:
            service = ServiceRow.model_validate(raw)
        except ValidationError as error:
            report.problems += _validation_problems(
                error, _SERVICE_SPECS, _service_cells(number), raw, file=report.file_name, sheet=layout.SERVICES_SHEET
            )
            continue
        if service.service_code in codes:
            report.problems.append(
                _problem_at(
                    "duplicate_service",
                    _SERVICE_SPECS["service_code"],
                    file=report.file_name,
                    sheet=layout.SERVICES_SHEET,
                    cell=_service_cells(number)["service_code"],
                    seen=service.service_code,
                )
            )
            continue
        codes.add(service.service_code)
        report.services.append((number, service))


def _check_services_match_form(report: ParsedReport, cells: dict[str, str]) -> None:
    if not report.services:
        return
    if any(p.sheet == layout.SERVICES_SHEET for p in report.problems):
        return  # rows left out for their own problems would make the counts differ falsely
    levels = Counter(service.level for _, service in report.services)
    checks = [("services_total", len(report.services), "service_total")] + [
        (name, levels.get(level, 0), "level_count") for level, name in LEVEL_FIELDS.items()
    ]
    for name, listed, code in checks:
        claimed = report.values.get(name)
        if claimed is not None and claimed != listed:
            report.problems.append(
                _problem_at(
                    code,
                    _FORM_SPECS[name],
                    file=report.file_name,
                    sheet=layout.FORM_SHEET,
                    cell=cells[name],
                    seen=claimed,
                    detail=(f"در فهرست خدمات: {listed}", f"the Services sheet lists {listed}"),
                )
            )


def _check_reference(
    report: ParsedReport,
    cells: dict[str, str],
    known_agencies: Set[str],
    plans: Plans,
    reportable: Set[str] | None = None,
) -> None:
    where: dict[str, Any] = {"file": report.file_name, "sheet": layout.FORM_SHEET}
    agency_code, period_code = report.values.get("agency_code"), report.values.get("period")
    if agency_code is not None and agency_code not in known_agencies:
        spec = _FORM_SPECS["agency_code"]
        report.problems.append(
            _problem_at("unknown_agency", spec, cell=cells["agency_code"], seen=agency_code, **where)
        )
    elif agency_code is not None and reportable is not None and agency_code not in reportable:
        spec = _FORM_SPECS["agency_code"]
        report.problems.append(
            _problem_at("agency_not_yours", spec, cell=cells["agency_code"], seen=agency_code, **where)
        )
    if period_code is None:
        return
    spec = _FORM_SPECS["period"]
    try:
        period = parse_period_code(period_code)
    except ValueError:
        report.problems.append(_problem_at("period_invalid", spec, cell=cells["period"], seen=period_code, **where))
        return
    if plans.plan_for_year(period.year) is None:
        years = ", ".join(f"{p.first_year}–{p.target_year}" for p in plans.plans)
        report.problems.append(
            _problem_at(
                "period_outside_plan",
                spec,
                cell=cells["period"],
                seen=period_code,
                detail=(f"سال‌های برنامه: {years}", f"plan years: {years}"),
                **where,
            )
        )


def read_self_report(
    data: bytes,
    *,
    file_name: str,
    known_agencies: Set[str],
    max_bytes: int,
    plans: Plans | None = None,
    reportable: Set[str] | None = None,
) -> ParsedReport:
    """Read and check one workbook's bytes; never raises for bad input, returns its problems.

    ``reportable``: the agencies the uploader may report for (``None``: any known one); a file for
    another agency is refused at its agency cell, like any other problem."""
    report = ParsedReport(file_name=file_name, sha256=hashlib.sha256(data).hexdigest())
    refused = check_container(data, file=file_name, max_bytes=max_bytes)
    if refused:
        report.problems.append(refused)
        return report
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = {name: _sheet_rows(workbook, name) for name in READ_SHEETS}
    except Exception:  # calamine raises several private error types for damaged files
        report.problems.append(make_problem("corrupt", file=file_name))
        return report
    meta = sheets[layout.META_SHEET]
    report.template_version = str(meta[0][1]) if meta and len(meta[0]) > 1 else None
    for name in (layout.FORM_SHEET, layout.SERVICES_SHEET):
        if sheets[name] is None:
            report.problems.append(
                make_problem("sheet_missing", file=file_name, sheet=name, seen=", ".join(workbook.sheet_names))
            )
    if report.problems:
        return report
    if report.template_version != TEMPLATE_VERSION:
        report.problems.append(
            make_problem(
                "template_version",
                file=file_name,
                sheet=layout.META_SHEET,
                seen=report.template_version or "-",
                expected=(TEMPLATE_VERSION, TEMPLATE_VERSION),
            )
        )
        return report
    form_rows, service_rows = sheets[layout.FORM_SHEET], sheets[layout.SERVICES_SHEET]
    assert form_rows is not None and service_rows is not None
    cells = _validate_form(form_rows, report)
    if not cells:
        return report
    _validate_services(service_rows, report)
    _check_services_match_form(report, cells)
    _check_reference(report, cells, known_agencies, plans or load_plans(), reportable)
    if report.problems:
        report.form = None
    return report
