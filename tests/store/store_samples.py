"""Realistic sample postings for the store tests (importable by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from stellenatlas.domain.models import (
    Contract,
    Employer,
    Experience,
    Posting,
    Remote,
    Salary,
    SalaryPeriod,
    Sector,
    WorkingTime,
)

NOW = datetime(2025, 3, 14, 6, 30, tzinfo=UTC)

STADTWERKE = Employer("Stadtwerke Gelsenkirchen GmbH", Sector.ENERGY, "https://www.stadtwerke-ge.de")
KLINIKEN = Employer("Evangelische Kliniken Essen-Mitte gGmbH", Sector.HEALTH)
SPEDITION = Employer("Spedition Heinrich Koch GmbH & Co. KG", Sector.LOGISTICS)


def sample_posting(**overrides: Any) -> Posting:
    base: dict[str, Any] = {
        "source": "ba",
        "source_id": "10000-1198765432-S",
        "title": "IT-Projektkoordinator (m/w/d)",
        "employer": STADTWERKE,
        "description": "Sie koordinieren IT-Projekte zur Digitalisierung unserer Netzinfrastruktur "
        "und sind Schnittstelle zwischen Fachbereichen und externen Dienstleistern.",
        "location_text": "45879 Gelsenkirchen",
        "place_ags": ("05513000",),
        "kldb": "43323",
        "occupation_confidence": 0.93,
        "salary": Salary(
            4200.0, 5100.0, SalaryPeriod.MONTH, tariff="TV-V EG 10", text="4.200 – 5.100 € brutto"
        ),
        "salary_text": "4.200 – 5.100 € brutto",
        "working_time": WorkingTime.FULL_TIME,
        "remote": Remote.HYBRID,
        "contract": Contract.PERMANENT,
        "experience": Experience.PROFESSIONAL,
        "skills": ("Projektmanagement", "SAP", "Scrum"),
        "url": "https://www.arbeitsagentur.de/jobsuche/jobdetail/10000-1198765432-S",
        "posted_at": datetime(2025, 3, 10, 8, 0, tzinfo=UTC),
        "valid_through": date(2025, 4, 30),
        "raw_hash": "h-it-1",
    }
    base.update(overrides)
    return Posting(**base)
