"""Fixtures shared by tests/alerts and tests/web/test_alerts_web.py (import them by name): a real SMTP server
(aiosmtpd) on loopback, a fresh store + app per test, real German postings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stellenatlas.domain import RawPosting
from stellenatlas.services import Services, open_services
from stellenatlas.settings import Settings, load_settings
from stellenatlas.sources.ingest import ingest
from stellenatlas.store.db import upgrade
from stellenatlas.web.app import create_app
from tests.support import Inbox, free_port, smtp_server  # noqa: F401  (re-exported for the alert tests)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def alert_settings(tmp_path: Path, smtp: tuple[Inbox, int]) -> Settings:
    return load_settings(
        env={},
        var_dir=str(tmp_path),
        mailer="smtp",
        smtp_host="127.0.0.1",
        smtp_port=smtp[1],
        base_url="http://testserver",
        mail_from="stellenatlas <jobalarm@stellenatlas.example>",
    )


@pytest.fixture
def services(alert_settings: Settings) -> Iterator[Services]:
    svc = open_services(alert_settings)
    upgrade(svc.engine)
    yield svc
    svc.close()


@pytest.fixture
def app_client(services: Services, alert_settings: Settings) -> TestClient:
    return TestClient(create_app(alert_settings), raise_server_exceptions=False)


NOW = datetime.now(UTC).replace(microsecond=0)

# Distinct texts: near-identical descriptions would be linked as duplicates at ingest and hidden from search.
DESCRIPTIONS = {
    "gk-1": "Für unsere internistische Station suchen wir zum nächstmöglichen Zeitpunkt eine Pflegefachkraft "
    "(m/w/d) in Vollzeit. Ihre Aufgaben: ganzheitliche Pflege unserer Patientinnen und Patienten, "
    "Zusammenarbeit im multiprofessionellen Team. Wir bieten Vergütung nach TVöD-P und ein Jobticket.",
    "gk-2": "Auf unserer interdisziplinären Intensivstation mit 14 Betten erwartet Sie die Versorgung beatmeter "
    "Patienten, Fachweiterbildung Intensiv- und Anästhesiepflege wird gefördert. Schichtzulagen, "
    "betriebliche Altersvorsorge (KZVK) und Kita-Plätze in Buer.",
    "gk-3": "Dauernachtwache in unserem Seniorenzentrum: Sie begleiten Bewohnerinnen und Bewohner durch die Nacht, "
    "dokumentieren in Vivendi und arbeiten im 7-Nächte-Modell. Nachtzuschläge steuerfrei, 30 Tage Urlaub.",
    "hh-1": "Die Asklepios Klinik Altona sucht Verstärkung für die Unfallchirurgie. Sie übernehmen die prä- und "
    "postoperative Versorgung, Wundmanagement und Entlassmanagement. HVV-ProfiTicket und Umzugshilfe.",
    "muc-1": "Sie entwickeln Backend-Services in Java 21 und Spring Boot, betreiben sie auf Kubernetes und "
    "arbeiten agil in einem Team von acht Personen. Homeoffice bis zu drei Tage pro Woche möglich.",
}


def raw(source_id: str, title: str, employer: str, location: str, posted_at: datetime) -> RawPosting:
    return RawPosting(
        source="test",
        source_id=source_id,
        title=title,
        employer=employer,
        description=DESCRIPTIONS[source_id],
        location=location,
        url=f"https://karriere.example.de/stellen/{source_id}",
        working_time_text="Vollzeit",
        posted_at=posted_at,
    )


def ingest_now(svc: Services, raws: list[RawPosting], now: datetime) -> None:
    report = ingest(raws, svc.store, svc.index, source="test", now=now)
    assert report.rejected == 0, report.summary()


__all__ = [
    "NOW",
    "Inbox",
    "alert_settings",
    "app_client",
    "ingest_now",
    "raw",
    "services",
    "smtp",
    "timedelta",
]
