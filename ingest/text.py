"""Persian text, digits, percentages and Jalali dates as people type them, turned into clean values.

All normalisation happens here, once, before validation: pandas and pydantic silently reject or
mangle Persian digits, and SQLite compares 'علي' and 'علی' as different strings.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import jdatetime

# One translation table does letters, digits, odd spaces and deletes invisible marks (zero-width
# characters other than the non-joiner, direction marks, the kashida): str.translate runs in C.
_CLEAN = str.maketrans(
    {
        "ي": "ی",  # Arabic yeh
        "ى": "ی",  # alef maksura
        "ك": "ک",  # Arabic kaf
        "ة": "ه",
        "\u00a0": " ",  # no-break space
        "\u202f": " ",
        "\u2009": " ",
        **dict(zip("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789", strict=True)),
        **dict.fromkeys("\u200b\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u0640"),
    }
)
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ZWNJ = "\u200c"
_PERCENT_SIGNS = "%٪﹪"


@lru_cache(maxsize=65_536)
def normalize_text(value: str) -> str:
    """Unify Arabic letter variants, digits and spacing so that equal words compare equal.

    The zero-width non-joiner (ZWNJ) stays, as Persian spelling needs it, but never at a word edge.

    >>> normalize_text("  علي  ك\u200cي ۱۲ ")
    'علی ک\u200cی 12'
    """
    text = value.translate(_CLEAN)
    if _ZWNJ in text:
        while _ZWNJ * 2 in text:
            text = text.replace(_ZWNJ * 2, _ZWNJ)
        words = [word.strip(_ZWNJ) for word in text.split()]
    else:
        words = text.split()
    return " ".join(word for word in words if word)


@lru_cache(maxsize=65_536)
def match_key(value: str) -> str:
    """A key for matching vocabulary entries: normalised, no ZWNJ, Latin lower-cased.

    >>> match_key("Transactional ") == match_key("transactional")
    True
    >>> match_key("اطلاع\u200cرسانی") == match_key("اطلاع رسانی") == match_key("اطلاعرسانی")
    True
    """
    return normalize_text(value).replace("\u200c", "").replace(" ", "").casefold()


def to_persian_digits(value: object) -> str:
    """Render a value with Persian digits, for screens and Persian labels.

    >>> to_persian_digits(1394)
    '۱۳۹۴'
    """
    return str(value).translate(_TO_PERSIAN_DIGITS)


class ParseError(ValueError):
    """A value that cannot be read as what was asked; ``kind`` names the expectation."""

    def __init__(self, kind: str, seen: object) -> None:
        super().__init__(f"{kind}: {seen!r}")
        self.kind = kind
        self.seen = seen


def parse_decimal(value: object) -> Decimal | None:
    """Read a number typed in any of the ways offices type them; ``None`` for an empty cell.

    Accepts Persian and Arabic-Indic digits, the Persian decimal separator, thousands
    separators and a stray percent sign (which is dropped: the field decides what it means).

    >>> parse_decimal("۱٬۴۴۲")
    Decimal('1442')
    >>> parse_decimal("٣٫٥")
    Decimal('3.5')
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParseError("number", value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value:  # NaN: an empty cell from pandas
            return None
        return Decimal(repr(value))
    if not isinstance(value, str):
        raise ParseError("number", value)
    text = normalize_text(value).replace("\u200c", "")
    if not text:
        return None
    for sign in _PERCENT_SIGNS:
        text = text.replace(sign, "")
    text = text.strip().replace("٫", ".").replace("−", "-")
    text = re.sub(r"^([+-]) +", r"\1", text)
    # Thousands separators (Persian ٬, Arabic comma ،, comma, space) count only between groups of three
    # digits: "۱۲،۳۴" or "۱۲ ۳۴" is two numbers or a typo, never 1234.
    text = re.sub(" *[٬،,] *| +", ",", text)
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ParseError("number", value) from exc
    if not number.is_finite():
        raise ParseError("number", value)
    return number


def parse_count(value: object) -> int | None:
    """Read a whole number (a count); ``None`` for an empty cell.

    >>> parse_count("۱۲۰")
    120
    >>> parse_count(45.0)
    45
    """
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ParseError("whole_number", value)
    return int(number)


def has_percent_sign(value: object) -> bool:
    return isinstance(value, str) and any(sign in value for sign in _PERCENT_SIGNS)


def parse_percent(value: object) -> float | None:
    """Read a share as a percentage 0–100; ``None`` for an empty cell.

    «٪۴۵», «45%» and «45» are 45; a plain number no greater than 1 without a percent sign
    (an Excel cell formatted as a percentage stores 0.45) is read as a fraction.

    >>> [parse_percent(v) for v in ("٪۴۵", "45%", 45, 0.45, "۰٫۴۵", 1)]
    [45.0, 45.0, 45.0, 45.0, 45.0, 100.0]
    """
    number = parse_decimal(value)
    if number is None:
        return None
    if not has_percent_sign(value) and 0 < number <= 1:
        number *= 100
    return float(number)


_YES = {"بله", "بلی", "آری", "اری", "دارد", "هست", "yes", "y", "true", "1", "✓", "✔"}
_NO = {"خیر", "نه", "ندارد", "نیست", "no", "n", "false", "0", "✗", "-"}
_YES_KEYS = frozenset(match_key(word) for word in _YES)
_NO_KEYS = frozenset(match_key(word) for word in _NO)


def parse_yes_no(value: object) -> bool | None:
    """Read a yes/no answer in Persian or English; ``None`` for an empty cell.

    >>> [parse_yes_no(v) for v in ("بله - Yes", "خير", "Yes", 0, None)]
    [True, False, True, False, None]
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
        raise ParseError("yes_no", value)
    if not isinstance(value, str):
        raise ParseError("yes_no", value)
    words = {match_key(part) for part in re.split(r"[-/|()،,]", value) if match_key(part)}
    if not words:
        return None
    if words <= _YES_KEYS:
        return True
    if words <= _NO_KEYS:
        return False
    raise ParseError("yes_no", value)


_JALALI_DATE = re.compile(r"(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})")


def parse_jalali_date(value: object) -> dt.date | None:
    """Read a date as offices write it and return the Gregorian date it names.

    Text is Jalali (1392/05/12, ۱۳۹۲-۰۵-۱۲); a real Excel date cell is already Gregorian.

    >>> parse_jalali_date("۱۳۹۲-۰۵-۱۲")
    datetime.date(2013, 8, 3)
    >>> parse_jalali_date(dt.datetime(2013, 8, 3, 0, 0))
    datetime.date(2013, 8, 3)
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ParseError("jalali_date", value)
    return _parse_jalali_text(value)


@lru_cache(maxsize=8192)
def _parse_jalali_text(value: str) -> dt.date | None:
    text = normalize_text(value)
    if not text:
        return None
    match = _JALALI_DATE.fullmatch(text.split(" ")[0])
    if not match:
        raise ParseError("jalali_date", value)
    year, month, day = (int(part) for part in match.groups())
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError as exc:
        raise ParseError("jalali_date", value) from exc


def format_jalali(value: dt.date, *, persian_digits: bool = False) -> str:
    """Show a stored Gregorian date as a Jalali ``YYYY/MM/DD``.

    >>> format_jalali(dt.date(2013, 8, 3))
    '1392/05/12'
    """
    text = jdatetime.date.fromgregorian(date=value).strftime("%Y/%m/%d")
    return to_persian_digits(text) if persian_digits else text
