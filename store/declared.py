"""The declared reference data in ``data/``: organisation tree and development plans.

Frozen pydantic models with ``extra="forbid"``: a misspelt key in the YAML is an error, not a
silently ignored line.
"""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from store.settings import DECLARED_DATA_DIR

AgencyKind = Literal["governorate", "county_governorate", "district_office", "directorate"]


class _Declared(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SectorDecl(_Declared):
    code: str
    name_fa: str
    name_en: str


class DirectorateDecl(_Declared):
    suffix: str
    name_fa: str
    name_en: str
    sector: str


class DistrictDecl(_Declared):
    code: str
    name_fa: str
    name_en: str


class CountyDecl(_Declared):
    code: str
    name_fa: str
    name_en: str
    districts: tuple[DistrictDecl, ...] = ()


class ProvinceDecl(_Declared):
    code: str
    name_fa: str
    name_en: str
    counties: tuple[CountyDecl, ...]


class AgencyDecl(_Declared):
    """An agency derived from the tree; codes are stable because the tree's codes are."""

    code: str
    name_fa: str
    name_en: str
    kind: AgencyKind
    sector: str
    province: str
    county: str | None = None
    district: str | None = None


class Organisation(_Declared):
    version: int
    sectors: tuple[SectorDecl, ...]
    directorates: tuple[DirectorateDecl, ...]
    provinces: tuple[ProvinceDecl, ...]

    @model_validator(mode="after")
    def _codes_are_unique_and_sectors_known(self) -> Organisation:
        sectors = {s.code for s in self.sectors}
        unknown = [d.suffix for d in self.directorates if d.sector not in sectors]
        if unknown:
            raise ValueError(f"directorates with an undeclared sector: {unknown}")
        codes = [a.code for a in self.agencies]
        tree = [p.code for p in self.provinces] + [c.code for p in self.provinces for c in p.counties]
        for seen in (codes, tree):
            duplicates = sorted({c for c in seen if seen.count(c) > 1})
            if duplicates:
                raise ValueError(f"codes declared twice: {duplicates}")
        return self

    @cached_property
    def agencies(self) -> tuple[AgencyDecl, ...]:
        return tuple(agency for province in self.provinces for agency in _agencies_of(province, self))


def _agencies_of(province: ProvinceDecl, org: Organisation) -> list[AgencyDecl]:
    p = province
    agencies = [
        AgencyDecl(
            code=f"{p.code}-GOV",
            name_fa=f"استانداری {p.name_fa}",
            name_en=f"{p.name_en} Governorate",
            kind="governorate",
            sector="governance",
            province=p.code,
        )
    ]
    for county in p.counties:
        agencies.append(
            AgencyDecl(
                code=f"{county.code}-FMD",
                name_fa=f"فرمانداری {county.name_fa}",
                name_en=f"{county.name_en} County Governorate",
                kind="county_governorate",
                sector="governance",
                province=p.code,
                county=county.code,
            )
        )
        for district in county.districts:
            suffix_fa = "" if len(p.counties) == 1 else f" ({county.name_fa})"
            suffix_en = "" if len(p.counties) == 1 else f" ({county.name_en})"
            agencies.append(
                AgencyDecl(
                    code=f"{district.code}-BKH",
                    name_fa=f"بخشداری {district.name_fa}{suffix_fa}",
                    name_en=f"{district.name_en} District Office{suffix_en}",
                    kind="district_office",
                    sector="governance",
                    province=p.code,
                    county=county.code,
                    district=district.code,
                )
            )
    agencies.extend(
        AgencyDecl(
            code=f"{p.code}-{d.suffix}",
            name_fa=f"{d.name_fa} استان {p.name_fa}",
            name_en=f"{d.name_en}, {p.name_en}",
            kind="directorate",
            sector=d.sector,
            province=p.code,
        )
        for d in org.directorates
    )
    return agencies


class PlanDecl(_Declared):
    """A development plan: its years and target year (the Fifth Plan: 1390–1394)."""

    code: str
    name_fa: str
    name_en: str
    first_year: int
    target_year: int
    is_default: bool = False

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.target_year


class Plans(_Declared):
    version: int
    plans: tuple[PlanDecl, ...]

    @property
    def default(self) -> PlanDecl:
        return next((p for p in self.plans if p.is_default), self.plans[0])

    def plan_for_year(self, year: int) -> PlanDecl | None:
        return next((p for p in self.plans if p.covers(year)), None)


def _read_yaml(path: Path) -> object:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=4)
def load_organisation(path: Path = DECLARED_DATA_DIR / "organisation.yaml") -> Organisation:
    return Organisation.model_validate(_read_yaml(path))


@lru_cache(maxsize=4)
def load_plans(path: Path = DECLARED_DATA_DIR / "plans.yaml") -> Plans:
    return Plans.model_validate(_read_yaml(path))
