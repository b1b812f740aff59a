"""Conversions between domain objects and table rows: enums as their `.value`, JSON as text, times in UTC."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from stellenatlas.domain.models import (
    Contract,
    Employer,
    Experience,
    Posting,
    PostingStatus,
    Remote,
    Salary,
    SalaryPeriod,
    Sector,
    WorkingTime,
)
from stellenatlas.normalize.text import fold

E = TypeVar("E", bound=StrEnum)

_KLDB = re.compile(r"\d{5}")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def utc(value: datetime | None) -> datetime | None:
    """Aware UTC datetime. Naive values are taken as UTC (SQLite hands them back naive)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


def employer_key(name: str) -> str:
    """Matching key of an employer name: folded, punctuation and spacing ignored.

    "Stadtwerke Gelsenkirchen GmbH", "STADTWERKE GELSENKIRCHEN GMBH" and "Stadtwerke  Gelsenkirchen GmbH"
    are one employer; legal forms are kept ("Müller GmbH" and "Müller KG" stay two employers).
    """
    return _NON_ALNUM.sub(" ", fold(name)).strip()[:255]


def to_enum(cls: type[E], value: str | None, default: E) -> E:
    # unknown values (e.g. written by a newer version) degrade to the default instead of breaking reads
    if value is None:
        return default
    try:
        return cls(value)
    except ValueError:
        return default


def check_kldb(kldb: str) -> str:
    if kldb and not _KLDB.fullmatch(kldb):
        raise ValueError(f"kldb must be '' or five digits, got {kldb!r}")
    return kldb


def unique_ags(place_ags: Sequence[str]) -> list[str]:
    """Place codes in their order, duplicates dropped (they are one primary key per posting)."""
    seen: dict[str, None] = {}
    for ags in place_ags:
        if ags:
            seen.setdefault(ags, None)
    return list(seen)


def posting_row(p: Posting, employer_id: int | None) -> dict[str, Any]:
    """Columns written on insert and on update (not id, first_seen_at, last_seen_at, status bookkeeping)."""
    s = p.salary
    return {
        "source": p.source,
        "source_id": p.source_id,
        "title": p.title,
        "employer_id": employer_id,
        "description": p.description,
        "location_text": p.location_text,
        "kldb": check_kldb(p.kldb),
        "occupation_confidence": float(p.occupation_confidence),
        "salary_min": s.min if s else None,
        "salary_max": s.max if s else None,
        "salary_period": s.period.value if s else None,
        "salary_currency": s.currency if s else None,
        "salary_gross": s.gross if s else None,
        "salary_tariff": s.tariff if s else None,
        "salary_text": p.salary_text or (s.text if s else ""),
        "salary_monthly_min": s.monthly_min if s else None,
        "salary_monthly_max": s.monthly_max if s else None,
        "working_time": WorkingTime(p.working_time).value,
        "remote": Remote(p.remote).value,
        "contract": Contract(p.contract).value,
        "experience": Experience(p.experience).value,
        "skills": json.dumps(list(p.skills), ensure_ascii=False),
        "url": p.url,
        "posted_at": utc(p.posted_at),
        "valid_through": p.valid_through,
        "raw_hash": p.raw_hash,
        "education": p.education,
        "career_changer": bool(p.career_changer),
    }


def salary_from_row(row: Any) -> Salary | None:
    """The Salary of a postings row (any mapping with the salary_* columns), None without a period."""
    if row["salary_period"] is None:
        return None
    return Salary(
        min=row["salary_min"],
        max=row["salary_max"],
        period=SalaryPeriod(row["salary_period"]),
        currency=row["salary_currency"] or "EUR",
        gross=bool(row["salary_gross"]) if row["salary_gross"] is not None else True,
        tariff=row["salary_tariff"] or "",
        text=row["salary_text"] or "",
    )


def row_to_posting(row: Any, place_ags: Sequence[str]) -> Posting:
    salary = salary_from_row(row)
    employer = Employer(
        name=row["employer_name"] or "",
        sector=to_enum(Sector, row["employer_sector"], Sector.OTHER),
        website=row["employer_website"] or "",
    )
    return Posting(
        source=row["source"],
        source_id=row["source_id"],
        title=row["title"],
        employer=employer,
        description=row["description"],
        location_text=row["location_text"],
        place_ags=tuple(place_ags),
        kldb=row["kldb"],
        occupation_confidence=row["occupation_confidence"],
        salary=salary,
        salary_text=row["salary_text"],
        working_time=to_enum(WorkingTime, row["working_time"], WorkingTime.UNKNOWN),
        remote=to_enum(Remote, row["remote"], Remote.UNKNOWN),
        contract=to_enum(Contract, row["contract"], Contract.UNKNOWN),
        experience=to_enum(Experience, row["experience"], Experience.UNKNOWN),
        skills=tuple(json.loads(row["skills"] or "[]")),
        url=row["url"],
        posted_at=utc(row["posted_at"]),
        valid_through=row["valid_through"],
        status=to_enum(PostingStatus, row["status"], PostingStatus.ACTIVE),
        raw_hash=row["raw_hash"],
        id=row["id"],
        duplicate_of=row["duplicate_of"],
        education=row["education"] or "",
        career_changer=bool(row["career_changer"]),
    )
