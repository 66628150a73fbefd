"""The demo province: filled workbooks for every agency and year, loaded through the real ingest.

Generated from ``data/demo.yaml`` with a seeded generator, so every run gives the same data. Four
kinds of agency appear: leaders, steady ones, laggards, and agencies that claim more than they did.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jdatetime
import yaml
from openpyxl import Workbook
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, select

from ingest import layout
from ingest.schema import FORM_FIELDS, LEVEL_FIELDS, SERVICE_DESK_STAGES, SERVICE_LEVELS
from ingest.template import build_template, form_rows
from ingest.text import to_persian_digits
from store.declared import AgencyDecl, load_organisation
from store.models import Period, Submission
from store.periods import TEHRAN
from store.settings import DECLARED_DATA_DIR
from store.workflow import set_deadline

Range = tuple[float, float]
DEMO_ACTOR = "demo"


class Profile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    weight: float
    start: Range
    yearly_gain: Range
    skip_report: float
    overclaim: float


class PendingReview(BaseModel):
    """Reports the demo leaves waiting for the governor's office (all others are stored approved)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    year: int
    provinces: tuple[str, ...]
    share: float


class Sending(BaseModel):
    """When the demo's reports were sent, so that the Reporting page has deadlines and late reports to show.

    The deadline of plan year Y is ``deadline_month/deadline_day`` of Y + 1 (Jalali). A report goes out
    ``days_after_report`` days after the date written in it; a ``late_share`` of them ``days_late`` days
    after the deadline instead. Reports are sent in office hours, Tehran time.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    deadline_month: int
    deadline_day: int
    days_after_report: tuple[int, int]
    late_share: float
    days_late: tuple[int, int]

    def deadline(self, year: int) -> dt.date:
        return jdatetime.date(year + 1, self.deadline_month, self.deadline_day).togregorian()


class DemoSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    version: int
    seed: int
    first_year: int
    last_year: int
    profiles: dict[str, Profile]
    messy_input_share: float
    resubmitted_share: float
    optional_missing_share: float
    size_by_kind: dict[str, Range]
    service_verbs: tuple[tuple[str, str], ...]
    service_objects: tuple[tuple[str, str], ...]
    pending_review: PendingReview
    sending: Sending


@lru_cache(maxsize=1)
def load_demo_spec(path: Path = DECLARED_DATA_DIR / "demo.yaml") -> DemoSpec:
    with path.open(encoding="utf-8") as handle:
        return DemoSpec.model_validate(yaml.safe_load(handle))


@dataclass(frozen=True)
class AgencyPlan:
    """The hidden truth of one demo agency: how digital it really is each year."""

    agency: AgencyDecl
    profile: str
    start: float
    gain: float
    size: float
    services: tuple[tuple[str, str, float], ...]  # code, Persian name, difficulty 0–1

    def true_maturity(self, year: int, first_year: int) -> float:
        return min(1.0, self.start + self.gain * (year - first_year))


@dataclass(frozen=True)
class DemoReport:
    agency_code: str
    year: int
    file_name: str
    builder: Callable[[], Workbook]
    approved_by: str | None = DEMO_ACTOR
    """Who approved it on import; ``None``: it waits for review (see ``pending_review`` in demo.yaml)."""
    submitted_at: dt.datetime | None = None
    """When the agency sent it (``sending`` in demo.yaml)."""


def plan_agencies(spec: DemoSpec, agencies: tuple[AgencyDecl, ...]) -> list[AgencyPlan]:
    rng = random.Random(spec.seed)
    names = list(spec.profiles)
    weights = [spec.profiles[n].weight for n in names]
    plans = []
    for agency in sorted(agencies, key=lambda a: a.code):
        profile = rng.choices(names, weights)[0]
        p = spec.profiles[profile]
        size = rng.uniform(*spec.size_by_kind[agency.kind])
        count = max(4, int(rng.uniform(12, 40) * size))
        services = []
        for number in range(1, count + 1):
            verb = spec.service_verbs[rng.randrange(len(spec.service_verbs))][0]
            obj = spec.service_objects[rng.randrange(len(spec.service_objects))][0]
            services.append((f"S{number:03d}", f"{verb} {obj} {number}", rng.random()))
        plans.append(
            AgencyPlan(
                agency=agency,
                profile=profile,
                start=rng.uniform(*p.start),
                gain=rng.uniform(*p.yearly_gain),
                size=size,
                services=tuple(services),
            )
        )
    return plans


def _clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def level_index(maturity: float, difficulty: float) -> int:
    """Easy services go electronic first; a mature agency has most services transactional or above."""
    return max(0, min(4, int(maturity * 5.5 - difficulty * 2.2 + 0.4)))


def report_values(
    plan: AgencyPlan, year: int, spec: DemoSpec, rng: random.Random
) -> tuple[dict[str, Any], list[list[Any]]]:
    """The values an agency would report for ``year`` (claimed, so overclaimers inflate)."""
    truth = plan.true_maturity(year, spec.first_year)
    m = _clamp(truth + spec.profiles[plan.profile].overclaim + rng.gauss(0, 0.03))

    def share(total: int, bias: float = 0.0) -> int:
        return round(total * _clamp(m + bias + rng.gauss(0, 0.04)))

    services = []
    levels = {code: 0 for code in LEVEL_FIELDS}
    for code, name, difficulty in plan.services:
        level = SERVICE_LEVELS[level_index(m, difficulty)]
        if level.code in levels:
            levels[level.code] += 1
        at_counters = difficulty < 0.45 and m > 0.3
        online = f"{year}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}" if level.code != "none" else None
        services.append([code, name, level.label, "بله" if at_counters else "خیر", online])
    # Sizes belong to the agency, not the year: drawn from its own seed, growing a little each year.
    sizes = random.Random(f"{spec.seed}:{plan.agency.code}:sizes")
    growth = 1 + 0.04 * (year - spec.first_year) + rng.uniform(-0.02, 0.02)
    files_total = int(plan.size * sizes.uniform(3000, 6000) * growth)
    processes_total = max(8, int(plan.size * sizes.uniform(20, 60)))
    letters_total = int(plan.size * sizes.uniform(8000, 30000) * growth)
    printers_total = max(3, int(plan.size * sizes.uniform(15, 60)))
    inquiries_total = int(plan.size * sizes.uniform(2000, 9000) * growth)
    representatives = max(1, int(plan.size * sizes.uniform(2, 6)))
    eligible = sum(1 for _, _, d in plan.services if d < 0.45)
    trained = share(representatives, 0.2)
    inquiries_online = share(inquiries_total)
    values: dict[str, Any] = {
        "reporter_name": f"مدیر فناوری اطلاعات {plan.agency.name_fa}",
        "report_date": f"{year + 1}/01/{rng.randint(10, 28):02d}",
        "files_total": files_total,
        "files_electronic": share(files_total),
        "processes_total": processes_total,
        "processes_electronic": share(processes_total, -0.05),
        "services_total": len(plan.services),
        **{LEVEL_FIELDS[level]: count for level, count in levels.items()},
        "services_counter_eligible": eligible,
        "services_at_counters": sum(1 for row in services if row[3] == "بله"),
        "letters_total": letters_total,
        "letters_automated": share(letters_total, 0.1),
        "printers_total": printers_total,
        "printers_withdrawn": share(printers_total, -0.3),
        "paper_reduction_pct": round(40 * m + rng.uniform(0, 5), 1),
        "inquiries_online": inquiries_online,
        "inquiries_paper": inquiries_total - inquiries_online,
        "digital_signature": m > 0.35,
        "government_network": m > 0.15,
        "setad_procurement": m > 0.25,
        "service_desk": SERVICE_DESK_STAGES[0 if m < 0.2 else 1 if m < 0.55 else 2].label,
        "representatives_total": representatives,
        "representatives_trained": trained,
        "representatives_certified": min(trained, share(representatives)),
    }
    optional = [s.code for s in FORM_FIELDS if not s.required and not s.locked]
    for code in optional:
        if rng.random() < spec.optional_missing_share:
            values[code] = None
    return values, services


def _as_typed(value: Any, rng: random.Random, *, messy: bool) -> Any:
    """How a person might type the value: Persian digits, «٪», Arabic letters, stray spaces."""
    if isinstance(value, bool):
        return (
            ("بله" if value else "خیر") if not messy else rng.choice(["بله", "Yes", "بلي"] if value else ["خير", "No"])
        )
    if not messy or value is None:
        return value
    if isinstance(value, int):
        return rng.choice([to_persian_digits(value), f" {value} ", value])
    if isinstance(value, float):
        return rng.choice([f"٪{to_persian_digits(value).replace('.', '٫')}", f"{value}%", value / 100])
    if isinstance(value, str):
        return rng.choice([to_persian_digits(value), value.replace("ی", "ي").replace("ک", "ك"), value])
    return value


def fill_workbook(
    wb: Workbook, values: dict[str, Any], services: list[list[Any]], rng: random.Random, *, messy: bool
) -> None:
    form = wb[layout.FORM_SHEET]
    rows = form_rows()
    for code, value in values.items():
        form[f"{layout.FORM_VALUE_COL}{rows[code]}"] = _as_typed(value, rng, messy=messy)
    sheet = wb[layout.SERVICES_SHEET]
    for offset, row in enumerate(services):
        for column, value in zip(layout.SERVICES_COLUMNS, row, strict=True):
            sheet[f"{column}{layout.SERVICES_FIRST_ROW + offset}"] = _as_typed(
                value, rng, messy=messy and column != "C"
            )


def demo_reports(
    spec: DemoSpec, *, provinces: set[str] | None = None, years: tuple[int, int] | None = None
) -> Iterator[DemoReport]:
    """Every demo workbook to write, in a fixed order; building each is deferred to the caller."""
    agencies = tuple(a for a in load_organisation().agencies if provinces is None or a.province in provinces)
    first, last = years or (spec.first_year, spec.last_year)
    for plan in plan_agencies(spec, load_organisation().agencies):
        if plan.agency not in agencies:
            continue
        for year in range(spec.first_year, spec.last_year + 1):
            rng = random.Random(f"{spec.seed}:{plan.agency.code}:{year}")
            values, services = report_values(plan, year, spec, rng)
            if not first <= year <= last:
                continue
            if year > spec.first_year and rng.random() < spec.profiles[plan.profile].skip_report:
                continue
            messy = rng.random() < spec.messy_input_share
            versions = 2 if rng.random() < spec.resubmitted_share else 1
            review = spec.pending_review
            pending = (
                year == review.year
                and plan.agency.province in review.provinces
                and random.Random(f"{spec.seed}:{plan.agency.code}:{year}:review").random() < review.share
            )
            sent = sent_at(spec, plan.agency.code, year, str(values["report_date"]))
            for version in range(1, versions + 1):
                yield DemoReport(
                    plan.agency.code,
                    year,
                    f"{plan.agency.code}_{year}" + (f"_v{version}" if versions > 1 else "") + ".xlsx",
                    _builder(plan, year, values, services, rng.random(), messy=messy, correction=version > 1),
                    approved_by=None if pending else DEMO_ACTOR,
                    submitted_at=sent + dt.timedelta(days=7 * (version - 1)),  # a correction a week later
                )


def sent_at(spec: DemoSpec, agency_code: str, year: int, report_date: str) -> dt.datetime:
    """When an agency sent its report for ``year`` (UTC), drawn from its own seed so the rest of the demo
    stays as it was."""
    rng = random.Random(f"{spec.seed}:{agency_code}:{year}:sent")
    rules = spec.sending
    if rng.random() < rules.late_share:
        day = rules.deadline(year) + dt.timedelta(days=rng.randint(*rules.days_late))
    else:
        written = jdatetime.date(*(int(part) for part in report_date.split("/"))).togregorian()
        day = min(written + dt.timedelta(days=rng.randint(*rules.days_after_report)), rules.deadline(year))
    local = dt.datetime.combine(day, dt.time(rng.randint(8, 14), rng.randint(0, 59)), tzinfo=TEHRAN)
    return local.astimezone(dt.UTC)


def set_demo_deadlines(engine: Engine, spec: DemoSpec, years: tuple[int, int]) -> list[str]:
    """Give the demo's plan years their deadlines (``sending`` in demo.yaml), where none is set yet: an
    administrator's own deadline is kept. Returns the periods set."""
    with engine.connect() as connection:
        unset = set(connection.scalars(select(Period.code).where(Period.kind == "year", Period.deadline.is_(None))))
    done = []
    for year in range(years[0], years[1] + 1):
        if str(year) in unset:
            set_deadline(engine, str(year), spec.sending.deadline(year), actor=DEMO_ACTOR)
            done.append(str(year))
    return done


def demo_files_loaded(engine: Engine) -> set[str]:
    """Demo workbooks already in the store: running the demo again adds nothing twice."""
    with engine.connect() as connection:
        return set(connection.scalars(select(Submission.file_name).where(Submission.submitted_by == DEMO_ACTOR)))


def _builder(
    plan: AgencyPlan,
    year: int,
    values: dict[str, Any],
    services: list[list[Any]],
    seed: float,
    *,
    messy: bool,
    correction: bool,
) -> Callable[[], Workbook]:
    def build() -> Workbook:
        rng = random.Random(seed)
        final = dict(values)
        if correction:  # the corrected report fixes a typo in the letters count
            final["letters_total"] = int(final["letters_total"]) + 100
        wb = build_template(agency_code=plan.agency.code, agency_name=plan.agency.name_fa, period=str(year))
        fill_workbook(wb, final, services, rng, messy=messy)
        return wb

    return build
