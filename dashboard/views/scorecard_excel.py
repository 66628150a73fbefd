"""The agency scorecard as an Excel workbook: the same bundle the page shows, in the page's language.

Numbers stay numbers (an analyst sums them); labels are in the language; Persian workbooks are
right to left. Any text that Excel would run as a formula (``= + - @``, tab, carriage return at the
start) is written as text, so an agency name or a file name cannot become a formula.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import openpyxl
import pandas as pd
import xlsxwriter
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboard.figures import status_label
from dashboard.formatting import jalali_datetime
from dashboard.i18n import normalise_lang, pick, t
from dashboard.views.scope import pillars
from dashboard.views.scorecard_data import ScorecardPage
from metrics.export import safe_text as excel_safe_text


def _cell(value: Any) -> Any:
    """A value a cell can hold: missing as ``None``, numpy scalars as Python, text made formula-safe."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        value = value.item()
    return excel_safe_text(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Sheet:
    """One sheet as data: what either writer writes (cells already through ``_cell``)."""

    title: str
    header: list[Any]
    rows: list[list[Any]]

    def widths(self) -> list[int]:
        """Each column wide enough for its longest text, between 10 and 60 characters."""
        widths = []
        for index, name in enumerate(self.header):
            longest = max([len(str(name)), *(len(str(row[index] or "")) for row in self.rows)])
            widths.append(min(max(10, longest + 2), 60))
        return widths


def _sheet(title: str, header: list[str], rows: list[list[Any]]) -> Sheet:
    return Sheet(title[:31], [_cell(h) for h in header], [[_cell(v) for v in row] for row in rows])


# Text xlsxwriter stores as Excel does, with ``_xHHHH_`` escapes (control characters, and text that
# looks like such an escape); Excel and calamine decode them, openpyxl and pandas-over-openpyxl read
# them back verbatim. Hostile text only (a file named "\r=1+2"): such a workbook goes through openpyxl,
# which stores those characters as XML character references that every reader decodes.
_ESCAPED_BY_XLSXWRITER = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")


def _needs_openpyxl(sheets: list[Sheet]) -> bool:
    return any(
        isinstance(value, str) and _ESCAPED_BY_XLSXWRITER.search(value)
        for sheet in sheets
        for row in (sheet.header, *sheet.rows)
        for value in row
    )


def _write(sheet: Any, row: int, column: int, value: Any, style: Any = None) -> None:
    """One cell by its type, never through xlsxwriter's guessing ``write`` (text stays text)."""
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value, style)
    else:
        sheet.write_string(row, column, str(value), style)


def _xlsxwriter_bytes(sheets: list[Sheet], *, rtl: bool) -> bytes:
    """The workbook through xlsxwriter: write-only, ≈ 3× faster than openpyxl for this file."""
    output = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
    workbook = xlsxwriter.Workbook(output, options)
    bold = workbook.add_format({"bold": True})
    for data in sheets:
        sheet = workbook.add_worksheet(data.title)
        if rtl:
            sheet.right_to_left()
        for column, name in enumerate(data.header):
            _write(sheet, 0, column, name, bold)
        for index, row in enumerate(data.rows, start=1):
            for column, value in enumerate(row):
                _write(sheet, index, column, value)
        for column, width in enumerate(data.widths()):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return output.getvalue()


def _openpyxl_bytes(sheets: list[Sheet], *, rtl: bool) -> bytes:
    """The same workbook through openpyxl (see ``_ESCAPED_BY_XLSXWRITER``)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.worksheets[0])
    for data in sheets:
        sheet = workbook.create_sheet(title=data.title)
        sheet.sheet_view.rightToLeft = rtl
        sheet.append(data.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in data.rows:
            sheet.append(row)
        for column, width in enumerate(data.widths(), start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def scorecard_workbook(data: ScorecardPage, lang: str) -> bytes:
    """The xlsx bytes of the scorecard: summary, pillars, indicators and submission history."""
    lang = normalise_lang(lang)
    sheets = scorecard_sheets(data, lang)
    if _needs_openpyxl(sheets):
        return _openpyxl_bytes(sheets, rtl=lang == "fa")
    return _xlsxwriter_bytes(sheets, rtl=lang == "fa")


def scorecard_sheets(data: ScorecardPage, lang: str) -> list[Sheet]:
    """The workbook's sheets as data, in ``lang``: summary, pillars, indicators, submission history."""
    agency = data.agency
    stage = None
    if data.stage is not None and isinstance(data.stage.get("stage_en"), str):
        stage = pick(lang, str(data.stage.get("stage_fa") or ""), str(data.stage.get("stage_en")))
    summary: list[list[Any]] = [
        [t("reporting.col.agency", lang), pick(lang, agency["name_fa"], agency["name_en"])],
        [t("reporting.col.code", lang), data.agency_code],
        [t("reporting.province", lang), pick(lang, agency["province_fa"], agency["province_en"])],
        [
            t("reporting.col.county", lang),
            pick(lang, agency["county_fa"], agency["county_en"]) if isinstance(agency["county_fa"], str) else None,
        ],
        [t("ranking.col.sector", lang), pick(lang, agency["sector_fa"], agency["sector_en"])],
        [t("scope.year", lang), data.year],
        [t("ranking.col.index", lang), agency["index_score"]],
        [t("ranking.col.rank", lang), agency["rank_province"]],
        [t("ranking.col.change", lang), agency["rank_change"]],
        [t("scorecard.coverage", lang), agency["coverage"]],
        [t("scorecard.maturity", lang), stage],
        [t("scorecard.not_scored_reason", lang), agency.get("not_scored_reason")],
        *[[status_label(s, lang), agency[f"{s}_count"]] for s in ("ahead", "on_track", "behind", "off_track")],
    ]
    sheets = [_sheet(t("excel.summary", lang), [t("excel.item", lang), t("excel.value", lang)], summary)]
    pillar_rows = [
        [
            pick(lang, g.name_fa, g.name_en),
            agency.get(f"pillar_{g.code}"),
            data.province_medians.get(f"pillar_{g.code}"),
        ]
        for g in pillars()
        if f"pillar_{g.code}" in agency
    ]
    pillar_header = [t("ranking.pillar", lang), t("scorecard.this_agency", lang), t("scorecard.province_median", lang)]
    sheets.append(_sheet(t("excel.pillars", lang), pillar_header, pillar_rows))
    header, rows = _indicator_table(data.indicators, lang)
    sheets.append(_sheet(t("excel.indicators", lang), header, rows))
    history = [
        [
            int(r["submission_id"]),
            r["period_code"],
            r["file_name"],
            r["submitted_by"],
            jalali_datetime(r["submitted_at"], "en"),
            t(f"submission.{r['status']}", lang),
            None if pd.isna(r["supersedes_id"]) else int(r["supersedes_id"]),
        ]
        for r in sorted(data.submissions, key=lambda r: -int(r["submission_id"]))
    ]
    header = [t(f"reporting.col.{key}", lang) for key in ("id", "period", "file", "by", "at", "status", "supersedes")]
    sheets.append(_sheet(t("excel.submissions", lang), header, history))
    return sheets


def _indicator_table(indicators: list[dict[str, Any]], lang: str) -> tuple[list[str], list[list[Any]]]:
    header = [
        t("excel.indicator_code", lang),
        t("methodology.col.indicator", lang),
        t("methodology.col.unit", lang),
        t("scorecard.col.value", lang),
        t("scorecard.col.period_target", lang),
        t("scorecard.col.target", lang),
        t("scorecard.col.score", lang),
        t("reporting.col.status", lang),
        t("scorecard.col.projected", lang),
        t("scorecard.col.year_reached", lang),
        t("flag.imputed", lang),
        t("excel.baseline_moved", lang),
    ]
    yes, no = t("excel.yes", lang), t("excel.no", lang)
    rows = [
        [
            r["indicator"],
            pick(lang, r["indicator_fa"], r["indicator_en"]),
            r["unit"],
            r["value"],
            r["period_target"],
            r["target"],
            r["score"],
            status_label(r["status"], lang),
            r["projected_value"],
            r["year_reached"],
            yes if bool(r["imputed"]) else no,
            yes if bool(r["baseline_moved"]) else no,
        ]
        for r in indicators
    ]
    return header, rows
