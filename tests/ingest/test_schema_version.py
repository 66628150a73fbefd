"""The template version moves with the schema: a changed field without a new version fails here."""

from __future__ import annotations

from ingest.schema import FORM_FIELDS, RULES, SECTIONS, SERVICE_FIELDS, TEMPLATE_VERSION, schema_fingerprint

# When this fails: bump TEMPLATE_VERSION (workbooks of the old version will be refused with a
# clear message) and record the new pair here.
KNOWN_VERSIONS = {"egov-self-report/1": "7938d717691b1876"}


def test_fingerprint_matches_the_declared_version() -> None:
    assert KNOWN_VERSIONS.get(TEMPLATE_VERSION) == schema_fingerprint()


def test_every_field_has_both_labels_and_a_known_section() -> None:
    sections = {s.code for s in SECTIONS}
    for spec in FORM_FIELDS + SERVICE_FIELDS:
        assert spec.fa and spec.en and spec.fa != spec.en, spec.code
    assert {s.section for s in FORM_FIELDS} == sections


def test_rules_name_declared_count_fields() -> None:
    counts = {s.code for s in FORM_FIELDS if s.kind == "count"}
    for rule in RULES:
        assert set(rule.left) | {rule.right} <= counts
