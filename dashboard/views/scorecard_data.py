"""Everything the agency scorecard shows, fetched once from ``metrics.api``; the page and its Excel
download are two renderers of this one bundle."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from metrics import api


@dataclass(frozen=True)
class ScorecardData:
    """One agency in one plan year, and what it is compared with."""

    agency_code: str
    year: int
    agency: pd.Series
    """The agency's row of ``api.scores``: names, place, index, pillars, coverage, ranks, status counts."""
    peers: pd.DataFrame
    """``api.scores`` of every agency in the same province (the agency included)."""
    indicators: pd.DataFrame
    """``api.indicator_scores`` of the agency for the year."""
    trajectory: pd.DataFrame
    """``api.trajectory``: each indicator's value and path target for every plan year."""
    stage: pd.Series | None
    """The agency's row of ``api.maturity`` (``None`` when it has none)."""
    claims: pd.Series | None
    """The agency's row of ``api.claimed_vs_observed``."""
    submissions: pd.DataFrame
    """Every submission of the agency, current and superseded."""


def fetch_scorecard(
    agency_code: str, year: int, *, engine: Engine, with_trajectory: bool = True
) -> ScorecardData | None:
    """The bundle for an agency and a year, or ``None`` when the agency does not exist. Without
    ``with_trajectory`` (the Excel file has no paths), ``trajectory`` is left empty."""
    scores = api.scores(year, engine=engine)
    if agency_code not in scores.index:
        return None
    agency = scores.loc[agency_code]
    stages = api.maturity(year, engine=engine)
    claims = api.claimed_vs_observed(year, engine=engine)
    return ScorecardData(
        agency_code=agency_code,
        year=year,
        agency=agency,
        peers=api.scores(year, province=agency["province_code"], engine=engine),
        indicators=api.indicator_scores(year, agency=agency_code, engine=engine).reset_index(drop=True),
        trajectory=api.trajectory(agency_code, engine=engine) if with_trajectory else pd.DataFrame(),
        stage=stages.loc[agency_code] if agency_code in stages.index else None,
        claims=claims.loc[agency_code] if agency_code in claims.index else None,
        submissions=api.submissions(current_only=False, agency=agency_code, engine=engine),
    )
