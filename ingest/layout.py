"""Where things sit in the self-report workbook; shared by the template writer and the reader."""

from __future__ import annotations

from ingest.schema import SERVICE_FIELDS

FORM_SHEET = "Form"
SERVICES_SHEET = "Services"
INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "Lists"
META_SHEET = "meta"

FORM_HEADER_ROW = 3
"""Row of the Form's column headings; fields follow, found by the code in ``FORM_CODE_COL``."""
FORM_LABEL_FA_COL = "A"
FORM_LABEL_EN_COL = "B"
FORM_VALUE_COL = "C"
FORM_HINT_COL = "D"
FORM_CODE_COL = "E"

SERVICES_FIRST_ROW = 3
"""Rows 1 and 2 of the Services sheet hold Persian and English headings."""
SERVICES_ROWS = 400
SERVICES_COLUMNS = tuple("ABCDE"[: len(SERVICE_FIELDS)])

META_VERSION_CELL = "B1"
META_FINGERPRINT_CELL = "B2"
