"""Scores, indicator results, ranks and inputs as files an analyst opens in Excel, R or pandas.

Every exported column is described in ``DATA_DICTIONARY`` (a test checks none is missing), and the
dictionary travels with the data: a sheet in xlsx, a ``data_dictionary`` file beside csv/parquet.
The ``inputs`` table holds the values each agency reported for the year (and the service-log KPIs),
one column per field; those columns are described from the catalogue, which says which indicators
read each field, since this package does not import the self-report schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pandas as pd
from sqlalchemy import Engine

from metrics import api, data
from metrics.catalogue import LOG_PREFIX, Catalogue
from store.engine import open_store

ExportFormat = Literal["xlsx", "csv", "parquet"]
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# column → (meaning in Persian, meaning in English, unit)
DATA_DICTIONARY: dict[str, tuple[str, str, str]] = {
    "agency_code": ("کد دستگاه", "agency code", ""),
    "name_fa": ("نام فارسی دستگاه", "agency name in Persian", ""),
    "name_en": ("نام انگلیسی دستگاه", "agency name in English", ""),
    "kind": ("نوع دستگاه", "kind of agency (governorate, county governorate, district office, directorate)", ""),
    "sector_code": ("کد بخش", "sector code", ""),
    "sector_fa": ("بخش", "sector (Persian)", ""),
    "sector_en": ("بخش (انگلیسی)", "sector (English)", ""),
    "province_code": ("کد استان", "province code", ""),
    "province_fa": ("استان", "province (Persian)", ""),
    "province_en": ("استان (انگلیسی)", "province (English)", ""),
    "county_code": ("کد شهرستان", "county code (empty for provincial directorates)", ""),
    "county_fa": ("شهرستان", "county (Persian)", ""),
    "county_en": ("شهرستان (انگلیسی)", "county (English)", ""),
    "district_code": ("کد بخش جغرافیایی", "district code (district offices only)", ""),
    "district_fa": ("بخش جغرافیایی", "district (Persian)", ""),
    "district_en": ("بخش جغرافیایی (انگلیسی)", "district (English)", ""),
    "index_score": ("امتیاز شاخص دولت الکترونیک", "e-government index score", "0–100"),
    "coverage": ("سهم اجزای دارای داده", "share of the index's components with data", "0–1"),
    "reported": ("گزارش داده است", "reported for this period", "yes/no"),
    "scored": ("امتیاز گرفته است", "has a score (enough data)", "yes/no"),
    "not_scored_reason": ("دلیل نداشتن امتیاز", "why there is no score", ""),
    "ahead_count": ("شاخص‌های جلوتر از مسیر", "indicators ahead of the path to 1394", "count"),
    "on_track_count": ("شاخص‌های در مسیر", "indicators on track", "count"),
    "behind_count": ("شاخص‌های عقب", "indicators behind the path", "count"),
    "off_track_count": ("شاخص‌های خارج از مسیر", "indicators off track", "count"),
    "rank_province": ("رتبه در استان", "rank within the province (1224 competition ranking)", "rank"),
    "rank_county": ("رتبه در شهرستان", "rank within the county", "rank"),
    "rank_sector": ("رتبه در بخش", "rank within the sector in the province", "rank"),
    "previous_rank_province": ("رتبه سال قبل", "rank within the province the year before", "rank"),
    "rank_change": ("تغییر رتبه", "rank change since the year before (positive = moved up)", "places"),
    "year": ("سال", "plan year (Jalali)", "year"),
    "plan": ("برنامه", "development plan code", ""),
    "catalogue_version": ("نسخه فهرست شاخص‌ها", "indicator catalogue version", ""),
    "spec_fingerprint": ("شناسه روش امتیازدهی", "fingerprint of the scoring spec", ""),
    "indicator": ("کد شاخص", "indicator code", ""),
    "indicator_fa": ("شاخص", "indicator (Persian)", ""),
    "indicator_en": ("شاخص (انگلیسی)", "indicator (English)", ""),
    "pillar": ("محور", "pillar code", ""),
    "unit": ("واحد", "unit of the value", ""),
    "value": ("مقدار", "the indicator's value", "unit"),
    "score": ("امتیاز شاخص", "indicator score", "0–100"),
    "baseline_year": ("سال مبنا", "the agency's baseline year", "year"),
    "baseline_value": ("مقدار مبنا", "the agency's baseline value", "unit"),
    "baseline_moved": (
        "مبنای جابه‌جاشده",
        "baseline taken from a later year (no report in the baseline year)",
        "yes/no",
    ),
    "period_target": ("هدف سال در مسیر", "target for this year on the path to 1394", "unit"),
    "target": ("هدف سال پایانی", "target in the plan's target year", "unit"),
    "achievement": ("نسبت پیشرفت", "progress made / progress required", "ratio"),
    "status": ("وضعیت", "ahead, on_track, behind, off_track or not_scored", ""),
    "slope": ("شیب روند", "recent trend per year", "unit/year"),
    "projected_value": ("مقدار پیش‌بینی‌شده", "value in the target year at the current pace", "unit"),
    "year_reached": ("سال رسیدن به هدف", "year the target would be reached at the current pace (empty: never)", "year"),
    "imputed": ("برآوردشده", "value was imputed, not reported", "yes/no"),
}


def safe_text(value: object) -> object:
    """Text that Excel would run as a formula is written as text (prefixed with an apostrophe).

    >>> safe_text("=1+2"), safe_text("Qom"), safe_text(3)
    ("'=1+2", 'Qom', 3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every formula-like text made plain text: what every export writes."""
    return frame.map(safe_text)


def xlsx_bytes(frame: pd.DataFrame, *, sheet: str) -> bytes:
    """One formula-safe, right-to-left sheet as an .xlsx file's bytes (timezones dropped: Excel has none)."""
    import io

    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe_frame(out).to_excel(writer, sheet_name=sheet, index=False)
        writer.sheets[sheet].sheet_view.rightToLeft = True
    return buffer.getvalue()


def export_tables(year: int, *, engine: Engine | None = None) -> dict[str, pd.DataFrame]:
    """The tables an export holds, as frames (the same ones the dashboard shows)."""
    scores = api.scores(year, engine=engine).reset_index()
    pillars = [c for c in scores.columns if c.startswith("pillar_")]
    return {
        "scores": scores.drop(columns=pillars),
        "pillars": scores[["agency_code", *pillars]],
        "indicators": api.indicator_scores(year, engine=engine),
        "inputs": reported_inputs(year, engine=engine),
    }


def reported_inputs(year: int, *, engine: Engine | None = None) -> pd.DataFrame:
    """The values each agency reported for ``year`` (current submissions), one column per field.

    The catalogue's fields come first in its order, then fields no indicator reads yet, then the
    service-log KPIs (``log.<kpi>``). Not reported is empty, never zero.
    """
    wide = data.reported_values_frame(engine if engine is not None else open_store())
    this_year = wide.xs(year, level="year") if year in wide.index.get_level_values("year") else wide.iloc[0:0]
    if isinstance(this_year.index, pd.MultiIndex):  # the empty slice keeps both levels
        this_year = this_year.droplevel("year")
    read = [f for f in api.catalogue().report_fields() if f in this_year.columns]
    logs = sorted(c for c in this_year.columns if c.startswith(LOG_PREFIX))
    others = sorted(set(this_year.columns) - set(read) - set(logs))
    table = this_year[[*read, *others, *logs]].rename_axis("agency_code").reset_index()
    table.insert(1, "year", year)
    return table


def input_meaning(column: str, cat: Catalogue) -> tuple[str, str, str]:
    """Meaning (Persian, English) and unit of an ``inputs`` column, from the catalogue.

    >>> from metrics.catalogue import default_catalogue
    >>> input_meaning("files_total", default_catalogue())[1]
    'reported value of files_total (read by: electronic_files_pct)'
    >>> input_meaning("log.digital_takeup_pct", default_catalogue())[2]
    '%'
    """
    if column.startswith(LOG_PREFIX):
        code = column.removeprefix(LOG_PREFIX)
        kpi = next((k for k in cat.log_kpis if k.code == code), None)
        if kpi is not None:
            return f"{kpi.name_fa} (از گزارش سامانه‌ها)", f"{kpi.name_en}, from the service logs", kpi.unit
        unit = "%" if code.endswith("_pct") else "s" if code.endswith("_s") else ""
        return f"شاخص گزارش سامانه‌ها {code}", f"service-log KPI {code}", unit
    readers = [i for i in cat.indicators if column in i.inputs()]
    ops = {i.formula.op for i in readers}
    unit = "1 = yes, 0 = no" if ops == {"boolean"} else "choice number (0, 1, 2, …)" if ops == {"choice_score"} else ""
    read_by = f" (read by: {', '.join(i.code for i in readers)})" if readers else " (no indicator reads it yet)"
    return f"مقدار گزارش‌شده {column}", f"reported value of {column}{read_by}", unit or "as reported"


def data_dictionary(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per exported column: table, column, meaning in both languages, unit."""
    cat = api.catalogue()
    pillar_names = {f"pillar_{g.code}": (g.name_fa, g.name_en) for g in cat.groups}
    rows = []
    for table, frame in tables.items():
        for column in frame.columns:
            if column in pillar_names:
                fa, en = pillar_names[column]
                rows.append((table, column, f"امتیاز محور {fa}", f"pillar score: {en}", "0–100"))
                continue
            if table == "inputs" and column not in DATA_DICTIONARY:
                rows.append((table, column, *input_meaning(column, cat)))
                continue
            fa, en, unit = DATA_DICTIONARY[column]
            rows.append((table, column, fa, en, unit))
    return pd.DataFrame(rows, columns=["table", "column", "meaning_fa", "meaning_en", "unit"])


def export_scores(output: Path, *, year: int, fmt: ExportFormat = "xlsx", engine: Engine | None = None) -> list[Path]:
    """Write the year's tables and their data dictionary; returns the files written."""
    tables = export_tables(year, engine=engine)
    tables["data_dictionary"] = data_dictionary(tables)
    if fmt == "xlsx":
        output.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(output, engine="openpyxl") as writer:
            for name, frame in tables.items():
                frame.map(safe_text).to_excel(writer, sheet_name=name, index=False)
                writer.sheets[name].sheet_view.rightToLeft = True
        return [output]
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        path = output / f"{name}_{year}.{fmt}"
        if fmt == "csv":
            # CRLF rows: every field holding a CR or LF is quoted, so a bare CR cannot start a new cell.
            frame.map(safe_text).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        else:
            frame.to_parquet(path, index=False)
        written.append(path)
    return written
