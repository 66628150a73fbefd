"""The indicator catalogue, declared as data and validated once.

A catalogue file (``data/catalogues/*.yaml``) holds one plan, its scoring defaults, the log KPIs it may
reference, and a tree of nodes: one root index, groups (pillars, sub-pillars, any depth) and indicators,
linked by a ``parent`` column as in JRC's COINr. Formulas are declared operations over named inputs, so
nothing in a catalogue is ever evaluated as Python. A later plan is a new file, not new code.

Inputs are named in two source kinds:

* ``report`` — a self-report field, spelled exactly as in the self-report schema (``files_total``);
* ``log`` — a KPI aggregated from service logs, spelled ``log.<kpi>`` and declared under ``log_kpis``.

This module does not import ``ingest``: that report fields exist is checked by the definition tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "data" / "catalogues"
DEFAULT_CATALOGUE_PATH = CATALOGUE_DIR / "fifth-plan.yaml"

LOG_PREFIX = "log."
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")
_CODE = re.compile(r"[a-z][a-z0-9_.-]*")

InputSource = Literal["report", "log"]
Normalisation = Literal["distance_to_target", "min_max", "z_score", "goalposts", "rank", "none"]
Aggregation = Literal["arithmetic", "geometric", "harmonic"]
# What a group may declare: the means above, or a published rule that is not a modelling choice
# ("maximum": the EU benchmark's best-of over central-government providers). Only ``Aggregation``
# is offered to scoring specs and sensitivity runs.
GroupAggregation = Literal["arithmetic", "geometric", "harmonic", "maximum"]
MissingTreatment = Literal["missing", "zero", "carry_forward"]


class _Declared(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def input_source(name: str) -> InputSource:
    """Which source an input name refers to: ``log.<kpi>`` is a log KPI, anything else a report field.

    >>> input_source("files_total"), input_source("log.digital_takeup_pct")
    ('report', 'log')
    """
    return "log" if name.startswith(LOG_PREFIX) else "report"


def _check_input_name(name: str) -> str:
    bare = name.removeprefix(LOG_PREFIX)
    if not _FIELD_NAME.fullmatch(bare):
        raise ValueError(f"input {name!r} is not a field name (lower_case) or log.<kpi>")
    return name


InputName = Annotated[str, Field(min_length=1)]


def _names(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


# --- formulas: declared operations only -------------------------------------------------------------------


class _Formula(_Declared):
    def inputs(self) -> tuple[str, ...]:
        """Every input name the formula reads, in declaration order."""
        raise NotImplementedError

    @model_validator(mode="after")
    def _inputs_are_names(self) -> _Formula:
        for name in self.inputs():
            _check_input_name(name)
        return self


class RatioFormula(_Formula):
    """``scale × sum(numerator) / sum(denominator)``: a share such as electronic files of all files."""

    op: Literal["ratio"]
    numerator: InputName | tuple[InputName, ...]
    denominator: InputName | tuple[InputName, ...]
    scale: float = 100.0

    def inputs(self) -> tuple[str, ...]:
        return _names(self.numerator) + _names(self.denominator)


class ShareOfSumFormula(_Formula):
    """``scale × sum(part) / sum(parts)``: one part of a whole reported only as its parts."""

    op: Literal["share_of_sum"]
    part: InputName | tuple[InputName, ...]
    parts: tuple[InputName, ...] = Field(min_length=1)
    scale: float = 100.0

    def inputs(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_names(self.part) + self.parts))

    @model_validator(mode="after")
    def _part_is_in_parts(self) -> ShareOfSumFormula:
        stray = [p for p in _names(self.part) if p not in self.parts]
        if stray:
            raise ValueError(f"part {stray} is not among parts {list(self.parts)}")
        return self


class BooleanFormula(_Formula):
    """A yes/no field stored as 1/0, scored ``scale`` for yes and 0 for no."""

    op: Literal["boolean"]
    field: InputName
    scale: float = 100.0

    def inputs(self) -> tuple[str, ...]:
        return (self.field,)


class LevelScoreFormula(_Formula):
    """Weighted mean level score over all services: ``sum(count × score) / total``.

    Services counted in ``total`` but at no listed level (not electronic) score 0, which is the point:
    the mean is over every identified service, not only the electronic ones.
    """

    op: Literal["level_score"]
    counts: dict[InputName, float] = Field(min_length=1)
    total: InputName

    def inputs(self) -> tuple[str, ...]:
        return (*self.counts, self.total)


class ChoiceScoreFormula(_Formula):
    """A choice stored as its ordinal (0, 1, 2, …), scored by position in ``scores``."""

    op: Literal["choice_score"]
    field: InputName
    scores: tuple[float, ...] = Field(min_length=2)

    def inputs(self) -> tuple[str, ...]:
        return (self.field,)


class AnswerScoreFormula(_Formula):
    """A declared answer (text such as ``forms online``) scored by a table kept in the catalogue.

    An answer mapped to ``null`` is "not relevant": missing, so the weights renormalise over the rest,
    which is how the EU eGovernment Benchmark drops questions that do not apply. A blank cell is not
    reported (also missing); an answer the table does not declare is an error, never a silent gap.
    """

    op: Literal["answer_score"]
    field: InputName
    # A table declared once under the catalogue's ``answer_tables``, copied into ``scores`` on loading;
    # or ``scores`` written out in the formula itself.
    table: str | None = None
    scores: dict[str, float | None] = Field(default_factory=dict)

    def inputs(self) -> tuple[str, ...]:
        return (self.field,)

    @model_validator(mode="after")
    def _answers_are_labels(self) -> AnswerScoreFormula:
        if len(self.scores) < 2:
            where = f"answer table {self.table!r}" if self.table else "scores"
            raise ValueError(f"{self.field}: {where} must declare at least two answers, found {list(self.scores)}")
        blank = [answer for answer in self.scores if not answer.strip() or answer != answer.strip()]
        if blank:
            raise ValueError(f"answers {blank} must be non-empty and carry no leading or trailing spaces")
        if all(score is None for score in self.scores.values()):
            raise ValueError(f"answers {list(self.scores)} are all 'not relevant'; at least one needs a score")
        return self


class ValueFormula(_Formula):
    """The input as it is (a percentage already, or a raw quantity such as a published sub-index)."""

    op: Literal["value"]
    field: InputName

    def inputs(self) -> tuple[str, ...]:
        return (self.field,)


Formula = Annotated[
    RatioFormula
    | ShareOfSumFormula
    | BooleanFormula
    | LevelScoreFormula
    | ChoiceScoreFormula
    | AnswerScoreFormula
    | ValueFormula,
    Field(discriminator="op"),
]


# --- plan, defaults, log KPIs -----------------------------------------------------------------------------


class Plan(_Declared):
    """The plan a catalogue scores against; every score says which plan and catalogue version it used."""

    code: str
    name_fa: str
    name_en: str
    first_year: int
    target_year: int

    @model_validator(mode="after")
    def _years_in_order(self) -> Plan:
        if self.first_year > self.target_year:
            raise ValueError(f"plan {self.code}: first_year {self.first_year} is after target_year {self.target_year}")
        return self

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.target_year


class StatusBands(_Declared):
    """Lower bounds on achievement (progress made / progress required): below ``behind`` is off track."""

    ahead: float = 1.1
    on_track: float = 0.9
    behind: float = 0.6

    @model_validator(mode="after")
    def _descending(self) -> StatusBands:
        if not self.ahead > self.on_track > self.behind:
            raise ValueError(f"status bands must descend: ahead {self.ahead} > on_track {self.on_track} > behind")
        return self


class RobustnessDefaults(_Declared):
    """How the rank-robustness Monte Carlo runs and when a rank counts as robust.

    Each draw perturbs every node weight within its bounds (``Node.bounds(weight_spread)``), picks one
    normalisation for every indicator and one aggregation for every group that declares none, exactly
    as a scoring spec would. ``z_score`` gives negative scores, which have no geometric or harmonic mean,
    so it may only be drawn alongside arithmetic aggregation.
    """

    draws: int = Field(default=1000, ge=1)
    seed: int = 1394
    # Draws processed together: memory grows with block_draws × agencies × components.
    block_draws: int = Field(default=100, ge=1)
    normalisations: tuple[Normalisation, ...] = Field(
        default=("distance_to_target", "min_max", "goalposts"), min_length=1
    )
    aggregations: tuple[Aggregation, ...] = Field(default=("arithmetic", "geometric", "harmonic"), min_length=1)
    # An agency's rank is robust when its 95th minus 5th percentile rank is at most this many places.
    max_interval_width: float = Field(default=3.0, ge=0)
    # Bins of the first-order sensitivity estimator (share of rank variance explained by each input).
    sensitivity_bins: int = Field(default=10, ge=2)

    @model_validator(mode="after")
    def _choices_are_coherent(self) -> RobustnessDefaults:
        if len(set(self.normalisations)) != len(self.normalisations):
            raise ValueError(f"robustness normalisations {self.normalisations} name a method twice")
        if len(set(self.aggregations)) != len(self.aggregations):
            raise ValueError(f"robustness aggregations {self.aggregations} name a method twice")
        if "z_score" in self.normalisations and set(self.aggregations) - {"arithmetic"}:
            raise ValueError("z_score scores can be negative: draw it only with arithmetic aggregation")
        return self


class ScoringDefaults(_Declared):
    """The defaults of the scoring chain; a scoring spec may override any of them per run."""

    normalisation: Normalisation = "distance_to_target"
    aggregation: Aggregation = "arithmetic"
    min_coverage: float = Field(default=0.6, ge=0, le=1)
    score_max: float = Field(default=100.0, gt=0)
    trend_years: int = Field(default=3, ge=2)
    weight_spread: float = Field(default=0.25, ge=0, lt=1)
    # Scores are rounded to this many decimals before ranking, so published-equal scores tie.
    rank_decimals: int | None = Field(default=6, ge=0)
    status_bands: StatusBands = StatusBands()
    # An agency is at a maturity stage when at least this share of its services is at that level or above.
    maturity_threshold: float = Field(default=0.5, gt=0, le=1)
    # The lists a governor's office acts on: the top N to honour, and agencies off track on at least k
    # indicators (k near half the catalogue keeps the list short enough to act on).
    honours_top_n: int = Field(default=5, ge=1)
    laggard_off_track_at_least: int = Field(default=8, ge=1)
    # Claimed minus observed share (percentage points) from which services exist "only on paper".
    paper_gap_points: float = Field(default=30.0, gt=0)
    robustness: RobustnessDefaults = RobustnessDefaults()


class LogKpi(_Declared):
    """A KPI the service-log aggregation provides; referenced in formulas as ``log.<code>``."""

    code: str
    name_fa: str
    name_en: str
    unit: str

    @field_validator("code")
    @classmethod
    def _bare_code(cls, value: str) -> str:
        if not _FIELD_NAME.fullmatch(value):
            raise ValueError(f"log KPI code {value!r} must be lower_case without the 'log.' prefix")
        return value


# --- the tree ---------------------------------------------------------------------------------------------


class _Node(_Declared):
    code: str
    name_fa: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    description_fa: str = ""
    description_en: str = ""
    parent: str | None = None
    weight: float = Field(default=1.0, gt=0)
    weight_bounds: tuple[float, float] | None = None

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str) -> str:
        if not _CODE.fullmatch(value):
            raise ValueError(f"code {value!r} must be lower_case letters, digits, '_', '.', '-'")
        return value

    @model_validator(mode="after")
    def _bounds_hold_weight(self) -> _Node:
        if self.weight_bounds is None:
            return self
        low, high = self.weight_bounds
        if not 0 < low <= self.weight <= high:
            raise ValueError(
                f"{self.code}: weight_bounds [{low}, {high}] must be positive and hold weight {self.weight}"
            )
        return self

    def bounds(self, spread: float) -> tuple[float, float]:
        """Monte Carlo weight bounds: declared, else ``weight × (1 ± spread)``."""
        if self.weight_bounds is not None:
            return self.weight_bounds
        return self.weight * (1 - spread), self.weight * (1 + spread)


class Group(_Node):
    """The root index (no parent) or a pillar / sub-pillar aggregating its children.

    ``aggregation`` declared on a group is part of the index's rule and is not overridden by a scoring
    spec; ``maximum`` (best-of) may only be declared here.

    ``rescale: min_max`` rescales the aggregate over the scored set afterwards, as the UN does for its
    sub-indices; it is off by default because it makes a score depend on who else was scored.
    """

    aggregation: GroupAggregation | None = None
    rescale: Literal["none", "min_max"] = "none"


class AgencyOverride(_Declared):
    """One agency's own target, path or baseline year for an indicator (e.g. a province-agreed plan)."""

    baseline_year: int | None = None
    target: float | None = None
    path: dict[int, float] | None = None


class Indicator(_Node):
    """A leaf of the tree: how to compute a value from inputs and what the plan expects of it."""

    parent: str  # an indicator always hangs under a group
    unit: str
    direction: Literal[1, -1] = 1
    formula: Formula
    missing: MissingTreatment = "missing"
    normalisation: Normalisation | None = None
    goalposts: tuple[float, float] | None = None
    baseline_year: int | None = None
    target_year: int | None = None
    target: float | None = None
    path: dict[int, float] | None = None
    overrides: dict[str, AgencyOverride] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _goalposts_ordered(self) -> Indicator:
        if self.goalposts is not None and not self.goalposts[0] < self.goalposts[1]:
            raise ValueError(f"{self.code}: goalposts {self.goalposts} must be [lower, upper] with lower < upper")
        if self.direction == -1 and self.goalposts is None:
            raise ValueError(
                f"{self.code}: a lower-is-better indicator needs goalposts [best, worst]: its worst value "
                "cannot be assumed the way 0 is for a share"
            )
        return self

    def inputs(self) -> tuple[str, ...]:
        return self.formula.inputs()

    def for_agency(self, agency_code: str) -> Indicator:
        """This indicator with the agency's override (if any) applied to baseline year, target and path."""
        override = self.overrides.get(agency_code)
        if override is None:
            return self
        changes = {k: v for k, v in override.model_dump().items() if v is not None}
        return self.model_copy(update=changes)


class Catalogue(_Declared):
    """A whole catalogue: plan, version, scoring defaults, log KPIs, groups and indicators."""

    version: str
    plan: Plan
    scoring: ScoringDefaults = ScoringDefaults()
    log_kpis: tuple[LogKpi, ...] = ()
    # Named answer → score tables (``null``: not relevant) that ``answer_score`` formulas refer to.
    answer_tables: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    groups: tuple[Group, ...] = Field(min_length=1)
    indicators: tuple[Indicator, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _fill_answer_tables(cls, raw: Any) -> Any:
        """Copy each named answer table into the formulas that refer to it, before they validate."""
        if not isinstance(raw, dict) or not isinstance(raw.get("indicators"), list | tuple):
            return raw
        tables = raw.get("answer_tables") or {}
        return {**raw, "indicators": [_with_answer_table(item, tables) for item in raw["indicators"]]}

    @model_validator(mode="after")
    def _tree_is_sound(self) -> Catalogue:
        _check_unique_codes(self)
        _check_parents(self)
        _check_every_group_used(self)
        _check_log_inputs(self)
        _check_years(self)
        return self

    # The checks above ran, so the lookups below can trust codes and parents.
    @cached_property
    def nodes(self) -> dict[str, Group | Indicator]:
        """Every node by code."""
        return {node.code: node for node in self.iter_nodes()}

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with ``update`` applied (not validated again, as in pydantic).

        pydantic copies the instance ``__dict__``, cached ``nodes`` included; the copy rebuilds it, so a
        catalogue with one weight changed does not keep answering lookups with the old nodes.
        """
        copy = super().model_copy(update=update, deep=deep)
        copy.__dict__.pop("nodes", None)
        return copy

    @property
    def root(self) -> Group:
        """The one group without a parent: the index."""
        return next(g for g in self.groups if g.parent is None)

    def children(self, code: str) -> tuple[Group | Indicator, ...]:
        """The direct children of a group, groups first then indicators, each in file order."""
        return tuple(n for n in self.iter_nodes() if n.parent == code)

    def indicators_under(self, code: str) -> tuple[Indicator, ...]:
        """Every indicator below a group at any depth, in file order."""
        return tuple(i for i in self.indicators if code in self.ancestors(i.code))

    def ancestors(self, code: str) -> tuple[str, ...]:
        """The codes from a node's parent up to the root."""
        chain: list[str] = []
        parent = self.nodes[code].parent
        while parent is not None:
            chain.append(parent)
            parent = self.nodes[parent].parent
        return tuple(chain)

    def groups_bottom_up(self) -> tuple[Group, ...]:
        """Groups deepest first, so each is aggregated after all of its children."""
        return tuple(sorted(self.groups, key=lambda g: -len(self.ancestors(g.code))))

    def indicator(self, code: str) -> Indicator:
        node = self.nodes[code]
        if not isinstance(node, Indicator):
            raise KeyError(f"{code!r} is a group, not an indicator")
        return node

    def inputs(self) -> tuple[str, ...]:
        """Every input any indicator reads, once each, in file order."""
        return tuple(dict.fromkeys(name for i in self.indicators for name in i.inputs()))

    def report_fields(self) -> tuple[str, ...]:
        return tuple(n for n in self.inputs() if input_source(n) == "report")

    def log_inputs(self) -> tuple[str, ...]:
        return tuple(n for n in self.inputs() if input_source(n) == "log")

    def iter_nodes(self) -> Iterator[Group | Indicator]:
        yield from self.groups
        yield from self.indicators


def _with_answer_table(item: Any, tables: dict[str, Any]) -> Any:
    formula = item.get("formula") if isinstance(item, dict) else None
    if not isinstance(formula, dict) or formula.get("op") != "answer_score" or formula.get("table") is None:
        return item
    name = formula["table"]
    if name not in tables:
        raise ValueError(
            f"{item.get('code')}: answer table {name!r} is not declared under answer_tables; declared: {list(tables)}"
        )
    if "scores" in formula and formula["scores"] != tables[name]:
        raise ValueError(f"{item.get('code')}: scores differ from answer table {name!r}; declare one or the other")
    return {**item, "formula": {**formula, "scores": tables[name]}}


def _check_unique_codes(cat: Catalogue) -> None:
    seen: set[str] = set()
    for node in (*cat.groups, *cat.indicators):
        if node.code in seen:
            raise ValueError(f"node code {node.code!r} is declared twice")
        seen.add(node.code)


def _check_parents(cat: Catalogue) -> None:
    groups = {g.code: g for g in cat.groups}
    roots = [g.code for g in cat.groups if g.parent is None]
    if len(roots) != 1:
        raise ValueError(f"a catalogue needs exactly one root group (parent empty); found {roots}")
    indicator_codes = {i.code for i in cat.indicators}
    for node in (*cat.groups, *cat.indicators):
        if node.parent is None:
            continue
        if node.parent in indicator_codes:
            raise ValueError(f"{node.code}: parent {node.parent!r} is an indicator; parents must be groups")
        if node.parent not in groups:
            raise ValueError(f"{node.code}: parent {node.parent!r} is not a declared group")
    for indicator in cat.indicators:
        if indicator.parent == roots[0]:
            raise ValueError(f"indicator {indicator.code!r} hangs from the index directly; put it under a pillar")
    for group in cat.groups:
        _walk_to_root(group.code, groups)


def _walk_to_root(code: str, groups: dict[str, Group]) -> None:
    path = [code]
    parent = groups[code].parent
    while parent is not None:
        if parent in path:
            raise ValueError(f"cycle in the tree: {' -> '.join([*path, parent])}")
        path.append(parent)
        parent = groups[parent].parent


def _check_every_group_used(cat: Catalogue) -> None:
    parents = {n.parent for n in (*cat.groups, *cat.indicators)}
    for group in cat.groups:
        if group.code not in parents:
            raise ValueError(f"group {group.code!r} has no indicators or sub-groups under it")


def _check_log_inputs(cat: Catalogue) -> None:
    declared = {LOG_PREFIX + k.code for k in cat.log_kpis}
    for indicator in cat.indicators:
        unknown = [n for n in indicator.inputs() if input_source(n) == "log" and n not in declared]
        if unknown:
            raise ValueError(f"{indicator.code}: log inputs {unknown} are not declared under log_kpis")


def _check_years(cat: Catalogue) -> None:
    plan = cat.plan
    for indicator in cat.indicators:
        _check_indicator_years(indicator, plan)
        for agency in indicator.overrides:
            _check_indicator_years(indicator.for_agency(agency), plan, where=f" (override for {agency})")
        if indicator.target is None and (indicator.path or indicator.overrides):
            raise ValueError(f"{indicator.code}: a path or override needs a target")


def _check_indicator_years(indicator: Indicator, plan: Plan, *, where: str = "") -> None:
    target_year = resolved_target_year(indicator, plan)
    baseline_year = resolved_baseline_year(indicator, plan)
    label = f"{indicator.code}{where}"
    if not plan.covers(target_year):
        raise ValueError(
            f"{label}: target year {target_year} is outside plan years {plan.first_year}–{plan.target_year}"
        )
    if not plan.first_year - 1 <= baseline_year <= target_year:
        raise ValueError(f"{label}: baseline year {baseline_year} is outside {plan.first_year - 1}–{target_year}")
    for year in indicator.path or {}:
        if not baseline_year < year <= target_year:
            raise ValueError(f"{label}: path year {year} is outside ({baseline_year}, {target_year}]")


def resolved_baseline_year(indicator: Indicator, plan: Plan) -> int:
    """The indicator's baseline year, defaulting to the plan's first year (its own baseline is that year's value)."""
    return indicator.baseline_year if indicator.baseline_year is not None else plan.first_year


def resolved_target_year(indicator: Indicator, plan: Plan) -> int:
    """The indicator's target year, defaulting to the plan's target year."""
    return indicator.target_year if indicator.target_year is not None else plan.target_year


def load_catalogue(path: Path | str) -> Catalogue:
    """Read and validate a catalogue file; a validation error names the node and what was wrong."""
    with Path(path).open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return Catalogue.model_validate(raw)


def default_catalogue() -> Catalogue:
    """The Fifth Development Plan catalogue shipped in ``data/catalogues/fifth-plan.yaml``."""
    return load_catalogue(DEFAULT_CATALOGUE_PATH)
