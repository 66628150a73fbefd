"""Real workbooks for tests: a template written by the product, filled the way a person types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from ingest import layout
from ingest.template import form_rows, write_template

AGENCY = "QM-QOM-KAH-BKH"
"""Kahak district office (Qom): the one district that electronified its processes (seed 002)."""
AGENCY_NAME = "بخشداری کهک"

# What a person types into the Form sheet: Persian digits, Arabic letters, «٪», stray spaces.
TYPED_FORM: dict[str, Any] = {
    "reporter_name": "علي رضايي ، مدير فناوري اطلاعات",  # Arabic yeh and kaf
    "report_date": "۱۳۹۴/۰۱/۱۵",
    "files_total": "۱٬۲۰۰",
    "files_electronic": " 450 ",
    "processes_total": "۲۰",
    "processes_electronic": 4,
    "services_total": "٥",  # Arabic-Indic five
    "services_informational": 1,
    "services_interactive": "۱",
    "services_transactional": 2,
    "services_integrated": 0,
    "services_counter_eligible": 3,
    "services_at_counters": "۲",
    "letters_total": 8000,
    "letters_automated": "۶۰۰۰",
    "printers_total": None,  # optional, left empty: missing, not zero
    "printers_withdrawn": None,
    "paper_reduction_pct": "٪۴۵",
    "inquiries_online": "۱۵۰۰",
    "inquiries_paper": 500,
    "digital_signature": "بله - yes",
    "government_network": "بلي",
    "setad_procurement": "خیر - no",
    "service_desk": "میز فیزیکی - physical desk only",
    "representatives_total": 4,
    "representatives_trained": "۳",
    "representatives_certified": 2,
}

EXPECTED_FORM: dict[str, Any] = {
    "reporter_name": "علی رضایی ، مدیر فناوری اطلاعات",
    "files_total": 1200,
    "files_electronic": 450,
    "processes_total": 20,
    "processes_electronic": 4,
    "services_total": 5,
    "services_transactional": 2,
    "services_at_counters": 2,
    "letters_automated": 6000,
    "printers_total": None,
    "paper_reduction_pct": 45.0,
    "inquiries_online": 1500,
    "digital_signature": True,
    "government_network": True,
    "setad_procurement": False,
    "service_desk": "physical",
    "representatives_trained": 3,
}

TYPED_SERVICES: list[list[Any]] = [
    ["S001", "صدور گواهي", "تراکنشی - transactional", "بله", "۱۳۹۲/۰۵/۱۲"],
    ["S002", "استعلام پرونده", "Transactional", "yes", "1393-01-20"],
    ["S003", "ثبت درخواست", "تعاملی", "خیر", None],
    ["S004", "اطلاع‌رسانی مقررات", "informational", None, None],
    ["S005", "پرداخت هزینه", "غیرالکترونیک - not electronic", "خير", None],
]


def write_filled_report(
    path: Path,
    *,
    agency: str = AGENCY,
    period: str = "1393",
    form: dict[str, Any] | None = None,
    services: list[list[Any]] | None = None,
) -> Path:
    """Write the product's template for ``agency`` and ``period``, then type values into it."""
    write_template(path, agency_code=agency, agency_name=AGENCY_NAME, period=period)
    fill_report(
        path, form=TYPED_FORM if form is None else form, services=TYPED_SERVICES if services is None else services
    )
    return path


def fill_report(path: Path, *, form: dict[str, Any], services: list[list[Any]]) -> None:
    """Type values into an existing workbook (only the given cells change)."""
    wb = load_workbook(path)
    sheet = wb[layout.FORM_SHEET]
    rows = form_rows()
    for code, value in form.items():
        sheet[f"{layout.FORM_VALUE_COL}{rows[code]}"] = value
    sheet = wb[layout.SERVICES_SHEET]
    for offset, row in enumerate(services):
        for column, value in zip(layout.SERVICES_COLUMNS, row, strict=True):
            sheet[f"{column}{layout.SERVICES_FIRST_ROW + offset}"] = value
    wb.save(path)


def form_cell(code: str) -> str:
    """The ``Form!C12`` address of a field in the template."""
    return f"{layout.FORM_SHEET}!{layout.FORM_VALUE_COL}{form_rows()[code]}"
