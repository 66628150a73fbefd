"""Evaluate declared formulas over a frame of reported values, vectorised, without ``eval``.

Rows of the frame are agency × period, columns are input names (self-report fields and ``log.<kpi>``).
A missing input, a missing column (log KPIs before any logs are loaded) or a zero denominator gives NaN:
not reported is not zero. Only an indicator whose missing treatment says ``zero`` turns NaN into 0, and
``carry_forward`` repeats an agency's last value; both are flagged so a reader can see what was imputed.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from metrics.catalogue import (
    AnswerScoreFormula,
    BooleanFormula,
    ChoiceScoreFormula,
    Formula,
    Indicator,
    LevelScoreFormula,
    MissingTreatment,
    RatioFormula,
    ShareOfSumFormula,
    ValueFormula,
)


class IndicatorValues(NamedTuple):
    """An indicator's values and which of them were imputed by its missing treatment."""

    values: pd.Series
    imputed: pd.Series


def input_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """One input as floats; an absent column is all missing (e.g. a log KPI not loaded yet)."""
    if name not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64", name=name)
    return pd.to_numeric(frame[name], errors="coerce").astype("float64")


def _sum_inputs(frame: pd.DataFrame, names: str | tuple[str, ...]) -> pd.Series:
    """The sum of inputs; missing if any one is missing (a partial sum would understate)."""
    columns = (names,) if isinstance(names, str) else names
    total = input_column(frame, columns[0])
    for name in columns[1:]:
        total = total + input_column(frame, name)
    return total


def _divide(numerator: pd.Series, denominator: pd.Series, scale: float) -> pd.Series:
    """``scale × n / d`` with a zero denominator giving NaN, not infinity or 0."""
    safe = denominator.where(denominator != 0)
    return scale * numerator / safe


def _ratio(formula: RatioFormula, frame: pd.DataFrame) -> pd.Series:
    return _divide(_sum_inputs(frame, formula.numerator), _sum_inputs(frame, formula.denominator), formula.scale)


def _share_of_sum(formula: ShareOfSumFormula, frame: pd.DataFrame) -> pd.Series:
    return _divide(_sum_inputs(frame, formula.part), _sum_inputs(frame, formula.parts), formula.scale)


def _boolean(formula: BooleanFormula, frame: pd.DataFrame) -> pd.Series:
    flag = input_column(frame, formula.field)
    return (flag.where(flag.isin([0.0, 1.0])) * formula.scale).astype("float64")


def _level_score(formula: LevelScoreFormula, frame: pd.DataFrame) -> pd.Series:
    weighted = pd.Series(0.0, index=frame.index)
    for name, score in formula.counts.items():
        weighted = weighted + score * input_column(frame, name)
    return _divide(weighted, input_column(frame, formula.total), 1.0)


def _choice_score(formula: ChoiceScoreFormula, frame: pd.DataFrame) -> pd.Series:
    ordinal = input_column(frame, formula.field).to_numpy()
    scores = np.asarray(formula.scores, dtype="float64")
    valid = np.isfinite(ordinal) & (ordinal == np.round(ordinal)) & (ordinal >= 0) & (ordinal < len(scores))
    positions = np.where(valid, ordinal, 0).astype(np.int64)
    return pd.Series(np.where(valid, scores[positions], np.nan), index=frame.index)


def _answer_score(formula: AnswerScoreFormula, frame: pd.DataFrame) -> pd.Series:
    """Each answer's declared score; blank and "not relevant" (declared ``null``) are missing.

    >>> formula = AnswerScoreFormula(op="answer_score", field="eid", scores={"yes": 100, "no": 0, "not relevant": None})
    >>> evaluate_formula(formula, pd.DataFrame({"eid": ["yes", " no", "not relevant", None]})).tolist()
    [100.0, 0.0, nan, nan]
    """
    if formula.field not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype="float64")
    raw = frame[formula.field]
    answered = raw.notna()
    answers = raw[answered].astype(str).str.strip()
    unknown = sorted(set(answers) - set(formula.scores))
    if unknown:
        raise ValueError(
            f"column {formula.field!r}: answers {unknown} are not declared; expected one of {list(formula.scores)}"
        )
    table = {answer: np.nan if score is None else float(score) for answer, score in formula.scores.items()}
    return answers.map(table).reindex(frame.index).astype("float64")


def _value(formula: ValueFormula, frame: pd.DataFrame) -> pd.Series:
    return input_column(frame, formula.field)


def evaluate_formula(formula: Formula, frame: pd.DataFrame) -> pd.Series:
    """Compute a formula for every row of ``frame``; missing stays NaN.

    >>> from metrics.catalogue import RatioFormula
    >>> frame = pd.DataFrame({"files_electronic": [30, 5, None], "files_total": [120, 0, 10]})
    >>> evaluate_formula(RatioFormula(op="ratio", numerator="files_electronic", denominator="files_total"), frame)
    0    25.0
    1     NaN
    2     NaN
    dtype: float64
    """
    if isinstance(formula, RatioFormula):
        result = _ratio(formula, frame)
    elif isinstance(formula, ShareOfSumFormula):
        result = _share_of_sum(formula, frame)
    elif isinstance(formula, BooleanFormula):
        result = _boolean(formula, frame)
    elif isinstance(formula, LevelScoreFormula):
        result = _level_score(formula, frame)
    elif isinstance(formula, ChoiceScoreFormula):
        result = _choice_score(formula, frame)
    elif isinstance(formula, AnswerScoreFormula):
        result = _answer_score(formula, frame)
    else:
        result = _value(formula, frame)
    return result.astype("float64").rename(None)


def apply_missing(values: pd.Series, treatment: MissingTreatment, *, entity_level: int | str = 0) -> IndicatorValues:
    """Apply a missing treatment; ``carry_forward`` needs an (entity, period) index with sortable periods.

    >>> index = pd.MultiIndex.from_tuples([("A", "1391"), ("A", "1392"), ("B", "1391")])
    >>> result = apply_missing(pd.Series([10.0, None, None], index=index), "carry_forward")
    >>> result.values.tolist(), result.imputed.tolist()
    ([10.0, 10.0, nan], [False, True, False])
    """
    missing = values.isna()
    if treatment == "missing":
        return IndicatorValues(values, pd.Series(False, index=values.index))
    if treatment == "zero":
        return IndicatorValues(values.fillna(0.0), missing)
    ordered = values.sort_index()
    filled = ordered.groupby(level=entity_level, sort=False).ffill().reindex(values.index)
    return IndicatorValues(filled, missing & filled.notna())


def evaluate_indicator(indicator: Indicator, frame: pd.DataFrame, *, entity_level: int | str = 0) -> IndicatorValues:
    """An indicator's values for every row, after its declared missing treatment."""
    raw = evaluate_formula(indicator.formula, frame).rename(indicator.code)
    return apply_missing(raw, indicator.missing, entity_level=entity_level)


def evaluate_indicators(indicators: tuple[Indicator, ...], frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every indicator at once: (values, imputed flags), each a frame with one column per indicator."""
    results = {i.code: evaluate_indicator(i, frame) for i in indicators}
    values = pd.DataFrame({code: r.values for code, r in results.items()}, index=frame.index)
    imputed = pd.DataFrame({code: r.imputed for code, r in results.items()}, index=frame.index)
    return values, imputed
