"""Names of self-report fields and log KPIs, in both languages, for describing formulas in words.

The field labels come from the declared self-report schema (``ingest.schema``), the same source the
Excel template and its error messages use, so the methodology page and the template never disagree.
"""

from __future__ import annotations

from functools import cache

from dashboard.i18n import pick, t
from ingest.schema import FORM_FIELDS
from metrics.catalogue import LOG_PREFIX, Catalogue


@cache
def _report_fields() -> dict[str, tuple[str, str, tuple[tuple[str, str], ...]]]:
    return {spec.code: (spec.fa, spec.en, tuple((c.fa, c.en) for c in spec.choices)) for spec in FORM_FIELDS}


def field_label(name: str, lang: str, catalogue: Catalogue) -> str:
    """A formula input as a reader knows it: the template's label, or a log KPI's name and source.

    Unknown names are shown as they are (a catalogue may name a field a newer template adds).
    """
    if name.startswith(LOG_PREFIX):
        kpis = {k.code: k for k in catalogue.log_kpis}
        kpi = kpis.get(name.removeprefix(LOG_PREFIX))
        quoted = t("formula.quote", lang, name=pick(lang, kpi.name_fa, kpi.name_en) if kpi else name)
        return t("formula.log_source", lang, name=quoted)
    known = _report_fields().get(name)
    return t("formula.quote", lang, name=pick(lang, known[0], known[1]) if known else name)


def choice_labels(name: str, lang: str) -> tuple[str, ...]:
    """The options of a choice field in order (their position is the stored ordinal)."""
    known = _report_fields().get(name)
    return tuple(pick(lang, fa, en) for fa, en in known[2]) if known else ()
