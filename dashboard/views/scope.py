"""The state the Overview, Rankings and Scorecard pages share: year, province, county, sector, pillar.

Every value comes from the URL query (``?year=1394&province=QM``) and is checked here against what
exists, so a hand-edited or stale link falls back to a sensible default instead of an error.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import no_update
from sqlalchemy import Engine

from dashboard.formatting import format_year
from dashboard.i18n import pick, t
from dashboard.urls import with_params
from metrics import api

ALL = "all"
"""A select's value for "no filter" (the parameter is left out of the URL)."""


def plan_years() -> list[int]:
    """The plan's years, first to target."""
    plan = api.catalogue().plan
    return list(range(plan.first_year, plan.target_year + 1))


def default_year(engine: Engine) -> int:
    """The latest plan year with a stored report (the plan's target year when nothing is stored)."""
    years = api.submissions(engine=engine)
    reported = [int(y) for y in years["year"] if int(y) in plan_years()] if not years.empty else []
    return max(reported) if reported else plan_years()[-1]


def parse_year(value: object, engine: Engine) -> int:
    """The year a URL asks for, if it is a plan year; else the default year."""
    try:
        year = int(str(value))
    except (TypeError, ValueError):
        return default_year(engine)
    return year if year in plan_years() else default_year(engine)


def pick_code(value: object, known: set[str]) -> str | None:
    """A code from the URL if it exists, else ``None`` (no filter).

    >>> pick_code("QM", {"QM", "AR"}), pick_code("XX", {"QM"}), pick_code(ALL, {"QM"})
    ('QM', None, None)
    """
    text = str(value or "")
    return text if text in known else None


def pillars() -> list[Any]:
    """The index's pillars (the root's child groups), in catalogue order."""
    cat = api.catalogue()
    return [group for group in cat.groups if group.parent == cat.root.code]


def year_options(lang: str) -> list[dict[str, str]]:
    return [{"value": str(year), "label": format_year(year, lang)} for year in plan_years()]


def _options(frame: pd.DataFrame, code: str, lang: str, all_key: str) -> list[dict[str, str]]:
    known = frame[[code, f"{code[:-5]}_fa", f"{code[:-5]}_en"]].dropna(subset=[code]).drop_duplicates(code)
    options = [
        {"value": str(row[0]), "label": pick(lang, str(row[1] or ""), str(row[2] or ""))}
        for row in known.itertuples(index=False)
    ]
    return [{"value": ALL, "label": t(all_key, lang)}, *sorted(options, key=lambda o: o["label"])]


def province_options(agencies: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """Every province by name, after "all provinces"."""
    return _options(agencies, "province_code", lang, "reporting.all_provinces")


def county_options(agencies: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """The counties of the given agencies, after "all counties"."""
    return _options(agencies, "county_code", lang, "scope.all_counties")


def sector_options(agencies: pd.DataFrame, lang: str) -> list[dict[str, str]]:
    """The sectors of the given agencies, after "all sectors"."""
    return _options(agencies, "sector_code", lang, "scope.all_sectors")


def search_with(search: str | None, **params: object) -> Any:
    """The URL query with some parameters set (``all``/empty removes one); ``no_update`` if unchanged."""
    cleaned = {key: None if value in (None, "", ALL) else value for key, value in params.items()}
    wanted = with_params(search, **cleaned)
    return no_update if wanted == (search or "") else wanted
