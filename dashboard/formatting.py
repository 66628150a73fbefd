"""How numbers, percentages and dates read on screen: Persian digits and Jalali dates in Persian.

Pure functions, no Dash. Gregorian dates and UTC times are for storage; every date a user sees is
Jalali, shown in Tehran time. Missing values (``None``, NaN, NaT) show as an en dash.
"""

from __future__ import annotations

import datetime as dt
import math

import jdatetime

from dashboard.i18n import normalise_lang
from store.periods import TEHRAN

MISSING = "–"
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_FA_THOUSANDS = "٬"  # U+066C ARABIC THOUSANDS SEPARATOR
_FA_DECIMAL = "٫"  # U+066B ARABIC DECIMAL SEPARATOR
_FA_PERCENT = "٪"  # U+066A ARABIC PERCENT SIGN

DISPLAY_ZONE: dt.tzinfo = TEHRAN


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value) in {"NaT", "nan", "<NA>"}


def plain_text(value: object) -> str:
    """A cell's text; missing (``None``, or the NaN pandas puts in an empty text column) is empty.

    >>> plain_text(None), plain_text(float("nan")), plain_text("x")
    ('', '', 'x')
    """
    return "" if _is_missing(value) else str(value)


def persian_digits(text: str) -> str:
    """Latin digits as Persian digits; everything else unchanged.

    >>> persian_digits("1394/01/15")
    '۱۳۹۴/۰۱/۱۵'
    """
    return text.translate(_PERSIAN_DIGITS)


def format_number(value: float | int | None, lang: str, *, decimals: int = 0) -> str:
    """A number with the language's digits and separators.

    >>> format_number(1234567.891, "en", decimals=1)
    '1,234,567.9'
    >>> format_number(1234567.891, "fa", decimals=1)
    '۱٬۲۳۴٬۵۶۷٫۹'
    >>> format_number(-42, "fa"), format_number(None, "fa")
    ('-۴۲', '–')
    """
    if _is_missing(value):
        return MISSING
    assert value is not None
    latin = f"{value:,.{decimals}f}"
    if normalise_lang(lang) == "en":
        return latin
    swapped = latin.replace(",", "\0").replace(".", _FA_DECIMAL).replace("\0", _FA_THOUSANDS)
    return persian_digits(swapped)


def format_percent(value: float | int | None, lang: str, *, decimals: int = 0) -> str:
    """A percentage given on a 0–100 scale: ``45%`` in English, ``۴۵٪`` in Persian.

    >>> format_percent(45, "en"), format_percent(45, "fa"), format_percent(12.5, "fa", decimals=1)
    ('45%', '۴۵٪', '۱۲٫۵٪')
    >>> format_percent(None, "en")
    '–'
    """
    if _is_missing(value):
        return MISSING
    number = format_number(value, lang, decimals=decimals)
    return f"{number}%" if normalise_lang(lang) == "en" else f"{number}{_FA_PERCENT}"


def format_year(year: int | str | None, lang: str) -> str:
    """A Jalali year (or any code) without thousands separators, in the language's digits.

    >>> format_year(1394, "fa"), format_year("1393-H1", "fa"), format_year(1394, "en")
    ('۱۳۹۴', '۱۳۹۳-H۱', '1394')
    """
    if _is_missing(year):
        return MISSING
    text = str(year)
    return text if normalise_lang(lang) == "en" else persian_digits(text)


def _to_jalali(value: dt.date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=value)


def jalali_date(value: dt.date | dt.datetime | None, lang: str) -> str:
    """A Gregorian date (or an aware UTC time, shown in Tehran) as a Jalali ``yyyy/mm/dd``.

    >>> jalali_date(dt.date(2015, 4, 4), "fa")
    '۱۳۹۴/۰۱/۱۵'
    >>> jalali_date(dt.date(2015, 4, 4), "en")
    '1394/01/15'
    >>> jalali_date(dt.datetime(2015, 4, 4, 22, 0, tzinfo=dt.UTC), "en")  # 01:30 next day in Tehran
    '1394/01/16'
    >>> jalali_date(None, "fa")
    '–'
    """
    if _is_missing(value):
        return MISSING
    assert value is not None
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    jalali = _to_jalali(value)
    return format_year(f"{jalali.year:04d}/{jalali.month:02d}/{jalali.day:02d}", lang)


def jalali_datetime(value: dt.datetime | None, lang: str) -> str:
    """A stored time (naive means UTC) as Jalali date and Tehran clock time.

    >>> jalali_datetime(dt.datetime(2015, 4, 4, 10, 0), "fa")
    '۱۳۹۴/۰۱/۱۵ ۱۴:۳۰'
    >>> jalali_datetime(dt.datetime(2015, 4, 4, 10, 0, tzinfo=dt.UTC), "en")
    '1394/01/15 14:30'
    """
    if _is_missing(value):
        return MISSING
    assert value is not None
    local = _local(value)
    return f"{jalali_date(local.date(), lang)} {format_year(local.strftime('%H:%M'), lang)}"


def _local(value: dt.datetime) -> dt.datetime:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(DISPLAY_ZONE)
