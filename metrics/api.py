"""The one read door to the scores: plain functions returning DataFrames.

The dashboard's callbacks and the analysts' notebooks call these same functions, so a number on
the wall and a number in a notebook are the same number. Each takes an optional ``engine`` (the
configured store by default) and an optional ``spec`` (the catalogue's defaults), and results are
cached per (store, data version, spec, year): nothing is recomputed until a new report lands.

>>> from metrics import audit, api
>>> api.default_spec().catalogue_version
'fifth-plan/1'

The other examples read the configured store holding the demo province (``egov demo --province QM``,
or ``make demo``); ``tests/test_api_docs.py`` runs every one of them on a fresh demo store.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from metrics import audit, data
from metrics.catalogue import Catalogue, default_catalogue, load_catalogue
from metrics.maturity import STAGE_NAMES, agency_maturity, group_maturity
from metrics.robustness import rank_robustness
from metrics.score import STATUSES, ScoreResult, ScoringSpec, score_agencies
from store.engine import open_store, store_key
from store.models import Event

__all__ = [
    "STATUSES",
    "ScoringSpec",
    "agencies",
    "audit_log",
    "catalogue",
    "claimed_vs_observed",
    "completeness",
    "default_spec",
    "honours_and_laggards",
    "indicator_scores",
    "ingest_jobs",
    "maturity",
    "one_version",
    "province_maturity",
    "rank_intervals",
    "ranks",
    "review_queue",
    "score_result",
    "scores",
    "submissions",
    "trajectory",
]

_CACHE: OrderedDict[tuple[str, int, str, int], ScoreResult] = OrderedDict()
_CACHE_SIZE = 32


def _engine(engine: Engine | None) -> Engine:
    return engine if engine is not None else open_store()


@lru_cache(maxsize=8)
def _catalogue_at(path: str | None) -> Catalogue:
    return default_catalogue() if path is None else load_catalogue(Path(path))


def catalogue(path: str | Path | None = None) -> Catalogue:
    """The indicator catalogue (the Fifth Plan's by default; any catalogue file by path).

    >>> api.catalogue().plan.target_year
    1394
    """
    return _catalogue_at(None if path is None else str(path))


def default_spec(cat: Catalogue | None = None) -> ScoringSpec:
    """The catalogue's default scoring choices; change one with ``spec.replace(normalisation="min_max")``.

    >>> api.default_spec().replace(aggregation="geometric").aggregation
    'geometric'
    """
    return ScoringSpec.default_for(cat or catalogue())


_LAST_EVENT = select(func.coalesce(func.max(Event.id), 0))
"""Built once: building the statement cost more (≈ 0.1 ms) than running it, on every request."""


def data_version(engine: Engine | None = None) -> int:
    """Changes whenever reported data changes (every store writes an event): the cache key."""
    engine = _engine(engine)
    # --- dashboard caches: one data version per request (see one_version) ---
    pinned = _PINNED.get()
    if pinned is not None and store_key(engine) in pinned:
        return pinned[store_key(engine)]
    # --- end dashboard caches ---
    with engine.connect() as connection:
        version = int(connection.scalar(_LAST_EVENT) or 0)
    if pinned is not None:  # dashboard caches
        pinned[store_key(engine)] = version
    return version


# --- dashboard caches: one data version per request, derived frames kept per version ---
_PINNED: ContextVar[dict[str, int] | None] = ContextVar("egov_pinned_data_versions", default=None)
_DERIVED: OrderedDict[tuple[object, ...], Any] = OrderedDict()
_DERIVED_SIZE = 64


@contextmanager
def one_version() -> Iterator[None]:
    """Inside the block each store's data version is read once and then held: every number a dashboard
    request shows comes from one version, and the ``max(events.id)`` query runs once, not once per call.

    >>> with api.one_version():
    ...     api.data_version() == api.data_version()
    True
    """
    if _PINNED.get() is not None:  # already inside one: the outer block decides
        yield
        return
    token = _PINNED.set({})
    try:
        yield
    finally:
        _PINNED.reset(token)


def _derived(engine: Engine, name: tuple[object, ...], build: Callable[[], Any]) -> Any:
    """Something computed from the scores (a joined table, an index of its rows), kept per (store, data
    version, ``name``) like the scores themselves. Shared, never handed out as is: callers copy or slice."""
    key = (store_key(engine), data_version(engine), *name)
    if key in _DERIVED:
        _DERIVED.move_to_end(key)
        return _DERIVED[key]
    value = _DERIVED[key] = build()
    while len(_DERIVED) > _DERIVED_SIZE:
        _DERIVED.popitem(last=False)
    return value


# --- end dashboard caches ---


_FRAMES: OrderedDict[tuple[str, int, str], pd.DataFrame] = OrderedDict()
_FRAMES_SIZE = 32


def _store_frame(engine: Engine, name: str, read: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """A frame read from (or computed over) the store, kept per (store, data version, ``name``).

    The same rule as :func:`score_result`: nothing is read again until a new report lands. Callers get
    a copy, so a caller that adds a column does not change what the next one sees (a shallow one: with
    pandas' copy-on-write a change to it copies what it changes, and the kept frame stays as it was).
    """
    key = (store_key(engine), data_version(engine), name)
    if key in _FRAMES:
        _FRAMES.move_to_end(key)
    else:
        _FRAMES[key] = read()
        while len(_FRAMES) > _FRAMES_SIZE:
            _FRAMES.popitem(last=False)
    return _FRAMES[key].copy(deep=False)


def _reported(engine: Engine, include_pending: bool = False) -> pd.DataFrame:
    """Approved values (and, with ``include_pending``, those waiting for review): ``store.workflow``."""
    return _store_frame(
        engine,
        f"reported_values/pending={include_pending}",
        lambda: data.reported_values_frame(engine, include_pending=include_pending),
    )


def _agencies(engine: Engine) -> pd.DataFrame:
    return _store_frame(engine, "agencies", lambda: data.agencies_frame(engine))


def score_result(
    year: int, *, spec: ScoringSpec | None = None, engine: Engine | None = None, cat: Catalogue | None = None
) -> ScoreResult:
    """The whole scoring of ``year`` (agencies, groups, indicators), cached per data version and spec.

    ``cat`` scores with another catalogue (a modified copy, say); its spec must name its version.

    >>> result = api.score_result(1394)
    >>> result.year, result.spec.plan, list(result.groups.columns[:2])
    (1394, 'fifth', ['egov_index', 'files'])
    """
    engine = _engine(engine)
    cat = cat or catalogue()
    spec = spec or default_spec(cat)
    if spec.catalogue_version != cat.version:
        raise ValueError(f"spec is for catalogue {spec.catalogue_version}, not {cat.version}")
    key = (store_key(engine), data_version(engine), spec.fingerprint(), year)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    result = score_agencies(cat, _reported(engine, spec.include_pending), _agencies(engine), year=year, spec=spec)
    _CACHE[key] = result
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return result


def agencies(engine: Engine | None = None) -> pd.DataFrame:
    """Every agency with its province, county, district and sector (names in Persian and English).

    >>> api.agencies().loc["QM-GOV", ["name_en", "kind", "province_code"]].tolist()
    ['Qom Governorate', 'governorate', 'QM']
    """
    return _agencies(_engine(engine))


def scores(
    year: int,
    *,
    province: str | None = None,
    spec: ScoringSpec | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """One row per agency: index score, pillar scores, coverage, status counts, ranks and their change.

    Columns ``rank_province``, ``rank_county``, ``rank_sector`` are competition ranks ("1224");
    ``rank_change`` is the previous year's provincial rank minus this year's (positive = moved up).
    Unscored agencies have no rank and say why in ``not_scored_reason``. ``frame.attrs`` holds the
    plan, catalogue version and the full scoring spec.

    >>> table = api.scores(1394, province="QM")
    >>> int(table["rank_province"].min()), table.attrs["spec"]["catalogue_version"]
    (1, 'fifth-plan/1')
    >>> bool(table.loc[~table["scored"], "not_scored_reason"].notna().all())
    True
    """
    # --- dashboard caches: the country's table is built once per data version and spec ---
    engine = _engine(engine)
    spec = spec or default_spec()
    table, provinces = _derived(
        engine, ("scores", spec.fingerprint(), year), lambda: _by_province(_scores_table(year, spec, engine))
    )
    if province is not None:
        return provinces[province].copy(deep=False) if province in provinces else table.iloc[0:0]
    return table.copy(deep=False)


def _by_province(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    groups = table.groupby("province_code", sort=False).indices
    return table, {str(province): table.iloc[rows] for province, rows in groups.items()}


def _scores_table(year: int, spec: ScoringSpec, engine: Engine) -> pd.DataFrame:
    # --- end dashboard caches ---
    result = score_result(year, spec=spec, engine=engine)
    table = result.agencies.join(result.groups.drop(columns=[catalogue().root.code]).add_prefix("pillar_"))
    previous = _previous_ranks(year, spec=spec, engine=engine)
    table["previous_rank_province"] = previous.reindex(table.index).astype("Int64")
    table["rank_change"] = (table["previous_rank_province"] - table["rank_province"]).astype("Int64")
    table["year"] = year
    table["plan"] = result.spec.plan
    table["catalogue_version"] = result.spec.catalogue_version
    table["spec_fingerprint"] = result.spec.fingerprint()
    table.attrs["spec"] = result.spec.model_dump()
    return table.sort_values(["province_code", "rank_province", "index_score"], na_position="last")


def _previous_ranks(year: int, *, spec: ScoringSpec | None, engine: Engine | None) -> pd.Series:
    if year - 1 < catalogue().plan.first_year:
        return pd.Series(dtype="Int64")
    return score_result(year - 1, spec=spec, engine=engine).agencies["rank_province"]


def ranks(
    year: int,
    *,
    scope: str = "province",
    province: str | None = None,
    spec: ScoringSpec | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """The ranking table for one scope (province, county or sector), best first, with the change.

    >>> api.ranks(1394, province="QM")["rank"].head(3).tolist()
    [1, 2, 3]
    >>> api.ranks(1394, scope="sector", province="QM").columns[:3].tolist()
    ['name_fa', 'name_en', 'province_code']
    """
    if scope not in ("province", "county", "sector"):
        raise ValueError(f"scope must be province, county or sector, not {scope!r}")
    table = scores(year, province=province, spec=spec, engine=engine)
    columns = [
        "name_fa",
        "name_en",
        "province_code",
        "county_code",
        "sector_code",
        f"rank_{scope}",
        "index_score",
        "rank_change",
        "scored",
        "not_scored_reason",
        *[f"{status}_count" for status in STATUSES],
    ]
    return table[columns].rename(columns={f"rank_{scope}": "rank"}).sort_values("rank", na_position="last")


def rank_intervals(
    year: int,
    *,
    draws: int = 1000,
    seed: int = 1394,
    province: str | None = None,
    spec: ScoringSpec | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """How robust each agency's provincial rank is to the weights, normalisation and aggregation.

    One row per agency: ``nominal_rank`` (the rank under ``spec``, as in :func:`ranks`), the
    ``median_rank`` and ``p5_rank``–``p95_rank`` interval over ``draws`` Monte Carlo draws (seeded,
    so reproducible), ``interval_width``, ``robust`` (width within the catalogue's
    ``scoring.robustness.max_interval_width``) and ``ranked_share``. ``frame.attrs`` holds the draw
    settings and ``sensitivity``: the share of rank variance each uncertain input explains.

    >>> intervals = api.rank_intervals(1394, province="QM", draws=100)
    >>> ranked = intervals.dropna(subset=["nominal_rank"])
    >>> bool((ranked["p5_rank"] <= ranked["p95_rank"]).all())
    True
    >>> sensitivity = intervals.attrs["sensitivity"]
    >>> max(sensitivity, key=sensitivity.get)  # on the demo, the choice of mean moves ranks most
    'aggregation'
    """
    cat = catalogue()
    result = score_result(year, spec=spec, engine=engine)
    codes = [i.code for i in cat.indicators]
    values = result.indicators.pivot(index="agency_code", columns="indicator", values="value")
    values = values.reindex(index=result.agencies.index, columns=codes)
    settings = type(cat.scoring.robustness).model_validate(
        {**cat.scoring.robustness.model_dump(), "draws": draws, "seed": seed}
    )
    robustness = rank_robustness(
        cat, values, groups=result.agencies["province_code"], spec=result.spec, settings=settings
    )
    columns = ["name_fa", "name_en", "province_code", "index_score"]
    table = result.agencies[columns].join(robustness.intervals.drop(columns=["group"]))
    if province is not None:
        table = table[table["province_code"] == province]
    table.attrs["settings"] = robustness.intervals.attrs["settings"]
    table.attrs["sensitivity"] = robustness.sensitivity["first_order"].to_dict()
    table.attrs["spec"] = result.spec.model_dump()
    return table.sort_values(["province_code", "nominal_rank", "median_rank"], na_position="last")


def indicator_scores(
    year: int, *, agency: str | None = None, spec: ScoringSpec | None = None, engine: Engine | None = None
) -> pd.DataFrame:
    """One row per agency × indicator: value, 0–100 score, the path's target for the year,
    achievement, status, trend slope, the value projected for the target year, the year the
    target would be reached at the current pace, and whether the value was imputed.

    >>> rows = api.indicator_scores(1394, agency="QM-GOV")
    >>> len(rows) == len(api.catalogue().indicators)
    True
    >>> set(rows["status"]) <= {*api.STATUSES, "not_scored"}
    True
    """
    # --- dashboard caches: the named table and where each agency's rows are, once per data version and spec ---
    engine = _engine(engine)
    spec = spec or default_spec()
    table, rows, _path = _indicator_table(year, spec, engine)
    if agency is None:
        return table.copy(deep=False)
    return table.take(rows.get(agency, [])).reset_index(drop=True)


_NO_ROWS = np.empty(0, dtype=np.intp)
_PATH_COLUMNS = ["indicator", "indicator_fa", "indicator_en", "value", "period_target", "status"]


def _indicator_table(year: int, spec: ScoringSpec, engine: Engine) -> tuple[pd.DataFrame, dict[Any, Any], _Columns]:
    """The year's indicator table with names, the positions of each agency's rows in it, and the
    columns :func:`trajectory` picks from it (with the year) as arrays, kept per data version and spec."""
    return _derived(
        engine,
        ("indicator_scores", spec.fingerprint(), year),
        lambda: _named_indicators(score_result(year, spec=spec, engine=engine).indicators, year),
    )


_Columns = dict[str, tuple[Any, Any]]
"""Column → (its values as a NumPy array, its dtype): rows picked by position without pandas' ``take``."""


def _named_indicators(table: pd.DataFrame, year: int) -> tuple[pd.DataFrame, dict[Any, Any], _Columns]:
    # --- end dashboard caches ---
    names = pd.DataFrame(
        [(i.code, i.parent, i.name_fa, i.name_en, i.unit) for i in catalogue().indicators],
        columns=["indicator", "pillar", "indicator_fa", "indicator_en", "unit"],
    )
    named = table.merge(names, on="indicator", how="left")
    # --- dashboard caches ---
    path = named[_PATH_COLUMNS].assign(year=year)
    columns = {column: (path[column].to_numpy(), path[column].dtype) for column in path.columns}
    return named, named.groupby("agency_code", sort=False).indices, columns


def trajectory(agency: str, *, engine: Engine | None = None) -> pd.DataFrame:
    """Every indicator of one agency, year by year: its value and the path's target for that year.

    >>> path = api.trajectory("QM-GOV")
    >>> sorted(path["year"].unique().tolist())
    [1390, 1391, 1392, 1393, 1394]
    """
    cat = catalogue()
    # --- dashboard caches: each year's rows of the agency picked from the kept tables' arrays ---
    engine, spec = _engine(engine), default_spec(cat)
    picked: dict[str, list[Any]] = {}
    dtypes: dict[str, Any] = {}
    for year in range(cat.plan.first_year, cat.plan.target_year + 1):
        _table, rows, columns = _indicator_table(year, spec, engine)
        at = rows.get(agency, _NO_ROWS)
        for column, (values, dtype) in columns.items():
            picked.setdefault(column, []).append(values[at])
            dtypes[column] = dtype
    frame = pd.DataFrame(
        {column: pd.array(np.concatenate(parts), dtype=dtypes[column]) for column, parts in picked.items()}
    )
    # --- end dashboard caches ---
    return frame


def maturity(year: int, *, engine: Engine | None = None) -> pd.DataFrame:
    """Each agency's maturity stage for ``year`` from its reported services' levels.

    >>> api.maturity(1394).loc["QM-GOV", ["stage", "stage_en"]].tolist()
    ['services_interactive', 'interactive']
    """
    engine = _engine(engine)
    return _store_frame(engine, f"maturity/{year}", lambda: _maturity(year, engine))


def _maturity(year: int, engine: Engine) -> pd.DataFrame:
    reported = _reported(engine)
    this_year = (
        reported.xs(year, level="year") if year in reported.index.get_level_values("year") else reported.iloc[0:0]
    )
    frame = agency_maturity(catalogue(), this_year.reindex(_agencies(engine).index))
    frame["stage_fa"] = frame["stage"].map(lambda s: STAGE_NAMES.get(s, (None, None))[0] if s else None)
    frame["stage_en"] = frame["stage"].map(lambda s: STAGE_NAMES.get(s, (None, None))[1] if s else None)
    return frame


def province_maturity(year: int, *, engine: Engine | None = None) -> pd.DataFrame:
    """The maturity stage of each province as a whole (its agencies' services summed).

    >>> api.province_maturity(1394).loc["QM", "stage_en"]
    'interactive'
    """
    engine = _engine(engine)
    stages = maturity(year, engine=engine)
    provinces = _agencies(engine)["province_code"]
    frame = group_maturity(catalogue(), stages, provinces)
    frame["stage_en"] = frame["stage"].map(lambda s: STAGE_NAMES.get(s, (None, None))[1] if s else None)
    return frame


def submissions(*, current_only: bool = True, agency: str | None = None, engine: Engine | None = None) -> pd.DataFrame:
    """Submissions (by default the one that counts per agency and period), with status and history links;
    ``agency`` keeps one agency's.

    >>> current = api.submissions()
    >>> current.loc[current["agency_code"] == "QM-GOV", "year"].tolist()
    [1390, 1392, 1393, 1394]
    >>> sorted(set(api.submissions(current_only=False)["status"]))  # corrected reports supersede
    ['submitted', 'superseded']
    >>> api.submissions(agency="QM-GOV")["year"].tolist()
    [1390, 1392, 1393, 1394]
    """
    engine = _engine(engine)
    # --- dashboard caches: one agency's rows found through an index kept with the frame ---
    if agency is not None:
        frame, rows = _derived(
            engine,
            ("submissions", current_only),
            lambda: _agency_rows(submissions(current_only=current_only, engine=engine)),
        )
        return frame.take(rows.get(agency, []))
    # --- end dashboard caches ---
    return _store_frame(
        engine, f"submissions/{current_only}", lambda: data.submissions_frame(engine, current_only=current_only)
    )


def _agency_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[Any, Any]]:  # dashboard caches
    return frame, frame.groupby("agency_code", sort=False).indices


def completeness(*, engine: Engine | None = None) -> pd.DataFrame:
    """Agency × plan year: ``reported``, ``late`` (after the period's deadline) or ``missing``.

    >>> api.completeness().loc["QM-GOV"].tolist()
    ['reported', 'missing', 'reported', 'reported', 'reported']
    """
    engine = _engine(engine)
    return _store_frame(engine, "completeness", lambda: _completeness(engine))


def _completeness(engine: Engine) -> pd.DataFrame:
    cat = catalogue()
    years = list(range(cat.plan.first_year, cat.plan.target_year + 1))
    agencies_index = _agencies(engine).index
    subs = data.submissions_frame(engine)
    subs = subs[subs["period_kind"] == "year"]
    deadlines = data.periods_frame(engine).set_index("period_code")["deadline"]
    subs = subs.assign(deadline=subs["period_code"].map(deadlines))
    late = [audit.is_late(at, deadline) for at, deadline in zip(subs["submitted_at"], subs["deadline"], strict=True)]
    subs = subs.assign(state=["late" if x else "reported" for x in late])
    matrix = subs.pivot_table(index="agency_code", columns="year", values="state", aggfunc="first")
    return matrix.reindex(index=agencies_index, columns=years).astype(object).fillna("missing")


def honours_and_laggards(
    year: int,
    *,
    province: str | None = None,
    top_n: int | None = None,
    off_track_at_least: int | None = None,
    spec: ScoringSpec | None = None,
    engine: Engine | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agencies to honour (the top ``top_n`` by provincial rank, ties included) and those that lag
    (off track on ``off_track_at_least`` or more indicators), as lists the governor's office acts on.
    Both default to the catalogue's ``honours_top_n`` and ``laggard_off_track_at_least``.

    >>> honours, laggards = api.honours_and_laggards(1394, province="QM", top_n=3)
    >>> honours["rank_province"].tolist()
    [1, 2, 3]
    >>> bool((laggards["off_track_count"] >= api.catalogue().scoring.laggard_off_track_at_least).all())
    True
    """
    defaults = catalogue().scoring
    top_n = defaults.honours_top_n if top_n is None else top_n
    off_track_at_least = defaults.laggard_off_track_at_least if off_track_at_least is None else off_track_at_least
    table = scores(year, province=province, spec=spec, engine=engine)
    columns = ["name_fa", "name_en", "province_code", "index_score", "rank_province", "off_track_count"]
    honours = table[table["rank_province"].notna() & (table["rank_province"] <= top_n)][columns]
    laggards = table[table["off_track_count"] >= off_track_at_least][columns]
    return honours.sort_values(["province_code", "rank_province"]), laggards.sort_values(
        ["off_track_count", "index_score"], ascending=[False, True]
    )


def claimed_vs_observed(year: int, *, engine: Engine | None = None) -> pd.DataFrame:
    """What each agency's report claims against what its service logs show.

    Claimed: share of services at transactional level or above, share of processes done
    electronically. Observed (digital take-up, completed online transactions) comes from service
    logs; until logs are loaded ``observed_source`` says so and the gap stays missing, not zero.

    >>> gaps = api.claimed_vs_observed(1394)
    >>> gaps.loc["QM-AGRI", ["observed_source", "only_on_paper"]].tolist()  # claims 100%, logs show 5%
    ['service logs', True]
    >>> round(gaps.loc["QM-AGRI", "gap_pct"])
    95
    """
    # --- dashboard caches: kept per data version ---
    engine = _engine(engine)
    return _derived(engine, ("claimed_vs_observed", year), lambda: _claimed_vs_observed(year, engine)).copy(deep=False)


def _claimed_vs_observed(year: int, engine: Engine) -> pd.DataFrame:
    # --- end dashboard caches ---
    table = indicator_scores(year, engine=engine)
    claimed = table.pivot_table(index="agency_code", columns="indicator", values="value", dropna=False)
    frame = pd.DataFrame(index=agencies(engine).index)
    frame["claimed_transactional_pct"] = claimed.get("e_services_transactional_pct")
    frame["claimed_processes_pct"] = claimed.get("electronic_processes_pct")
    frame["observed_digital_takeup_pct"] = claimed.get("digital_takeup_pct")
    frame["observed_completion_rate_pct"] = claimed.get("completion_rate_pct")
    frame["gap_pct"] = frame["claimed_transactional_pct"] - frame["observed_digital_takeup_pct"]
    has_logs = frame["observed_digital_takeup_pct"].notna()
    frame["observed_source"] = has_logs.map({True: "service logs", False: "no service logs loaded"})
    frame["only_on_paper"] = (frame["gap_pct"] >= catalogue().scoring.paper_gap_points).where(has_logs)
    return frame


# --- log uploads/jobs ---
def ingest_jobs(*, kind: str | None = None, limit: int | None = 50, engine: Engine | None = None) -> pd.DataFrame:
    """The latest ingest jobs, newest first: who or what started them, file, times, status, row counts.

    Every log ingest (command line, inbox folder, web page) is recorded as a job; ``limit=None`` gives all.

    >>> jobs = api.ingest_jobs(kind="logs")
    >>> list(jobs.columns[:5]), list(jobs.columns[8:12])
    (['job_id', 'kind', 'trigger', 'started_by', 'file_name'], ['status', 'rows_read', 'rows_accepted', 'rows_rejected'])
    >>> jobs["job_id"].is_monotonic_decreasing
    True
    """
    return data.ingest_jobs_frame(_engine(engine), kind=kind, limit=limit)


def ingest_jobs_version(*, engine: Engine | None = None) -> int:
    """The newest job's number (0 with none): a job is written once, whole, in its own transaction, so
    the list of jobs changes exactly when this does — a refused file changes no data but is a new job.

    >>> api.ingest_jobs_version() == int(api.ingest_jobs(limit=1)["job_id"].max())
    True
    """
    return data.newest_ingest_job(_engine(engine))


# --- end log uploads/jobs ---


# --- accounts ---
def audit_log(*, province: str | None = None, limit: int | None = None, engine: Engine | None = None) -> pd.DataFrame:
    """The audit log, newest first: who did what, when, from where, with which file (its sha256).

    >>> log = api.audit_log()
    >>> {"submission.stored", "submission.approved"} <= set(log["kind"]), log["event_id"].is_monotonic_decreasing
    (True, True)
    """
    return audit.audit_frame(_engine(engine), province=province, limit=limit)


def review_queue(*, province: str | None = None, engine: Engine | None = None) -> pd.DataFrame:
    """Submissions and their review (pending first), with ``late`` against the period's deadline.

    >>> queue = api.review_queue(province="QM")
    >>> sorted(set(queue["review_status"])), 0 < int(queue["late"].sum()) < len(queue) / 4  # a few late
    (['approved'], True)
    """
    return audit.review_frame(_engine(engine), province=province)


# --- end accounts ---
