"""Persian text, digits, percentages and Jalali dates as people type them (``ingest.text``).

Properties (Hypothesis) for what must hold for every input, then the exact forms that
``shared/domain.md`` ("Text and numbers") lists as normal input.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import jdatetime
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ingest.text import (
    ParseError,
    format_jalali,
    match_key,
    normalize_text,
    parse_count,
    parse_decimal,
    parse_jalali_date,
    parse_percent,
    parse_yes_no,
)

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
ZWNJ = "\u200c"
PERSIAN_LETTERS = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیآئ"
ARABIC_VARIANTS = "يكىة"
NOISE = " \t\u00a0\u200b\u200e\u200f\ufeff" + ZWNJ

_persian_text = st.text(alphabet=PERSIAN_LETTERS + ARABIC_VARIANTS + PERSIAN_DIGITS + ARABIC_DIGITS + NOISE + "ab1-")


def _digits(text: str, alphabet: str) -> str:
    return text.translate(str.maketrans("0123456789", alphabet))


def _grouped(integer: int, separator: str) -> str:
    return f"{integer:,}".replace(",", separator)


# --- normalize_text and match_key ------------------------------------------------------------


@given(_persian_text)
def test_normalize_text_is_idempotent(value: str) -> None:
    once = normalize_text(value)
    assert normalize_text(once) == once


@given(_persian_text)
def test_normalize_text_leaves_no_variants_nor_edge_noise(value: str) -> None:
    cleaned = normalize_text(value)
    assert not set(cleaned) & set(ARABIC_VARIANTS + PERSIAN_DIGITS + ARABIC_DIGITS + "\u200b\u200e\u200f\ufeff\t")
    assert cleaned == cleaned.strip(" " + ZWNJ)
    assert "  " not in cleaned and ZWNJ * 2 not in cleaned


_word = st.text(alphabet=PERSIAN_LETTERS + "abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
_VARIANT_OF = {"ی": "ي", "ک": "ك"}


@given(_word, st.data())
def test_match_key_ignores_zwnj_spaces_letter_variants_and_case(word: str, data: st.DataObject) -> None:
    typed = ""
    for char in word:
        typed += data.draw(st.sampled_from(["", "", ZWNJ, " ", "\u00a0"]))
        if char in _VARIANT_OF and data.draw(st.booleans()):
            char = _VARIANT_OF[char]
        elif char.isascii() and data.draw(st.booleans()):
            char = char.upper()
        typed += char
    typed += data.draw(st.sampled_from(["", " ", ZWNJ]))

    assert match_key(typed) == match_key(word)


@given(_word, _word)
def test_match_key_still_tells_different_words_apart(first: str, second: str) -> None:
    assume(first.casefold() != second.casefold())
    assert match_key(first) != match_key(second)


# --- numbers ---------------------------------------------------------------------------------


def _spellings_of_integer(n: int) -> list[object]:
    ascii_ = str(n)
    return [
        n,
        float(n),
        ascii_,
        f"  {ascii_} ",
        f"\u00a0{ascii_}\t",
        _digits(ascii_, PERSIAN_DIGITS),
        _digits(ascii_, ARABIC_DIGITS),
        _digits(_grouped(n, "٬"), PERSIAN_DIGITS),
        _digits(_grouped(n, "٬"), ARABIC_DIGITS),
        _grouped(n, ","),
        f" {_digits(_grouped(n, '٬'), PERSIAN_DIGITS)} ",
    ]


@given(st.integers(min_value=0, max_value=10**12))
def test_every_spelling_of_a_whole_number_gives_the_same_value(n: int) -> None:
    for spelling in _spellings_of_integer(n):
        assert parse_decimal(spelling) == n, spelling
        assert parse_count(spelling) == n, spelling


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=9999))
def test_every_spelling_of_a_decimal_gives_the_same_value(integer: int, fraction: int) -> None:
    fraction_digits = str(fraction).zfill(4)
    value = Decimal(f"{integer}.{fraction_digits}")
    spellings = [
        f"{integer}.{fraction_digits}",
        f" {integer}.{fraction_digits}  ",
        _digits(f"{integer}٫{fraction_digits}", PERSIAN_DIGITS),
        _digits(f"{integer}٫{fraction_digits}", ARABIC_DIGITS),
        _digits(f"{_grouped(integer, '٬')}٫{fraction_digits}", PERSIAN_DIGITS),
        f"{_grouped(integer, ',')}.{fraction_digits}",
    ]
    for spelling in spellings:
        assert parse_decimal(spelling) == value, spelling


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=99))
def test_parse_count_rejects_fractions(integer: int, hundredths: int) -> None:
    for spelling in (f"{integer}.{hundredths:02d}", _digits(f"{integer}٫{hundredths:02d}", PERSIAN_DIGITS)):
        with pytest.raises(ParseError) as caught:
            parse_count(spelling)
        assert caught.value.kind == "whole_number"
    with pytest.raises(ParseError):
        parse_count(integer + hundredths / 100)


@given(st.text(alphabet=PERSIAN_LETTERS + ARABIC_VARIANTS + "،؛؟!*#", min_size=1), st.sampled_from(["", "۱۲", "12 "]))
def test_parse_count_rejects_words(word: str, number: str) -> None:
    assume(normalize_text(word))
    for typed in (word, number + word, word + number):
        with pytest.raises(ParseError):
            parse_count(typed)


@pytest.mark.parametrize(
    "typed", ["بیست", "ندارد", "-", "12 نفر", "۱۲ و ۳", "1,2,3", "nan", "inf", "--3", True, "۱۲،۳۴", "۱۲٬۳۴", "12 34"]
)
def test_parse_count_rejects_non_numbers(typed: object) -> None:
    with pytest.raises(ParseError):
        parse_count(typed)


@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=99999).filter(lambda n: not 100 <= n <= 999),
    st.sampled_from(["٬", "،", ",", " ", "، "]),
)
def test_a_separator_between_numbers_that_are_not_thousands_is_an_error(first: int, second: int, sep: str) -> None:
    """«۱۲،۳۴» is two numbers (or a typo), never 1234: only groups of three digits are thousands."""
    typed = _digits(f"{first}{sep}{second}", PERSIAN_DIGITS)
    with pytest.raises(ParseError):
        parse_decimal(typed)


def test_negative_numbers_in_every_form() -> None:
    assert parse_decimal("-۲۰") == parse_decimal("−20") == parse_decimal("- 20") == -20
    assert parse_decimal("−1,442") == -1442


@pytest.mark.parametrize("empty", [None, "", "   ", ZWNJ, "\u00a0", float("nan")])
def test_empty_cells_are_none_not_zero(empty: object) -> None:
    assert parse_count(empty) is None
    assert parse_decimal(empty) is None
    assert parse_percent(empty) is None


# --- percentages -----------------------------------------------------------------------------


_percent = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100), places=2).filter(lambda d: d > 0)


@given(_percent)
def test_every_spelling_of_a_percentage_gives_the_same_share(n: Decimal) -> None:
    text = format(n.normalize(), "f")
    persian = _digits(text, PERSIAN_DIGITS).replace(".", "٫")
    with_sign = [f"٪{persian}", f"{text}%", f"{persian}٪", f" {text} % ", f"٪{_digits(text, ARABIC_DIGITS)}"]
    for spelling in with_sign:
        assert parse_percent(spelling) == pytest.approx(float(n)), spelling
    assert parse_percent(float(n) / 100) == pytest.approx(float(n), rel=1e-9)  # an Excel percent-formatted cell
    if n > 1:  # a bare number of 1 or less is a fraction (0.45 means 45%): see the example below
        assert parse_percent(float(n)) == pytest.approx(float(n))
        assert parse_percent(text) == pytest.approx(float(n))
        assert parse_percent(persian) == pytest.approx(float(n))


def test_a_bare_number_up_to_one_is_a_fraction_but_not_with_a_percent_sign() -> None:
    assert parse_percent(1) == 100.0
    assert parse_percent("1%") == 1.0
    assert parse_percent("٪۰٫۵") == 0.5
    assert parse_percent("0.5") == 50.0
    assert parse_percent(0) == 0.0


# --- Jalali dates ----------------------------------------------------------------------------


@st.composite
def jalali_dates(draw: st.DrawFn) -> tuple[int, int, int]:
    year = draw(st.integers(min_value=1390, max_value=1400))
    month = draw(st.integers(min_value=1, max_value=12))
    if month <= 6:
        last = 31
    elif month <= 11:
        last = 30
    else:
        last = 30 if jdatetime.date(year, 1, 1).isleap() else 29
    return year, month, draw(st.integers(min_value=1, max_value=last))


@given(jalali_dates())
def test_jalali_dates_round_trip_in_every_spelling(date: tuple[int, int, int]) -> None:
    year, month, day = date
    shown = f"{year:04d}/{month:02d}/{day:02d}"
    spellings = [
        shown,
        f"{year}-{month:02d}-{day:02d}",
        f"{year}/{month}/{day}",
        _digits(f"{year}/{month:02d}/{day:02d}", PERSIAN_DIGITS),
        _digits(f"{year}-{month:02d}-{day:02d}", PERSIAN_DIGITS),
        _digits(f"{year}/{month}/{day}", ARABIC_DIGITS),
        f" {shown} ",
    ]
    gregorian = jdatetime.date(year, month, day).togregorian()
    for spelling in spellings:
        parsed = parse_jalali_date(spelling)
        assert parsed == gregorian, spelling
        assert format_jalali(parsed) == shown
    assert parse_jalali_date(format_jalali(gregorian, persian_digits=True)) == gregorian
    assert parse_jalali_date(dt.datetime.combine(gregorian, dt.time())) == gregorian  # a real Excel date cell


@pytest.mark.parametrize("typed", ["1393/13/01", "1393/12/31", "1392/07/31", "۱۳۹۳/۰۰/۱۰", "13930512", "دیروز", 1393])
def test_impossible_or_unreadable_dates_are_errors(typed: object) -> None:
    with pytest.raises(ParseError) as caught:
        parse_jalali_date(typed)
    assert caught.value.kind == "jalali_date"


# --- the forms listed in domain.md -----------------------------------------------------------


def test_arabic_letter_variants_become_persian() -> None:
    assert normalize_text("علي") == "علی"
    assert normalize_text("كهك") == "کهک"
    assert normalize_text("بخشداري كهك") == normalize_text("بخشداری کهک")


def test_zwnj_is_kept_inside_words_and_dropped_at_edges() -> None:
    assert normalize_text("اطلاع\u200cرسانی") == "اطلاع\u200cرسانی"
    assert normalize_text("\u200cمی\u200c\u200cشود\u200c ") == "می\u200cشود"
    assert match_key("اطلاع\u200cرسانی") == match_key("اطلاع رسانی") == match_key("اطلاعرسانی")


@pytest.mark.parametrize(
    "typed", ["۱۴۴۲", "١٤٤٢", "1442", "۱٬۴۴۲", "١٬٤٤٢", "۱،۴۴۲", "1,442", "1 442", " ۱۴۴۲ ", 1442, 1442.0]
)
def test_numbers_in_every_digit_form(typed: object) -> None:
    assert parse_count(typed) == 1442


def test_decimal_separators() -> None:
    assert parse_decimal("۳٫۵") == Decimal("3.5")
    assert parse_decimal("٣٫٥") == Decimal("3.5")
    assert parse_decimal("3.5") == Decimal("3.5")


@pytest.mark.parametrize("typed", ["٪۴۵", "45%", "۴۵٪", 0.45, "0.45", "۰٫۴۵", 45, "45"])
def test_percentages_as_offices_write_them(typed: object) -> None:
    share = parse_percent(typed)
    assert share is not None and math.isclose(share, 45.0)


@pytest.mark.parametrize("typed", ["1392/05/12", "۱۳۹۲-۰۵-۱۲", "١٣٩٢/٠٥/١٢", "1392.5.12", dt.datetime(2013, 8, 3)])
def test_jalali_dates_as_offices_write_them(typed: object) -> None:
    assert parse_jalali_date(typed) == dt.date(2013, 8, 3)
    assert format_jalali(dt.date(2013, 8, 3)) == "1392/05/12"
    assert format_jalali(dt.date(2013, 8, 3), persian_digits=True) == "۱۳۹۲/۰۵/۱۲"


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("بله", True),
        ("بلي", True),
        ("بله - yes", True),
        ("Yes", True),
        (1, True),
        ("خیر", False),
        ("خير", False),
        ("No", False),
        (0, False),
        (None, None),
        ("  ", None),
    ],
)
def test_yes_no_answers(typed: object, answer: bool | None) -> None:
    assert parse_yes_no(typed) is answer


@pytest.mark.parametrize("typed", ["شاید", "بله خیر", 2, "maybe"])
def test_yes_no_rejects_other_answers(typed: object) -> None:
    with pytest.raises(ParseError):
        parse_yes_no(typed)
