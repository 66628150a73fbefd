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


FloatArray = np.ndarray


class Inputs:
    """The frame's input columns as float arrays, each converted once however many formulas use it.

    Arithmetic on NumPy arrays instead of index-aligned Series is what keeps a nation-sized scoring
    close to the bare arithmetic.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self._cache: dict[str, FloatArray] = {}

    def __len__(self) -> int:
        return len(self.frame)

    def column(self, name: str) -> FloatArray:
        """One input as floats; an absent column is all missing (e.g. a log KPI not loaded yet)."""
        if name not in self._cache:
            if name not in self.frame.columns:
                self._cache[name] = np.full(len(self.frame), np.nan)
            else:
                column = self.frame[name]
                if not pd.api.types.is_numeric_dtype(column.dtype):
                    column = pd.to_numeric(column, errors="coerce")
                self._cache[name] = column.to_numpy(dtype=np.float64, na_value=np.nan)
        return self._cache[name]


def input_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """One input as a float Series; an absent column is all missing."""
    return pd.Series(Inputs(frame).column(name), index=frame.index, name=name)


def _sum_inputs(inputs: Inputs, names: str | tuple[str, ...]) -> FloatArray:
    """The sum of inputs; missing if any one is missing (a partial sum would understate)."""
    columns = (names,) if isinstance(names, str) else names
    total = inputs.column(columns[0])
    for name in columns[1:]:
        total = total + inputs.column(name)
    return total


def _divide(numerator: FloatArray, denominator: FloatArray, scale: float) -> FloatArray:
    """``scale × n / d`` with a zero denominator giving NaN, not infinity or 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        result = numerator / denominator
    if scale != 1.0:
        result *= scale
    result[denominator == 0] = np.nan
    return result


def _ratio(formula: RatioFormula, inputs: Inputs) -> FloatArray:
    return _divide(_sum_inputs(inputs, formula.numerator), _sum_inputs(inputs, formula.denominator), formula.scale)


def _share_of_sum(formula: ShareOfSumFormula, inputs: Inputs) -> FloatArray:
    return _divide(_sum_inputs(inputs, formula.part), _sum_inputs(inputs, formula.parts), formula.scale)


def _boolean(formula: BooleanFormula, inputs: Inputs) -> FloatArray:
    flag = inputs.column(formula.field)
    return np.where((flag == 0.0) | (flag == 1.0), flag * formula.scale, np.nan)


def _level_score(formula: LevelScoreFormula, inputs: Inputs) -> FloatArray:
    weighted = np.zeros(len(inputs))
    for name, score in formula.counts.items():
        weighted = weighted + score * inputs.column(name)
    return _divide(weighted, inputs.column(formula.total), 1.0)


def _choice_score(formula: ChoiceScoreFormula, inputs: Inputs) -> FloatArray:
    ordinal = inputs.column(formula.field)
    scores = np.asarray(formula.scores, dtype="float64")
    valid = np.isfinite(ordinal) & (ordinal == np.round(ordinal)) & (ordinal >= 0) & (ordinal < len(scores))
    positions = np.where(valid, ordinal, 0).astype(np.int64)
    return np.where(valid, scores[positions], np.nan)


def _answer_score(formula: AnswerScoreFormula, inputs: Inputs) -> FloatArray:
    """Each answer's declared score; blank and "not relevant" (declared ``null``) are missing.

    >>> formula = AnswerScoreFormula(op="answer_score", field="eid", scores={"yes": 100, "no": 0, "not relevant": None})
    >>> evaluate_formula(formula, pd.DataFrame({"eid": ["yes", " no", "not relevant", None]})).tolist()
    [100.0, 0.0, nan, nan]
    """
    frame = inputs.frame
    if formula.field not in frame.columns:
        return np.full(len(frame), np.nan)
    raw = frame[formula.field]
    answered = raw.notna()
    answers = raw[answered].astype(str).str.strip()
    unknown = sorted(set(answers) - set(formula.scores))
    if unknown:
        raise ValueError(
            f"column {formula.field!r}: answers {unknown} are not declared; expected one of {list(formula.scores)}"
        )
    table = {answer: np.nan if score is None else float(score) for answer, score in formula.scores.items()}
    return answers.map(table).reindex(frame.index).to_numpy(dtype=np.float64, na_value=np.nan)


def _value(formula: ValueFormula, inputs: Inputs) -> FloatArray:
    return inputs.column(formula.field)


def evaluate_array(formula: Formula, inputs: Inputs) -> FloatArray:
    """A formula's values for every row, as a float array (missing stays NaN)."""
    if isinstance(formula, RatioFormula):
        return _ratio(formula, inputs)
    if isinstance(formula, ShareOfSumFormula):
        return _share_of_sum(formula, inputs)
    if isinstance(formula, BooleanFormula):
        return _boolean(formula, inputs)
    if isinstance(formula, LevelScoreFormula):
        return _level_score(formula, inputs)
    if isinstance(formula, ChoiceScoreFormula):
        return _choice_score(formula, inputs)
    if isinstance(formula, AnswerScoreFormula):
        return _answer_score(formula, inputs)
    return _value(formula, inputs)


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
    return pd.Series(evaluate_array(formula, Inputs(frame)), index=frame.index, dtype="float64")


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


def evaluate_indicator(
    indicator: Indicator, frame: pd.DataFrame, *, entity_level: int | str = 0, inputs: Inputs | None = None
) -> IndicatorValues:
    """An indicator's values for every row, after its declared missing treatment."""
    raw = pd.Series(evaluate_array(indicator.formula, inputs or Inputs(frame)), index=frame.index, name=indicator.code)
    return apply_missing(raw, indicator.missing, entity_level=entity_level)


def evaluate_indicators(indicators: tuple[Indicator, ...], frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every indicator at once: (values, imputed flags), each a frame with one column per indicator.

    Indicators whose missing treatment is ``missing`` (the default) are computed straight into one
    array; only ``zero`` and ``carry_forward`` need the per-indicator pandas path."""
    inputs = Inputs(frame)
    values = np.empty((len(frame), len(indicators)))
    imputed = np.zeros((len(frame), len(indicators)), dtype=bool)
    for column, indicator in enumerate(indicators):
        if indicator.missing == "missing":
            values[:, column] = evaluate_array(indicator.formula, inputs)
            continue
        result = evaluate_indicator(indicator, frame, inputs=inputs)
        values[:, column] = result.values.to_numpy(dtype=np.float64)
        imputed[:, column] = result.imputed.to_numpy(dtype=bool)
    codes = [i.code for i in indicators]
    return (
        pd.DataFrame(values, index=frame.index, columns=codes),
        pd.DataFrame(imputed, index=frame.index, columns=codes),
    )
