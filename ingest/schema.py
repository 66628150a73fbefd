"""The self-report, declared once: its sections, fields, service list and the rules between fields.

The Excel template (``ingest.template``), the reader's validation (``ingest.self_reports``) and the
field reference in the docs are all derived from the models below. Changing a field here means a
new ``TEMPLATE_VERSION``; a test pins the fingerprint so that cannot be forgotten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from ingest import text

TEMPLATE_VERSION = "egov-self-report/1"

FieldKind = Literal["code", "period", "text", "date", "count", "percent", "yes_no", "choice"]


@dataclass(frozen=True)
class Choice:
    """One allowed answer of a drop-down: stored as ``code``, shown as both labels."""

    code: str
    fa: str
    en: str

    @property
    def label(self) -> str:
        return f"{self.fa} - {self.en}"


SERVICE_LEVELS: tuple[Choice, ...] = (
    Choice("none", "غیرالکترونیک", "not electronic"),
    Choice("informational", "اطلاع‌رسانی", "informational"),
    Choice("interactive", "تعاملی", "interactive"),
    Choice("transactional", "تراکنشی", "transactional"),
    Choice("integrated", "یکپارچه", "integrated"),
)
SERVICE_DESK_STAGES: tuple[Choice, ...] = (
    Choice("none", "ندارد", "none"),
    Choice("physical", "میز فیزیکی", "physical desk only"),
    Choice("electronic", "میز خدمت الکترونیک", "electronic front office"),
)
YES_NO: tuple[Choice, ...] = (Choice("yes", "بله", "yes"), Choice("no", "خیر", "no"))


@dataclass(frozen=True)
class Kind:
    """Marks an annotated type with what the template and error messages need to know."""

    name: FieldKind
    choices: tuple[Choice, ...] = ()


def _custom(kind: str) -> PydanticCustomError:
    return PydanticCustomError(kind, "expected {kind}", {"kind": kind})


def _wrap(parse: Any, kind: str) -> Any:
    def validator(value: Any) -> Any:
        try:
            return parse(value)
        except text.ParseError as exc:
            raise _custom(exc.kind if exc.kind != "number" else kind) from exc

    return validator


def _choice_parser(choices: tuple[Choice, ...], kind: str) -> Any:
    keys: dict[str, str] = {}
    for number, choice in enumerate(choices):
        for spelling in (choice.code, choice.fa, choice.en, choice.label, str(number)):
            keys[text.match_key(spelling)] = choice.code

    def parse(value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        raw = text.match_key(str(value))
        if not raw:
            return None
        if raw in keys:
            return keys[raw]
        raise _custom(kind)

    return parse


def _clean_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    cleaned = text.normalize_text(str(value))
    return cleaned or None


def _clean_code(value: Any) -> str | None:
    cleaned = _clean_text(value)
    return cleaned.replace(" ", "").upper() if cleaned else None


Count = Annotated[int, BeforeValidator(_wrap(text.parse_count, "whole_number")), Field(ge=0), Kind("count")]
Percent = Annotated[float, BeforeValidator(_wrap(text.parse_percent, "percent")), Field(ge=0, le=100), Kind("percent")]
YesNo = Annotated[bool, BeforeValidator(_wrap(text.parse_yes_no, "yes_no")), Kind("yes_no", YES_NO)]
JalaliDate = Annotated[dt.date, BeforeValidator(_wrap(text.parse_jalali_date, "jalali_date")), Kind("date")]
Text = Annotated[str, BeforeValidator(_clean_text), Field(max_length=300), Kind("text")]
Code = Annotated[str, BeforeValidator(_clean_code), Field(max_length=64), Kind("code")]
PeriodCode = Annotated[str, BeforeValidator(_clean_code), Field(max_length=16), Kind("period")]
ServiceLevel = Annotated[str, BeforeValidator(_choice_parser(SERVICE_LEVELS, "choice")), Kind("choice", SERVICE_LEVELS)]
ServiceDeskStage = Annotated[
    str, BeforeValidator(_choice_parser(SERVICE_DESK_STAGES, "choice")), Kind("choice", SERVICE_DESK_STAGES)
]


@dataclass(frozen=True)
class Section:
    code: str
    fa: str
    en: str


SECTIONS: tuple[Section, ...] = (
    Section("identity", "مشخصات گزارش", "About this report"),
    Section("files", "پرونده الکترونیک", "Electronic files"),
    Section("processes", "فرایندهای الکترونیکی", "Digitized processes"),
    Section("services", "خدمات الکترونیک", "E-services"),
    Section("counters", "دفاتر پیشخوان دولت", "Government service counters"),
    Section("paperless", "اداره بدون کاغذ", "Paperless office"),
    Section("inquiries", "استعلامات برخط", "Online inquiries"),
    Section("enablers", "زیرساخت‌ها", "Enablers"),
    Section("people", "آموزش نمایندگان", "People"),
)


def form_field(
    section: str,
    fa: str,
    en: str,
    *,
    unit_fa: str = "",
    unit_en: str = "",
    locked: bool = False,
    optional: bool = False,
) -> Any:
    """A form field's labels: Persian first, English beside it; ``locked`` cells are filled by us."""
    extra: dict[str, Any] = {"default": None} if optional else {}
    return Field(
        **extra,
        title=en,
        json_schema_extra={
            "section": section,
            "fa": fa,
            "unit_fa": unit_fa,
            "unit_en": unit_en,
            "locked": locked,
        },
    )


class SelfReportForm(BaseModel):
    """The Form sheet: one value per field. Optional fields may stay empty; empty is not zero."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    agency_code: Code = form_field("identity", "کد دستگاه", "Agency code", locked=True)
    period: PeriodCode = form_field("identity", "دوره گزارش", "Reporting period", locked=True)
    reporter_name: Text = form_field("identity", "نام و سمت تکمیل‌کننده", "Reporter's name and title")
    report_date: JalaliDate = form_field("identity", "تاریخ تکمیل", "Date filled in")
    files_total: Count = form_field(
        "files", "تعداد کل پرونده‌های جاری", "Case files, total", unit_fa="پرونده", unit_en="files"
    )
    files_electronic: Count = form_field(
        "files", "پرونده‌های الکترونیک", "Case files kept electronically", unit_fa="پرونده", unit_en="files"
    )
    processes_total: Count = form_field(
        "processes",
        "تعداد کل فرایندهای اداری",
        "Administrative processes, total",
        unit_fa="فرایند",
        unit_en="processes",
    )
    processes_electronic: Count = form_field(
        "processes",
        "فرایندهای الکترونیکی‌شده",
        "Processes done electronically",
        unit_fa="فرایند",
        unit_en="processes",
    )
    services_total: Count = form_field(
        "services", "خدمات شناسایی‌شده", "Services identified, total", unit_fa="خدمت", unit_en="services"
    )
    services_informational: Count = form_field(
        "services",
        "خدمات در سطح اطلاع‌رسانی",
        "Services at informational level",
        unit_fa="خدمت",
        unit_en="services",
    )
    services_interactive: Count = form_field(
        "services", "خدمات در سطح تعاملی", "Services at interactive level", unit_fa="خدمت", unit_en="services"
    )
    services_transactional: Count = form_field(
        "services",
        "خدمات در سطح تراکنشی",
        "Services at transactional level",
        unit_fa="خدمت",
        unit_en="services",
    )
    services_integrated: Count = form_field(
        "services", "خدمات در سطح یکپارچه", "Services at integrated level", unit_fa="خدمت", unit_en="services"
    )
    services_counter_eligible: Count | None = form_field(
        "counters",
        "خدمات قابل واگذاری به پیشخوان",
        "Services eligible for counters",
        unit_fa="خدمت",
        unit_en="services",
        optional=True,
    )
    services_at_counters: Count | None = form_field(
        "counters",
        "خدمات واگذارشده به پیشخوان",
        "Services delegated to counters",
        unit_fa="خدمت",
        unit_en="services",
        optional=True,
    )
    letters_total: Count = form_field(
        "paperless", "کل مکاتبات سال", "Letters in the period, total", unit_fa="نامه", unit_en="letters"
    )
    letters_automated: Count = form_field(
        "paperless",
        "مکاتبات از طریق اتوماسیون اداری",
        "Letters through office automation",
        unit_fa="نامه",
        unit_en="letters",
    )
    printers_total: Count | None = form_field(
        "paperless",
        "چاپگرهای ابتدای دوره",
        "Printers at the start",
        unit_fa="دستگاه",
        unit_en="printers",
        optional=True,
    )
    printers_withdrawn: Count | None = form_field(
        "paperless",
        "چاپگرهای جمع‌آوری‌شده",
        "Printers withdrawn",
        unit_fa="دستگاه",
        unit_en="printers",
        optional=True,
    )
    paper_reduction_pct: Percent | None = form_field(
        "paperless",
        "کاهش مصرف کاغذ نسبت به سال قبل",
        "Paper use cut since last year",
        unit_fa="درصد",
        unit_en="%",
        optional=True,
    )
    inquiries_online: Count | None = form_field(
        "inquiries",
        "استعلامات هویتی برخط",
        "Identity inquiries made online",
        unit_fa="استعلام",
        unit_en="inquiries",
        optional=True,
    )
    inquiries_paper: Count | None = form_field(
        "inquiries",
        "استعلامات با کپی مدارک کاغذی",
        "Identity checks by paper copies",
        unit_fa="استعلام",
        unit_en="inquiries",
        optional=True,
    )
    digital_signature: YesNo = form_field("enablers", "امضای دیجیتال", "Digital signature in use")
    government_network: YesNo = form_field("enablers", "اتصال به شبکه دولت", "Connected to the government network")
    setad_procurement: YesNo = form_field("enablers", "استفاده از سامانه ستاد", "Uses the Setad procurement system")
    service_desk: ServiceDeskStage = form_field("enablers", "میز خدمت", "Service desk")
    representatives_total: Count | None = form_field(
        "people",
        "نمایندگان معرفی‌شده",
        "Representatives named",
        unit_fa="نفر",
        unit_en="people",
        optional=True,
    )
    representatives_trained: Count | None = form_field(
        "people",
        "نمایندگان آموزش‌دیده",
        "Representatives trained",
        unit_fa="نفر",
        unit_en="people",
        optional=True,
    )
    representatives_certified: Count | None = form_field(
        "people",
        "دارای گواهی دوره",
        "Representatives certified",
        unit_fa="نفر",
        unit_en="people",
        optional=True,
    )


class ServiceRow(BaseModel):
    """One row of the Services sheet: a service the agency offers and how far it is electronic."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    service_code: Code = form_field("services", "کد خدمت", "Service code")
    name_fa: Text = form_field("services", "عنوان خدمت", "Service name")
    level: ServiceLevel = form_field("services", "سطح الکترونیکی", "Electronic level")
    at_counters: YesNo = Field(
        default=False, title="At government counters", json_schema_extra={"fa": "ارائه در پیشخوان"}
    )
    online_since: JalaliDate | None = Field(
        default=None, title="Online since", json_schema_extra={"fa": "تاریخ الکترونیکی شدن"}
    )


LEVEL_FIELDS: dict[str, str] = {
    "informational": "services_informational",
    "interactive": "services_interactive",
    "transactional": "services_transactional",
    "integrated": "services_integrated",
}


@dataclass(frozen=True)
class Rule:
    """``sum(left) <= right`` between form fields; checked only when every side was given."""

    left: tuple[str, ...]
    right: str

    @property
    def reported_at(self) -> str:
        return self.left[0]


RULES: tuple[Rule, ...] = (
    Rule(("files_electronic",), "files_total"),
    Rule(("processes_electronic",), "processes_total"),
    Rule(tuple(LEVEL_FIELDS.values()), "services_total"),
    Rule(("services_counter_eligible",), "services_total"),
    Rule(("services_at_counters",), "services_counter_eligible"),
    Rule(("letters_automated",), "letters_total"),
    Rule(("printers_withdrawn",), "printers_total"),
    Rule(("representatives_trained",), "representatives_total"),
    Rule(("representatives_certified",), "representatives_trained"),
)


@dataclass(frozen=True)
class FieldSpec:
    """What the template and the error messages need of one declared field."""

    code: str
    section: str
    fa: str
    en: str
    kind: FieldKind
    required: bool
    locked: bool
    unit_fa: str
    unit_en: str
    choices: tuple[Choice, ...]
    minimum: float | None
    maximum: float | None


def _kind_of(info: FieldInfo) -> Kind:
    annotation = info.annotation
    for meta in info.metadata:
        if isinstance(meta, Kind):
            return meta
    for arg in getattr(annotation, "__args__", ()):  # Optional[...] keeps the Annotated inside
        for meta in getattr(arg, "__metadata__", ()):
            if isinstance(meta, Kind):
                return meta
    raise TypeError(f"field without a Kind marker: {info}")


def _bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    metas: list[Any] = list(info.metadata)
    for arg in getattr(info.annotation, "__args__", ()):
        metas.extend(getattr(arg, "__metadata__", ()))
    metas += [m for meta in list(metas) if isinstance(meta, FieldInfo) for m in meta.metadata]
    low = next((m.ge for m in metas if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in metas if getattr(m, "le", None) is not None), None)
    return low, high


def field_specs(model: type[BaseModel]) -> tuple[FieldSpec, ...]:
    """The declared fields of ``model`` in declaration order, as plain records."""
    specs = []
    for code, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        kind = _kind_of(info)
        low, high = _bounds(info)
        specs.append(
            FieldSpec(
                code=code,
                section=str(extra.get("section", "")),
                fa=str(extra.get("fa", code)),
                en=info.title or code,
                kind=kind.name,
                required=info.is_required(),
                locked=bool(extra.get("locked", False)),
                unit_fa=str(extra.get("unit_fa", "")),
                unit_en=str(extra.get("unit_en", "")),
                choices=kind.choices,
                minimum=low,
                maximum=high,
            )
        )
    return tuple(specs)


FORM_FIELDS = field_specs(SelfReportForm)
SERVICE_FIELDS = field_specs(ServiceRow)
NUMERIC_KINDS = ("count", "percent", "yes_no", "choice")


def stored_value(spec: FieldSpec, value: Any) -> float | None:
    """A form value as the store keeps it: counts and shares as numbers, yes/no 1/0, a choice its ordinal."""
    if value is None:
        return None
    if spec.kind == "choice":
        return float([c.code for c in spec.choices].index(value))
    return float(value)


def schema_fingerprint() -> str:
    """A hash of everything the template derives from; it changes when any field does."""
    payload: list[object] = [
        [s.code, s.kind, s.required, s.minimum, s.maximum, [c.code for c in s.choices]]
        for s in FORM_FIELDS + SERVICE_FIELDS
    ]
    payload.append([[list(r.left), r.right] for r in RULES])
    return hashlib.sha256(json.dumps(payload, default=str).encode()).hexdigest()[:16]
