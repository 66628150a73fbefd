"""Formatting helpers: their doctests, and properties over many numbers."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.formatting import format_number, format_percent, jalali_date, jalali_datetime

LATIN = str.maketrans("۰۱۲۳۴۵۶۷۸۹٬٫", "0123456789,.")


@pytest.mark.parametrize(
    "module",
    [
        "dashboard.formatting",
        "dashboard.i18n",
        "dashboard.urls",
        "dashboard.views.reporting",
        "dashboard.views.upload",
    ],
)
def test_doctests(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=3))
def test_persian_number_is_the_english_one_in_persian_digits(value: float, decimals: int) -> None:
    persian = format_number(value, "fa", decimals=decimals)
    assert not any(ch.isascii() and ch.isdigit() for ch in persian)
    assert persian.translate(LATIN) == format_number(value, "en", decimals=decimals)


@given(st.floats(min_value=0, max_value=100, allow_nan=False))
def test_percent_sign_follows_the_language(value: float) -> None:
    assert format_percent(value, "en").endswith("%")
    assert format_percent(value, "fa").endswith("٪")


def test_missing_values_show_a_dash() -> None:
    assert {format_number(float("nan"), "fa"), format_percent(None, "en"), jalali_date(None, "en")} == {"–"}
    assert jalali_datetime(None, "fa") == "–"


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31)))
def test_jalali_dates_are_ordered_like_gregorian_ones(day: dt.date) -> None:
    assert jalali_date(day, "en") < jalali_date(day + dt.timedelta(days=1), "en")


def test_nowruz_1394() -> None:
    assert jalali_date(dt.date(2015, 3, 21), "fa") == "۱۳۹۴/۰۱/۰۱"
