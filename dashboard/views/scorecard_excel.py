"""The agency scorecard as an Excel workbook: the same bundle the page shows, in the page's language.

Numbers stay numbers (an analyst sums them); labels are in the language; Persian workbooks are
right to left. Any text that Excel would run as a formula (``= + - @``, tab, carriage return at the
start) is written as text, so an agency name or a file name cannot become a formula.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dashboard.figures import INDICATOR_FIELDS, records, status_label
from dashboard.formatting import jalali_datetime
from dashboard.i18n import normalise_lang, pick, t
from dashboard.views.scope import pillars
from dashboard.views.scorecard_data import ScorecardData
from metrics.export import _safe_text as excel_safe_text


def _cell(value: Any) -> Any:
    """A value openpyxl can write: missing as empty, numpy scalars as Python, text made formula-safe."""
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


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list[Any]], *, rtl: bool) -> None:
    sheet = workbook.create_sheet(title=title[:31])
    sheet.sheet_view.rightToLeft = rtl
    sheet.append([_cell(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    cells = [[_cell(v) for v in row] for row in rows]  # once: written, then measured for the widths
    for row in cells:
        sheet.append(row)
    for index, name in enumerate(header, start=1):
        longest = max([len(str(name)), *(len(str(r[index - 1] or "")) for r in cells)]) if rows else len(str(name))
        sheet.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 60)
    sheet.freeze_panes = "A2"


def scorecard_workbook(data: ScorecardData, lang: str) -> bytes:
    """The xlsx bytes of the scorecard: summary, pillars, indicators and submission history."""
    lang = normalise_lang(lang)
    rtl = lang == "fa"
    agency = data.agency
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
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
    _sheet(workbook, t("excel.summary", lang), [t("excel.item", lang), t("excel.value", lang)], summary, rtl=rtl)
    scored_peers = data.peers[data.peers["scored"].astype(bool)]
    pillar_rows = [
        [pick(lang, g.name_fa, g.name_en), agency.get(f"pillar_{g.code}"), scored_peers[f"pillar_{g.code}"].median()]
        for g in pillars()
        if f"pillar_{g.code}" in agency.index
    ]
    _sheet(
        workbook,
        t("excel.pillars", lang),
        [t("ranking.pillar", lang), t("scorecard.this_agency", lang), t("scorecard.province_median", lang)],
        pillar_rows,
        rtl=rtl,
    )
    header, rows = _indicator_table(data.indicators, lang)
    _sheet(workbook, t("excel.indicators", lang), header, rows, rtl=rtl)
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
        for r in records(data.submissions.sort_values("submission_id", ascending=False), HISTORY_COLUMNS)
    ]
    header = [t(f"reporting.col.{key}", lang) for key in ("id", "period", "file", "by", "at", "status", "supersedes")]
    _sheet(workbook, t("excel.submissions", lang), header, history, rtl=rtl)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


HISTORY_COLUMNS = (
    "submission_id",
    "period_code",
    "file_name",
    "submitted_by",
    "submitted_at",
    "status",
    "supersedes_id",
)


def _indicator_table(indicators: pd.DataFrame, lang: str) -> tuple[list[str], list[list[Any]]]:
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
        for r in records(indicators, INDICATOR_FIELDS)
    ]
    return header, rows
