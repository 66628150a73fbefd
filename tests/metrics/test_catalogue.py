"""Definition tests over the shipped catalogues, and the validation errors a catalogue author can meet."""

from __future__ import annotations

import ast
import copy
import doctest
import re
from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml

import metrics.aggregate
import metrics.catalogue
import metrics.formulas
import metrics.normalise
import metrics.trajectory
from ingest.schema import FORM_FIELDS, LEVEL_FIELDS, SERVICE_DESK_STAGES
from metrics.catalogue import (
    CATALOGUE_DIR,
    Catalogue,
    Indicator,
    LevelScoreFormula,
    default_catalogue,
    input_source,
    load_catalogue,
)

ROOT = Path(__file__).resolve().parents[2]
PERSIAN = re.compile(r"[\u0600-\u06FF]")
FIELD_CODES = {spec.code for spec in FORM_FIELDS}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return default_catalogue()


# --- the default catalogue ----------------------------------------------------------------------------------


def test_default_catalogue_is_the_fifth_plan(catalogue: Catalogue) -> None:
    plans = yaml.safe_load((ROOT / "data" / "plans.yaml").read_text(encoding="utf-8"))["plans"]
    fifth = next(p for p in plans if p["code"] == catalogue.plan.code)
    assert (catalogue.plan.first_year, catalogue.plan.target_year) == (fifth["first_year"], fifth["target_year"])
    assert (catalogue.plan.first_year, catalogue.plan.target_year) == (1390, 1394)
    assert catalogue.version


def test_every_report_input_is_a_self_report_field(catalogue: Catalogue) -> None:
    unknown = [name for name in catalogue.report_fields() if name not in FIELD_CODES]
    assert not unknown, f"inputs not in ingest.schema.FORM_FIELDS: {unknown}"


def test_every_log_input_is_a_declared_log_kpi(catalogue: Catalogue) -> None:
    declared = {f"log.{kpi.code}" for kpi in catalogue.log_kpis}
    assert set(catalogue.log_inputs()) <= declared
    assert {"log.digital_takeup_pct", "log.completion_rate_pct"} <= set(catalogue.log_inputs())


def test_every_input_is_a_report_field_or_log_kpi(catalogue: Catalogue) -> None:
    declared = {f"log.{kpi.code}" for kpi in catalogue.log_kpis}
    for name in catalogue.inputs():
        assert name in FIELD_CODES or name in declared, name


def test_every_group_is_used_and_every_indicator_is_under_a_pillar(catalogue: Catalogue) -> None:
    for group in catalogue.groups:
        assert catalogue.indicators_under(group.code), f"{group.code} has no indicators"
    for indicator in catalogue.indicators:
        assert indicator.parent != catalogue.root.code
        assert catalogue.ancestors(indicator.code)[-1] == catalogue.root.code


def test_weights_positive_and_inside_their_bounds(catalogue: Catalogue) -> None:
    for node in catalogue.iter_nodes():
        low, high = node.bounds(catalogue.scoring.weight_spread)
        assert 0 < low <= node.weight <= high, node.code


def test_names_and_descriptions_in_both_languages(catalogue: Catalogue) -> None:
    for node in catalogue.iter_nodes():
        assert PERSIAN.search(node.name_fa), f"{node.code}: name_fa is not Persian"
        assert node.name_en and not PERSIAN.search(node.name_en), node.code
        assert PERSIAN.search(node.description_fa), f"{node.code}: description_fa missing"
        assert node.description_en, f"{node.code}: description_en missing"
    for kpi in catalogue.log_kpis:
        assert PERSIAN.search(kpi.name_fa) and kpi.name_en


def test_covers_every_pillar_of_the_domain(catalogue: Catalogue) -> None:
    pillars = {node.code for node in catalogue.children(catalogue.root.code)}
    expected = {"files", "processes", "services", "paperless", "enablers", "inquiries", "service_desk"}
    assert expected | {"counters", "people", "observed"} <= pillars
    inputs_by_pillar = {p: {n for i in catalogue.indicators_under(p) for n in i.inputs()} for p in pillars}
    assert {"letters_automated", "printers_withdrawn"} <= inputs_by_pillar["paperless"]
    assert {"digital_signature", "government_network", "setad_procurement"} <= inputs_by_pillar["enablers"]
    assert {"representatives_trained", "representatives_certified"} <= inputs_by_pillar["people"]
    assert "services_at_counters" in inputs_by_pillar["counters"]
    assert "inquiries_online" in inputs_by_pillar["inquiries"]


def test_services_have_maturity_score_and_transactional_share(catalogue: Catalogue) -> None:
    services = catalogue.indicators_under("services")
    levels = [i.formula for i in services if isinstance(i.formula, LevelScoreFormula)]
    assert len(levels) == 1
    assert levels[0].counts == {
        LEVEL_FIELDS["informational"]: 25,
        LEVEL_FIELDS["interactive"]: 50,
        LEVEL_FIELDS["transactional"]: 75,
        LEVEL_FIELDS["integrated"]: 100,
    }
    transactional = catalogue.indicator("e_services_transactional_pct")
    assert set(transactional.inputs()) == {"services_transactional", "services_integrated", "services_total"}


def test_service_desk_scores_every_stage(catalogue: Catalogue) -> None:
    formula = catalogue.indicator("service_desk_stage").formula
    assert formula.op == "choice_score"
    assert len(formula.scores) == len(SERVICE_DESK_STAGES)


def test_targets_are_for_1394_and_in_range(catalogue: Catalogue) -> None:
    for indicator in catalogue.indicators:
        assert indicator.target is not None, indicator.code
        assert (indicator.target_year or catalogue.plan.target_year) == 1394
        if indicator.unit in {"%", "points"}:
            assert 0 < indicator.target <= 100, indicator.code
    enablers = catalogue.indicators_under("enablers")
    assert all(i.target == 100 for i in enablers)  # all connected by the end of 1394


def test_observed_pillar_has_its_own_weight(catalogue: Catalogue) -> None:
    observed = catalogue.nodes["observed"]
    assert observed.weight > 0
    assert all(input_source(n) == "log" for i in catalogue.indicators_under("observed") for n in i.inputs())


def test_status_bands_descend(catalogue: Catalogue) -> None:
    bands = catalogue.scoring.status_bands
    assert bands.ahead > bands.on_track > bands.behind


def test_every_shipped_catalogue_loads() -> None:
    for path in sorted(CATALOGUE_DIR.glob("*.yaml")):
        assert isinstance(load_catalogue(path), Catalogue), path


def test_catalogue_is_frozen(catalogue: Catalogue) -> None:
    with pytest.raises(pydantic.ValidationError):
        catalogue.indicators[0].weight = 3


# --- validation errors --------------------------------------------------------------------------------------


def _minimal() -> dict[str, Any]:
    return {
        "version": "test/1",
        "plan": {"code": "fifth", "name_fa": "پنجم", "name_en": "Fifth", "first_year": 1390, "target_year": 1394},
        "log_kpis": [{"code": "digital_takeup_pct", "name_fa": "برخط", "name_en": "Take-up", "unit": "%"}],
        "groups": [
            {"code": "index", "name_fa": "شاخص", "name_en": "Index"},
            {"code": "files", "parent": "index", "name_fa": "پرونده", "name_en": "Files"},
        ],
        "indicators": [
            {
                "code": "electronic_files_pct",
                "parent": "files",
                "name_fa": "پرونده الکترونیک",
                "name_en": "Electronic files",
                "unit": "%",
                "formula": {"op": "ratio", "numerator": "files_electronic", "denominator": "files_total"},
                "target": 100,
            }
        ],
    }


def _with(change: Any) -> dict[str, Any]:
    raw = copy.deepcopy(_minimal())
    change(raw)
    return raw


def test_minimal_catalogue_validates() -> None:
    catalogue = Catalogue.model_validate(_minimal())
    assert catalogue.root.code == "index"
    assert catalogue.indicator("electronic_files_pct").inputs() == ("files_electronic", "files_total")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c["indicators"][0].update(parent="nowhere"), "not a declared group"),
        (lambda c: c["indicators"][0].update(parent="index"), "put it under a pillar"),
        (lambda c: c["groups"][1].update(parent="electronic_files_pct"), "is an indicator"),
        (lambda c: c["indicators"][0].update(weight=0), "greater than 0"),
        (lambda c: c["groups"][1].update(weight=-1), "greater than 0"),
        (lambda c: c["indicators"][0].update(weight_bounds=[2, 3]), "hold weight"),
        (
            lambda c: c["groups"].append({"code": "empty", "parent": "index", "name_fa": "خالی", "name_en": "E"}),
            "no indicators",
        ),
        (lambda c: c["groups"].append({"code": "other", "name_fa": "دیگر", "name_en": "Other"}), "exactly one root"),
        (lambda c: c["indicators"][0].update(target_year=1396), "outside plan years"),
        (lambda c: c["indicators"][0].update(baseline_year=1380), "baseline year"),
        (lambda c: c["indicators"][0].update(path={1395: 50}), "path year"),
        (lambda c: c["indicators"][0].update(overrides={"A1": {"target_year": 1399}}), "Extra inputs"),
        (lambda c: c["indicators"][0].update(overrides={"A1": {"path": {1389: 5}}}), "override for A1"),
        (lambda c: c["indicators"][0].update(formula={"op": "value", "field": "log.unknown_kpi"}), "not declared"),
        (lambda c: c["indicators"][0].update(formula={"op": "eval", "expr": "files_total / 2"}), "does not match"),
        (lambda c: c["indicators"][0].update(formula={"op": "value", "field": "files_total / 2"}), "not a field name"),
        (lambda c: c["indicators"][0].update(colour="red"), "Extra inputs"),
        (lambda c: c["indicators"].append(copy.deepcopy(c["indicators"][0])), "declared twice"),
        (lambda c: c["indicators"][0].update(direction=2), "direction"),
        (lambda c: c["indicators"][0].update(missing="guess"), "missing"),
        (lambda c: c.update(scoring={"status_bands": {"ahead": 0.5, "on_track": 0.9, "behind": 0.6}}), "descend"),
        (lambda c: c["plan"].update(first_year=1395), "after target_year"),
        (
            lambda c: c["indicators"][0].update(formula={"op": "share_of_sum", "part": "a", "parts": ["b", "c"]}),
            "not among parts",
        ),
    ],
)
def test_invalid_catalogue_is_rejected_with_a_reason(change: Any, message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        Catalogue.model_validate(_with(change))


def test_cycle_is_rejected() -> None:
    def make_cycle(c: dict[str, Any]) -> None:
        c["groups"] += [
            {"code": "a", "parent": "b", "name_fa": "الف", "name_en": "A"},
            {"code": "b", "parent": "a", "name_fa": "ب", "name_en": "B"},
        ]
        c["indicators"].append({**copy.deepcopy(c["indicators"][0]), "code": "x", "parent": "a"})

    with pytest.raises(pydantic.ValidationError, match="cycle"):
        Catalogue.model_validate(_with(make_cycle))


def test_deeper_trees_are_allowed() -> None:
    def deepen(c: dict[str, Any]) -> None:
        c["groups"].append({"code": "sub", "parent": "files", "name_fa": "زیر", "name_en": "Sub"})
        c["indicators"][0]["parent"] = "sub"

    catalogue = Catalogue.model_validate(_with(deepen))
    assert catalogue.ancestors("electronic_files_pct") == ("sub", "files", "index")
    assert [g.code for g in catalogue.groups_bottom_up()] == ["sub", "files", "index"]


def test_agency_override_changes_only_that_agency() -> None:
    raw = _with(lambda c: c["indicators"][0].update(overrides={"QOM-REG": {"target": 80, "path": {1392: 50}}}))
    indicator: Indicator = Catalogue.model_validate(raw).indicators[0]
    assert indicator.for_agency("QOM-REG").target == 80
    assert indicator.for_agency("QOM-REG").path == {1392: 50}
    assert indicator.for_agency("QOM-TAX") is indicator


# --- module boundaries and doctests -------------------------------------------------------------------------


def test_metrics_does_not_import_ingest_or_dashboard() -> None:
    for path in (ROOT / "metrics").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in {"ingest", "dashboard"}, f"{path.name} imports {name}"


@pytest.mark.parametrize(
    "module",
    [metrics.catalogue, metrics.formulas, metrics.normalise, metrics.aggregate, metrics.trajectory],
    ids=lambda m: m.__name__,
)
def test_doctests(module: Any) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0 or module is metrics.catalogue
