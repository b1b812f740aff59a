"""Validation of the posting, registration and profile forms (pure)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from stellenatlas.accounts.forms import (
    parse_amount,
    slugify,
    valid_website,
    validate_job,
    validate_profile,
    validate_registration,
)
from stellenatlas.accounts.sanitize import clean_html, html_to_text
from stellenatlas.domain import SalaryPeriod, WorkingTime

TODAY = date(2026, 11, 26)


def job(**changes: str) -> dict[str, str]:
    data = {
        "titel": "Erzieher (m/w/d) Kita Sonnenschein",
        "beschreibung": "Wir suchen eine pädagogische Fachkraft.",
        "ort": "Gelsenkirchen-Buer",
        "gehalt_min": "",
        "gehalt_max": "",
        "gehalt_zeitraum": "monat",
        "arbeitszeit": "teilzeit",
        "bewerbung_bis": "",
    }
    data.update(changes)
    return data


def test_valid_posting_with_defaults() -> None:
    form, errors = validate_job(job(), TODAY)
    assert errors == {}
    assert form.working_time is WorkingTime.PART_TIME and form.salary is None
    assert form.valid_through == TODAY + timedelta(days=60)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"titel": "  "}, "titel"),
        ({"titel": "Erzieher " * 30}, "titel"),
        ({"beschreibung": ""}, "beschreibung"),
        ({"beschreibung": "x" * 20_001}, "beschreibung"),
        ({"ort": ""}, "ort"),
        ({"gehalt_min": "viertausend"}, "gehalt_min"),
        ({"gehalt_min": "4.500", "gehalt_max": "3.900"}, "gehalt_max"),
        ({"gehalt_min": "3.500", "gehalt_zeitraum": "stunde"}, "gehalt_min"),  # 3.500 €/h: wrong period
        ({"gehalt_min": "12,50", "gehalt_zeitraum": "jahr"}, "gehalt_min"),  # 12,50 €/year
        ({"gehalt_max": "45.000", "gehalt_zeitraum": "monat"}, "gehalt_max"),
        ({"gehalt_min": "3.000", "gehalt_zeitraum": "woche"}, "gehalt_zeitraum"),
        ({"arbeitszeit": "schicht"}, "arbeitszeit"),
        ({"bewerbung_bis": "2026-11-26"}, "bewerbung_bis"),  # today is not in the future
        ({"bewerbung_bis": "2025-01-31"}, "bewerbung_bis"),
        ({"bewerbung_bis": "2027-12-01"}, "bewerbung_bis"),  # more than a year
        ({"bewerbung_bis": "31.03.2027"}, "bewerbung_bis"),
    ],
)
def test_invalid_fields_get_a_german_message(changes: dict[str, str], field: str) -> None:
    _, errors = validate_job(job(**changes), TODAY)
    assert field in errors, errors
    assert errors[field][0].isupper()


@pytest.mark.parametrize(
    ("lo", "hi", "period", "expected"),
    [
        ("3.800", "4.600", "monat", (3800.0, 4600.0, SalaryPeriod.MONTH)),
        ("14,50", "", "stunde", (14.5, None, SalaryPeriod.HOUR)),
        ("", "72.000", "jahr", (None, 72000.0, SalaryPeriod.YEAR)),
        ("4200", "4200", "monat", (4200.0, 4200.0, SalaryPeriod.MONTH)),
    ],
)
def test_plausible_salaries(lo: str, hi: str, period: str, expected: tuple[object, ...]) -> None:
    form, errors = validate_job(job(gehalt_min=lo, gehalt_max=hi, gehalt_zeitraum=period), TODAY)
    assert errors == {}
    assert form.salary is not None
    assert (form.salary.min, form.salary.max, form.salary.period) == expected


@pytest.mark.parametrize(
    ("raw", "value"),
    [("3.500", 3500.0), ("3500", 3500.0), ("17,50", 17.5), ("3.500,00", 3500.0), ("1.2.3", None)],
)
def test_parse_amount(raw: str, value: float | None) -> None:
    assert parse_amount(raw) == value


def test_registration_rules() -> None:
    ok = {"firma": "Bäckerei Müller", "email": "info@baeckerei-mueller.de", "passwort": "x" * 12}
    ok |= {"passwort2": "x" * 12, "einwilligung": "ja"}
    assert validate_registration(ok)[1] == {}
    assert set(validate_registration({**ok, "passwort": "kurz", "passwort2": "kurz"})[1]) == {"passwort"}
    assert set(validate_registration({**ok, "passwort2": "y" * 12})[1]) == {"passwort2"}
    assert set(validate_registration({**ok, "email": "info@"})[1]) == {"email"}
    assert set(validate_registration({**ok, "einwilligung": ""})[1]) == {"einwilligung"}


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://www.stadtwerke-gelsenkirchen.de", True),
        ("http://baeckerei-mueller.de/karriere", True),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("https://user:pw@beispiel.de", False),
        ("ftp://beispiel.de", False),
        ("https://localhost", False),
        ("https://beispiel.de/ x", False),
    ],
)
def test_website_must_be_http_or_https(url: str, ok: bool) -> None:
    assert valid_website(url) is ok
    assert ("website" in validate_profile({"website": url})[1]) is not ok


def test_slugs() -> None:
    assert slugify("Bäckerei Müller & Söhne GmbH") == "baeckerei-mueller-soehne-gmbh"
    assert slugify("<script>") == "script"
    assert slugify("…") == "arbeitgeber"


def test_sanitizer_keeps_the_allowed_subset_only() -> None:
    dirty = (
        '<h3>Ihre Aufgaben</h3><p onclick="x()">Planung <em>und</em> <b>Steuerung</b></p>'
        '<script>alert(1)</script><a href="javascript:alert(1)">x</a><a href="https://beispiel.de">Karriere</a>'
        "<img src=x onerror=alert(1)><style>p{}</style>"
    )
    cleaned = clean_html(dirty)
    assert cleaned == (
        '<h3>Ihre Aufgaben</h3><p>Planung <em>und</em> Steuerung</p><a rel="nofollow noopener">x</a>'
        '<a href="https://beispiel.de" rel="nofollow noopener">Karriere</a>'
    )
    assert html_to_text(cleaned) == "Ihre Aufgaben\nPlanung und Steuerung\nxKarriere"
    assert clean_html("Zeile 1\nZeile 2 <3") == "Zeile 1<br>\nZeile 2 &lt;3"
