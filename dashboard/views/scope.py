"""The state the Overview, Rankings and Scorecard pages share: year, province, county, sector, pillar.

Every value comes from the URL query (``?year=1394&province=QM``) and is checked here against what
exists, so a hand-edited or stale link falls back to a sensible default instead of an error.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, cast

import pandas as pd
from dash import no_update
from sqlalchemy import Engine

from dashboard.formatting import format_year
from dashboard.i18n import pick, t
from dashboard.urls import with_params
from metrics import api
from store.engine import store_key

ALL = "all"
"""A select's value for "no filter" (the parameter is left out of the URL)."""
_P = ParamSpec("_P")
_R = TypeVar("_R")


_KEPT: OrderedDict[tuple[object, ...], Any] = OrderedDict()
_KEPT_SIZE = 128


def per_version(engine: Engine, name: tuple[object, ...], build: Callable[[], _R], *, version: int | None = None) -> _R:
    """What a page derives from the store (choices, display rows), built once per (store, data version,
    ``name``) and kept: the same rule as ``metrics.api``'s caches. Shared: callers must not change it.
    ``version`` stands in for the data version where what is kept changes with something else (the
    ingest jobs: a refused file is a new job but no new data)."""
    key = (store_key(engine), api.data_version(engine) if version is None else version, *name)
    if key in _KEPT:
        _KEPT.move_to_end(key)
        return cast("_R", _KEPT[key])
    value = _KEPT[key] = build()
    while len(_KEPT) > _KEPT_SIZE:
        _KEPT.popitem(last=False)
    return value


def codes_in(values: pd.Series) -> set[str]:
    """The distinct codes of a column, missing ones left out (``unique`` first: 10,000 agencies).

    >>> sorted(codes_in(pd.Series(["QM", None, "QM", "AR"])))
    ['AR', 'QM']
    """
    return {code for code in values.unique() if isinstance(code, str)}


def one_data_version(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """A page layout or callback that reads one data version throughout (``api.one_version``): its
    numbers agree with each other, and the store's version is asked once per request, not per call."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with api.one_version():
            return func(*args, **kwargs)

    return wrapper


def plan_years() -> list[int]:
    """The plan's years, first to target."""
    plan = api.catalogue().plan
    return list(range(plan.first_year, plan.target_year + 1))


def default_year(engine: Engine) -> int:
    """The latest plan year with a stored report (the plan's target year when nothing is stored); kept
    per data version."""
    return per_version(engine, ("default_year",), lambda: _default_year(engine))


def _default_year(engine: Engine) -> int:
    years = api.submissions(engine=engine)["year"]
    reported = years[years.isin(plan_years())] if not years.empty else years
    return int(reported.max()) if not reported.empty else plan_years()[-1]


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
    root = cat.root.code
    return [group for group in cat.groups if group.parent == root]


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


def province_codes(engine: Engine) -> set[str]:
    """The codes of the provinces that have agencies, kept per data version."""
    return per_version(engine, ("province_codes",), lambda: codes_in(api.agencies(engine=engine)["province_code"]))


def province_choices(engine: Engine, lang: str) -> list[dict[str, str]]:
    """``province_options`` of every agency in the store, kept per data version and language."""
    return list(
        per_version(engine, ("province_options", lang), lambda: province_options(api.agencies(engine=engine), lang))
    )


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
