"""Plain domain objects shared by every stage of the pipeline.

No I/O here: sources produce `RawPosting`s, normalizers turn them into `Posting`s, the store persists them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class WorkingTime(StrEnum):
    FULL_TIME = "vollzeit"
    PART_TIME = "teilzeit"
    MINIJOB = "minijob"
    UNKNOWN = "unbekannt"


class Remote(StrEnum):
    ONSITE = "vor_ort"
    HYBRID = "hybrid"
    REMOTE = "remote"
    UNKNOWN = "unbekannt"


class Contract(StrEnum):
    PERMANENT = "unbefristet"
    FIXED_TERM = "befristet"
    UNKNOWN = "unbekannt"


class Experience(StrEnum):
    ENTRY = "einstieg"  # Berufseinstieg, Junior, 0-2 years
    PROFESSIONAL = "berufserfahren"  # 3-5 years
    SENIOR = "senior"  # senior, lead, complex projects
    UNKNOWN = "unbekannt"


class SalaryPeriod(StrEnum):
    HOUR = "stunde"
    MONTH = "monat"
    YEAR = "jahr"


class PostingStatus(StrEnum):
    ACTIVE = "aktiv"
    EXPIRED = "abgelaufen"
    PENDING = "pruefung"  # waits for moderation
    REJECTED = "abgelehnt"


class Sector(StrEnum):
    PUBLIC = "oeffentlicher_dienst"
    HEALTH = "gesundheit_soziales"
    INDUSTRY = "industrie"
    IT_SERVICES = "it_dienstleistung"
    STAFFING = "personaldienstleistung"
    TRADE = "handel"
    CRAFT = "handwerk"
    LOGISTICS = "logistik"
    ENERGY = "energie_versorgung"
    FINANCE = "finanzen_versicherung"
    HOSPITALITY = "gastgewerbe"
    EDUCATION = "bildung"
    OTHER = "sonstige"


# Monthly full-time equivalent conversion: 40 h/week * 52 weeks / 12 months.
HOURS_PER_MONTH = 40 * 52 / 12


@dataclass(frozen=True, slots=True)
class Place:
    """A German municipality (Gemeinde) keyed by its 8-digit AGS."""

    ags: str
    name: str
    lat: float
    lon: float
    population: int
    kreis_ags: str  # 5 digits
    kreis: str
    land: str
    rb_ags: str = ""  # 3 digits when the Land has Regierungsbezirke, else ""
    rb: str = ""
    plz: str = ""  # postcode of the seat

    @property
    def land_ags(self) -> str:
        return self.ags[:2]


@dataclass(frozen=True, slots=True)
class Occupation:
    """A KldB 2010 five-digit occupation, with its ESCO/ISCO counterparts where known."""

    kldb: str  # 5 digits
    title: str
    short_title: str = ""
    isco: str = ""  # ISCO-08 four-digit group
    esco_uri: str = ""
    esco_label: str = ""

    @property
    def level(self) -> str:
        """Anforderungsniveau: 1 Helfer, 2 Fachkraft, 3 Spezialist, 4 Experte."""
        return self.kldb[4]


@dataclass(frozen=True, slots=True)
class Employer:
    name: str
    sector: Sector = Sector.OTHER
    website: str = ""


@dataclass(frozen=True, slots=True)
class Salary:
    """A salary as advertised, plus its monthly full-time-equivalent gross range in EUR."""

    min: float | None
    max: float | None
    period: SalaryPeriod
    currency: str = "EUR"
    gross: bool = True
    tariff: str = ""  # e.g. "TVöD VKA E 9b" when derived from a tariff table
    text: str = ""

    @property
    def monthly_min(self) -> float | None:
        return _to_monthly(self.min, self.period)

    @property
    def monthly_max(self) -> float | None:
        return _to_monthly(self.max, self.period)

    @property
    def monthly_mid(self) -> float | None:
        lo, hi = self.monthly_min, self.monthly_max
        if lo is not None and hi is not None:
            return (lo + hi) / 2
        return lo if lo is not None else hi


def _to_monthly(value: float | None, period: SalaryPeriod) -> float | None:
    if value is None:
        return None
    if period is SalaryPeriod.HOUR:
        return round(value * HOURS_PER_MONTH, 2)
    if period is SalaryPeriod.YEAR:
        return round(value / 12, 2)
    return value


@dataclass(frozen=True, slots=True)
class RawPosting:
    """A posting as a source delivers it, before normalization."""

    source: str
    source_id: str
    title: str
    employer: str
    description: str
    location: str  # free text: "45879 Gelsenkirchen", "Essen/Bochum", "Remote"
    url: str = ""
    salary_text: str = ""
    working_time_text: str = ""
    posted_at: datetime | None = None
    valid_through: date | None = None
    employer_sector: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def payload_hash(self) -> str:
        """Stable hash of the payload: re-ingesting an unchanged posting changes nothing."""
        # The fields as they are (no asdict: its deep copy of every value was most of the cost); json with
        # sorted keys and str() for dates keeps the digest identical across runs and processes.
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(slots=True)
class Posting:
    """A normalized posting."""

    source: str
    source_id: str
    title: str
    employer: Employer
    description: str
    location_text: str
    place_ags: tuple[str, ...] = ()  # resolved municipalities; empty when unresolved or fully remote
    kldb: str = ""  # "" = unclassified
    occupation_confidence: float = 0.0
    salary: Salary | None = None
    salary_text: str = ""
    working_time: WorkingTime = WorkingTime.UNKNOWN
    remote: Remote = Remote.UNKNOWN
    contract: Contract = Contract.UNKNOWN
    experience: Experience = Experience.UNKNOWN
    skills: tuple[str, ...] = ()
    url: str = ""
    posted_at: datetime | None = None
    valid_through: date | None = None
    status: PostingStatus = PostingStatus.ACTIVE
    raw_hash: str = ""
    id: int | None = None  # store id once persisted
    duplicate_of: int | None = None
    education: str = ""  # "studium" / "ausbildung" / "keine" / "" (not stated)
    career_changer: bool = False  # open to career changers ("Quereinstieg")
