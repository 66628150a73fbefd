"""What can be wrong with an uploaded workbook, said in Persian and English.

A problem is data (JSON for the web page, a table for the terminal): which file, sheet and cell,
which field, the value seen and what was expected.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

MESSAGES: dict[str, tuple[str, str]] = {
    "not_xlsx": ("فایل، کاربرگ اکسل (xlsx) نیست", "the file is not an Excel workbook (.xlsx)"),
    "encrypted": (
        "فایل رمزدار است یا قالب قدیمی xls دارد؛ رمز را بردارید و به صورت xlsx ذخیره کنید",
        "the workbook is password-protected or an old .xls; remove the password and save as .xlsx",
    ),
    "corrupt": (
        "فایل خراب یا ناقص است و خوانده نمی‌شود",
        "the workbook is corrupt or truncated and cannot be read",
    ),
    "macros": (
        "کاربرگ دارای ماکرو (xlsm) پذیرفته نمی‌شود؛ به صورت xlsx ذخیره کنید",
        "workbooks with macros (.xlsm) are not accepted; save as .xlsx",
    ),
    "too_large": ("حجم فایل بیش از حد مجاز است", "the file is larger than the limit"),
    "sheet_missing": (
        "کاربرگ لازم پیدا نشد؛ نام کاربرگ‌ها را تغییر ندهید",
        "a required sheet is missing or renamed",
    ),
    "template_version": (
        "فایل از قالب دیگری است؛ قالب تازه را دریافت و تکمیل کنید",
        "the workbook comes from another template version; download and fill a new template",
    ),
    "row_missing": ("ردیف این فیلد در کاربرگ پیدا نشد", "this field's row is missing from the sheet"),
    "required": ("این خانه باید پر شود", "this cell is required"),
    "whole_number": ("عدد صحیح لازم است", "a whole number is needed"),
    "percent": ("درصد معتبر لازم است", "a valid percentage is needed"),
    "greater_than_equal": (
        "مقدار منفی یا کمتر از حداقل مجاز است",
        "the value is negative or below the minimum",
    ),
    "less_than_equal": ("مقدار بیش از حداکثر مجاز است", "the value is above the maximum"),
    "yes_no": ("پاسخ باید بله یا خیر باشد", "the answer must be yes or no"),
    "choice": ("مقدار در فهرست گزینه‌ها نیست", "the value is not one of the listed options"),
    "jalali_date": ("تاریخ شمسی معتبر لازم است", "a valid Jalali date is needed"),
    "string_too_long": ("متن بیش از حد طولانی است", "the text is too long"),
    "invalid": ("مقدار نامعتبر است", "the value is not valid"),
    "rule": ("مقدار بیش از مقدار کل مربوط است", "the value exceeds the total it belongs to"),
    "level_count": (
        "با تعداد خدمات این سطح در کاربرگ Services یکی نیست",
        "does not match the number of services at this level in the Services sheet",
    ),
    "service_total": (
        "با تعداد ردیف‌های کاربرگ Services یکی نیست",
        "does not match the number of rows in the Services sheet",
    ),
    "duplicate_service": ("کد خدمت تکراری است", "the service code appears twice"),
    "unknown_agency": ("دستگاهی با این کد ثبت نشده است", "no agency has this code"),
    "agency_not_yours": (
        "حساب شما برای این دستگاه گزارش نمی‌دهد؛ فقط دستگاه خودتان",
        "your account does not report for this agency; only for your own",
    ),
    "period_invalid": ("دوره نامعتبر است", "not a valid period"),
    "period_outside_plan": ("دوره در سال‌های برنامه نیست", "the period is outside the plan's years"),
}


class Problem(BaseModel):
    """One thing wrong with one file, located as precisely as the file allows."""

    model_config = ConfigDict(frozen=True)

    file: str
    code: str
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    field_fa: str | None = None
    field_en: str | None = None
    seen: str | None = None
    expected_fa: str | None = None
    expected_en: str | None = None
    message_fa: str
    message_en: str

    @property
    def where(self) -> str:
        """``Form!C12`` style location, or the sheet, or the file."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or self.file


def _shown(seen: object) -> str | None:
    """The value as the person typed it: Excel stores 8000 as 8000.0, which they never wrote."""
    if seen is None or seen == "":
        return None
    if isinstance(seen, float) and seen.is_integer():
        return str(int(seen))
    return str(seen)


def make_problem(
    code: str,
    *,
    file: str,
    sheet: str | None = None,
    cell: str | None = None,
    field: str | None = None,
    field_fa: str | None = None,
    field_en: str | None = None,
    seen: object = None,
    expected: tuple[str, str] | None = None,
    detail: tuple[str, str] | None = None,
) -> Problem:
    """Build a problem from a message code; ``detail`` adds a specific clause in both languages."""
    fa, en = MESSAGES.get(code, MESSAGES["invalid"])
    if detail:
        fa, en = f"{fa} ({detail[0]})", f"{en} ({detail[1]})"
    return Problem(
        file=file,
        code=code,
        sheet=sheet,
        cell=cell,
        field=field,
        field_fa=field_fa,
        field_en=field_en,
        seen=_shown(seen),
        expected_fa=expected[0] if expected else None,
        expected_en=expected[1] if expected else None,
        message_fa=fa,
        message_en=en,
    )


_UNITS = ((1_000_000, "MB", "مگابایت"), (1_000, "KB", "کیلوبایت"), (1, "bytes", "بایت"))


def _amount(n: int, scale: int) -> str:
    return f"{n / scale:.2f}".rstrip("0").rstrip(".")


def too_large_problem(*, file: str, size_bytes: int, max_bytes: int) -> Problem:
    """Size and limit in the limit's unit, never rounded so that they look equal (nor ``0.0 MB``)."""
    scale, en, fa = next(unit for unit in _UNITS if max_bytes >= unit[0] or unit[0] == 1)
    if float(_amount(size_bytes, scale)) <= float(_amount(max_bytes, scale)):
        scale, en, fa = _UNITS[-1]
    seen, limit = _amount(size_bytes, scale), _amount(max_bytes, scale)
    return make_problem(
        "too_large", file=file, seen=f"{seen} {en}", expected=(f"حداکثر {limit} {fa}", f"at most {limit} {en}")
    )
