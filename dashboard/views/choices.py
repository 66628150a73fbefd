"""Choices shared by the Compare, Geography and what-if views: plan years, provinces, agencies.

Page state comes from the URL as text; these helpers turn it into values the page can use (unknown
values fall back to a sensible default instead of failing), and build the options of the pickers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from dashboard.data import current_engine
from dashboard.formatting import format_year
from dashboard.i18n import pick, t
from dashboard.views.scope import per_version
from metrics import api

ALL = "all"
"""A province select's value for every province (a URL without ``province``)."""
PICKER_LIMIT = 50
"""Agencies an agency picker holds at once; typing asks the server for the matches (a country has 10,000)."""
# Arabic yeh, kaf and alef maksura as Persian yeh and kaf; ZWNJ as a space (code points: letters, not text).
_LETTERS = str.maketrans({chr(0x064A): chr(0x06CC), chr(0x0643): chr(0x06A9), chr(0x0649): chr(0x06CC), "\u200c": " "})


def plan_year_range() -> list[int]:
    """The plan's years, first to target (1390–1394 for the Fifth Plan)."""
    plan = api.catalogue().plan
    return list(range(plan.first_year, plan.target_year + 1))


def latest_reported_year(submissions: pd.DataFrame, years: list[int]) -> int:
    """The latest plan year with a yearly report, else the plan's last year.

    >>> latest_reported_year(pd.DataFrame({"year": [1392, 1393], "period_kind": ["year", "year"]}), [1392, 1393, 1394])
    1393
    >>> latest_reported_year(pd.DataFrame({"year": [], "period_kind": []}), [1392, 1393, 1394])
    1394
    """
    yearly = submissions[(submissions["period_kind"] == "year") & submissions["year"].isin(years)]
    return int(yearly["year"].max()) if not yearly.empty else years[-1]


def busiest_province(agencies: pd.DataFrame, submissions: pd.DataFrame, year: int) -> str | None:
    """The province with the most yearly reports for ``year`` (the first province when none reported).

    >>> agencies = pd.DataFrame({"province_code": ["AR", "QM", "QM"]}, index=["a", "q1", "q2"])
    >>> busiest_province(agencies, pd.DataFrame({"agency_code": ["q1"], "year": [1394], "period_kind": ["year"]}), 1394)
    'QM'
    >>> busiest_province(agencies, pd.DataFrame({"agency_code": [], "year": [], "period_kind": []}), 1394)
    'AR'
    """
    if agencies.empty:
        return None
    reported = submissions[(submissions["period_kind"] == "year") & (submissions["year"] == year)]
    counts = agencies["province_code"].reindex(reported["agency_code"]).value_counts()
    return str(counts.index[0]) if not counts.empty else str(agencies["province_code"].iloc[0])


def default_year(engine: Engine) -> int:
    """The year a page opens on when its URL names none (kept per data version)."""
    years = plan_year_range()
    return per_version(
        engine,
        ("latest_reported_year", tuple(years)),
        lambda: latest_reported_year(api.submissions(engine=engine), years),
    )


def parse_year(value: object, years: list[int], fallback: int) -> int:
    """A year from the URL if it is a plan year, else ``fallback``.

    >>> parse_year("1393", [1393, 1394], 1394), parse_year("x", [1393, 1394], 1394), parse_year(None, [1393], 1393)
    (1393, 1394, 1393)
    """
    try:
        year = int(str(value))
    except ValueError:
        return fallback
    return year if year in years else fallback


def year_options(years: list[int], lang: str) -> list[dict[str, str]]:
    """The year select's options, in the language's digits."""
    return [{"value": str(year), "label": format_year(year, lang)} for year in years]


def province_options(agencies: pd.DataFrame, lang: str, *, with_all: bool) -> list[dict[str, str]]:
    """Every province by name (sorted), optionally after "all provinces"."""
    provinces = agencies[["province_code", "province_fa", "province_en"]].drop_duplicates("province_code")
    options = sorted(
        (
            {"value": str(row.province_code), "label": pick(lang, str(row.province_fa), str(row.province_en))}
            for row in provinces.itertuples()
        ),
        key=lambda option: option["label"],
    )
    return [{"value": ALL, "label": t("choices.all_provinces", lang)}, *options] if with_all else options


AgencyRow = tuple[Any, ...]
"""An agency as a picker needs it: code, ``name_fa``, ``name_en`` (then, to group by province,
``province_fa``, ``province_en``)."""


def agency_rows(agencies: pd.DataFrame) -> Iterator[AgencyRow]:
    """The rows of an agency table (indexed by code) as pickers read them: zip over columns, not
    iterrows (a country has 10,000 agencies)."""
    columns = [agencies[c] for c in ("name_fa", "name_en", "province_fa", "province_en")]
    return zip(agencies.index, *columns, strict=True)


def agency_option(row: AgencyRow, lang: str) -> dict[str, str]:
    """One agency as a picker shows it: ``name (code)`` (the text ``matching_agencies`` matches)."""
    code, name_fa, name_en, *_province = row
    return {"value": str(code), "label": f"{pick(lang, str(name_fa), str(name_en))} ({code})"}


def grouped_agency_options(rows: Iterable[AgencyRow], lang: str) -> list[dict[str, Any]]:
    """Agencies grouped by province for a searchable picker, groups in name order."""
    groups: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(pick(lang, str(row[3]), str(row[4])), []).append(agency_option(row, lang))
    return [{"group": name, "items": items} for name, items in sorted(groups.items())]


def flat_options(rows: Iterable[AgencyRow], lang: str, *, by_name: bool = False) -> list[dict[str, str]]:
    """Agencies as ``name (code)`` options, in their order or sorted by name."""
    options = [agency_option(row, lang) for row in rows]
    return sorted(options, key=lambda o: o["label"]) if by_name else options


def agency_options(agencies: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    """Agencies grouped by province for a searchable picker; the label carries the code too."""
    return grouped_agency_options(agency_rows(agencies), lang)


def fold_text(text: object) -> str:
    """Text for matching: Arabic letter variants as Persian, ZWNJ as space, lower case, single spaces.

    >>> fold_text("  Qom\u200cGOV ") == fold_text("qom gov")
    True
    """
    return " ".join(str(text or "").translate(_LETTERS).lower().split())


def matching_agencies(
    agencies: pd.DataFrame, search: object, *, selected: list[str] | None = None, limit: int = PICKER_LIMIT
) -> pd.DataFrame:
    """The picked agencies, then at most ``limit`` others whose name (either language) or code holds ``search``.

    A picker ships these, not the whole country; the text a picker shows for a picked agency
    (``name (code)``) matches that agency.
    """
    chosen = [code for code in selected or [] if code in agencies.index]
    needle = fold_text(search)
    if not needle:  # the first ones: no need to look past ``limit`` of them and the picked, one ``take``
        first = [i for i, code in enumerate(agencies.index[: limit + len(chosen)]) if code not in chosen][:limit]
        return agencies.take([agencies.index.get_loc(code) for code in chosen] + first)
    rest = agencies[~agencies.index.isin(chosen)]
    labels = [
        fold_text(f"{fa} ({code}) {en} ({code})")
        for code, fa, en in zip(rest.index, rest["name_fa"], rest["name_en"], strict=True)
    ]
    rest = rest[[needle in label for label in labels]]
    return pd.concat([agencies.loc[chosen], rest.head(limit)])


def flat_agency_options(agencies: pd.DataFrame, lang: str, *, by_name: bool = False) -> list[dict[str, str]]:
    """The given agencies as ``name (code)`` options, in their order or sorted by name."""
    names = zip(agencies.index, agencies["name_fa"], agencies["name_en"], strict=True)
    return flat_options(names, lang, by_name=by_name)


def agency_picker_options(
    search: object, picked: list[str], lang: str, *, grouped: bool = False, by_name: bool = False
) -> list[dict[str, Any]]:
    """What an agency picker shows: the picked agencies and the first matches of what was typed.

    Never the whole country: pickers ask again as the user types (``searchValue``); Arabic ي/ك typed
    for Persian ی/ک still match. ``grouped`` groups the options by province.
    """
    found = matching_agencies(api.agencies(current_engine()), search, selected=picked)
    return agency_options(found, lang) if grouped else flat_agency_options(found, lang, by_name=by_name)
