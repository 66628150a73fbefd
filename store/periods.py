"""Reporting periods: Jalali years, halves (H1, H2) and quarters (Q1–Q4), and their codes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jdatetime
from pydantic import BaseModel, ConfigDict

try:
    TEHRAN: dt.tzinfo = ZoneInfo("Asia/Tehran")
except ZoneInfoNotFoundError:  # no tz database: Iran has kept +03:30 without daylight saving since 2022
    TEHRAN = dt.timezone(dt.timedelta(hours=3, minutes=30))
"""Where a reporting day (a deadline, a Jalali date shown) begins and ends."""

PeriodKind = Literal["year", "half", "quarter"]
_MONTHS_PER_PART = {"year": 12, "half": 6, "quarter": 3}
_PARTS = {"year": 1, "half": 2, "quarter": 4}
_CODE = re.compile(r"(\d{4})(?:\s*[-_/ ]\s*([HQhq])\s*([1-4]))?")


class PeriodSpec(BaseModel):
    """A period as declared: ``1393``, ``1393-H1`` or ``1393-Q3``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    year: int
    kind: PeriodKind
    part: int = 0

    @property
    def code(self) -> str:
        if self.kind == "year":
            return str(self.year)
        return f"{self.year}-{'H' if self.kind == 'half' else 'Q'}{self.part}"

    @property
    def start_date(self) -> dt.date:
        first_month = 1 if self.kind == "year" else (self.part - 1) * _MONTHS_PER_PART[self.kind] + 1
        return jdatetime.date(self.year, first_month, 1).togregorian()

    @property
    def end_date(self) -> dt.date:
        months = _MONTHS_PER_PART[self.kind]
        last_month = 12 if self.kind == "year" else self.part * months
        if last_month == 12:
            next_start = jdatetime.date(self.year + 1, 1, 1)
        else:
            next_start = jdatetime.date(self.year, last_month + 1, 1)
        return next_start.togregorian() - dt.timedelta(days=1)


def parse_period_code(value: str) -> PeriodSpec:
    """Read a period code (already normalised to ASCII digits; any separator) into its spec.

    >>> parse_period_code("1393").code, parse_period_code("1393 h2").code, parse_period_code("1393-Q4").code
    ('1393', '1393-H2', '1393-Q4')
    """
    match = _CODE.fullmatch(value.strip())
    if not match:
        raise ValueError(f"not a period code: {value!r}")
    year = int(match.group(1))
    if match.group(2) is None:
        return PeriodSpec(year=year, kind="year")
    kind: PeriodKind = "half" if match.group(2).upper() == "H" else "quarter"
    part = int(match.group(3))
    if part > _PARTS[kind]:
        raise ValueError(f"not a period code: {value!r}")
    return PeriodSpec(year=year, kind=kind, part=part)


def periods_of_years(first_year: int, last_year: int) -> list[PeriodSpec]:
    """Every year, half and quarter from ``first_year`` to ``last_year`` inclusive."""
    specs: list[PeriodSpec] = []
    for year in range(first_year, last_year + 1):
        specs.append(PeriodSpec(year=year, kind="year"))
        specs.extend(PeriodSpec(year=year, kind="half", part=p) for p in (1, 2))
        specs.extend(PeriodSpec(year=year, kind="quarter", part=p) for p in (1, 2, 3, 4))
    return specs
