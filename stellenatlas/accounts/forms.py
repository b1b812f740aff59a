"""Validation of the employer forms. Pure: form fields (strings) in, clean values and German error messages out."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from stellenatlas.accounts.secrets import MAX_PASSWORD, MIN_PASSWORD
from stellenatlas.domain import Salary, SalaryPeriod, WorkingTime
from stellenatlas.normalize.salary import BOUNDS

MAX_TITLE = 200
MAX_DESCRIPTION = 20_000
MAX_LOCATION = 200
MAX_CONTACT = 300
MAX_COMPANY = 200
MAX_PROFILE = 5_000
MAX_VALID_DAYS = 365
DEFAULT_VALID_DAYS = 60
PERIODS = {"stunde": SalaryPeriod.HOUR, "monat": SalaryPeriod.MONTH, "jahr": SalaryPeriod.YEAR}
PERIOD_LABEL = {"stunde": "pro Stunde", "monat": "pro Monat", "jahr": "pro Jahr"}
WORKING_TIMES = {
    "": WorkingTime.UNKNOWN,
    "vollzeit": WorkingTime.FULL_TIME,
    "teilzeit": WorkingTime.PART_TIME,
}
WORKING_TIMES["minijob"] = WorkingTime.MINIJOB
# Paths under /arbeitgeber/ that are not company profiles.
RESERVED_SLUGS = frozenset(
    {"registrieren", "anmelden", "abmelden", "bestaetigen", "konto", "profil", "stellen", "admin"}
)

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?$|^\d+(?:[.,]\d{1,2})?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text(form: dict[str, Any], name: str) -> str:
    """A single-line field: control characters removed, whitespace collapsed."""
    value = form.get(name, "")
    value = value if isinstance(value, str) else ""
    return " ".join(_CONTROL.sub("", value).split())


def multiline(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    value = value if isinstance(value, str) else ""
    return _CONTROL.sub("", value).replace("\r\n", "\n").strip()


def email_key(email: str) -> str:
    return email.strip().lower()


def valid_email(email: str) -> bool:
    return len(email) <= 254 and bool(_EMAIL.match(email))


def slugify(name: str) -> str:
    folded = name.lower().replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    ascii_text = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:80].strip("-")
    return slug or "arbeitgeber"


@dataclass
class Registration:
    company_name: str
    email: str
    password: str


def validate_registration(form: dict[str, Any]) -> tuple[Registration, dict[str, str]]:
    errors: dict[str, str] = {}
    company = text(form, "firma")
    email = text(form, "email")
    password = form.get("passwort", "") if isinstance(form.get("passwort"), str) else ""
    if not company:
        errors["firma"] = "Bitte geben Sie den Namen Ihres Unternehmens an."
    elif len(company) > MAX_COMPANY:
        errors["firma"] = f"Der Firmenname darf höchstens {MAX_COMPANY} Zeichen lang sein."
    if not valid_email(email):
        errors["email"] = "Bitte geben Sie eine gültige E-Mail-Adresse an."
    if len(password) < MIN_PASSWORD:
        errors["passwort"] = f"Das Passwort muss mindestens {MIN_PASSWORD} Zeichen lang sein."
    elif len(password) > MAX_PASSWORD:
        errors["passwort"] = f"Das Passwort darf höchstens {MAX_PASSWORD} Zeichen lang sein."
    elif password != form.get("passwort2", ""):
        errors["passwort2"] = "Die beiden Passwörter stimmen nicht überein."
    if form.get("einwilligung") != "ja":
        errors["einwilligung"] = "Bitte stimmen Sie der Datenschutzerklärung und den Nutzungsbedingungen zu."
    return Registration(company, email, password), errors


def valid_website(url: str) -> bool:
    """http(s) URL with a host and no credentials: no javascript:/data: links on a public profile."""
    if len(url) > 500 or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and "." in host and not parts.username and not parts.password


@dataclass
class Profile:
    description: str
    website: str
    location: str


def validate_profile(form: dict[str, Any]) -> tuple[Profile, dict[str, str]]:
    errors: dict[str, str] = {}
    profile = Profile(multiline(form, "beschreibung"), text(form, "website"), text(form, "ort"))
    if len(profile.description) > MAX_PROFILE:
        errors["beschreibung"] = f"Die Beschreibung darf höchstens {MAX_PROFILE} Zeichen lang sein."
    if profile.website and not valid_website(profile.website):
        errors["website"] = "Bitte geben Sie eine vollständige Adresse mit http:// oder https:// an."
    if len(profile.location) > MAX_LOCATION:
        errors["ort"] = f"Der Ort darf höchstens {MAX_LOCATION} Zeichen lang sein."
    return profile, errors


def parse_amount(raw: str) -> float | None:
    """German amounts: "3.500", "3500", "17,50", "3.500,00"; None when it is not a number."""
    value = raw.replace(" ", "").replace("\u00a0", "").removesuffix("€").strip()
    if not _NUMBER.match(value):
        return None
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", value):
        value = value.replace(".", "")
    return float(value)


@dataclass
class JobForm:
    title: str
    description: str  # as entered (HTML subset or plain text); sanitized by the caller
    location: str
    contact: str = ""
    salary: Salary | None = None
    working_time: WorkingTime = WorkingTime.UNKNOWN
    valid_through: date | None = None
    fields: dict[str, str] = field(default_factory=dict)  # the raw values, to fill the form again

    @property
    def salary_text(self) -> str:
        if self.salary is None:
            return ""
        fmt = "{:,.2f}" if self.salary.period is SalaryPeriod.HOUR else "{:,.0f}"

        def de(x: float) -> str:
            return fmt.format(x).replace(",", "X").replace(".", ",").replace("X", ".")

        lo, hi = self.salary.min, self.salary.max
        amount = f"{de(lo)} – {de(hi)} €" if lo is not None and hi is not None and lo != hi else ""
        if not amount:
            amount = f"ab {de(lo)} €" if lo is not None else f"bis {de(hi or 0)} €"
        label = {v: PERIOD_LABEL[k] for k, v in PERIODS.items()}[self.salary.period]
        return f"{amount} brutto {label}"


JOB_FIELDS = (
    "titel", "beschreibung", "ort", "kontakt", "gehalt_min", "gehalt_max", "gehalt_zeitraum", "arbeitszeit",
    "bewerbung_bis",
)  # fmt: skip


def validate_job(form: dict[str, Any], today: date) -> tuple[JobForm, dict[str, str]]:
    """Check the posting form; errors by field name. Nothing here touches the store."""
    errors: dict[str, str] = {}
    raw = {name: multiline(form, name) if name == "beschreibung" else text(form, name) for name in JOB_FIELDS}
    title, description, location = raw["titel"], raw["beschreibung"], raw["ort"]
    if not title:
        errors["titel"] = "Bitte geben Sie einen Stellentitel an."
    elif len(title) > MAX_TITLE:
        errors["titel"] = f"Der Titel darf höchstens {MAX_TITLE} Zeichen lang sein (jetzt {len(title)})."
    if not description:
        errors["beschreibung"] = "Bitte beschreiben Sie die Stelle."
    elif len(description) > MAX_DESCRIPTION:
        errors["beschreibung"] = (
            f"Die Beschreibung darf höchstens {MAX_DESCRIPTION:,} Zeichen lang sein".replace(",", ".")
            + f" (jetzt {len(description):,}).".replace(",", ".")
        )
    if not location:
        errors["ort"] = "Bitte geben Sie den Arbeitsort an (z. B. „45879 Gelsenkirchen“ oder „Remote“)."
    elif len(location) > MAX_LOCATION:
        errors["ort"] = f"Der Ort darf höchstens {MAX_LOCATION} Zeichen lang sein."
    if len(raw["kontakt"]) > MAX_CONTACT:
        errors["kontakt"] = f"Die Kontaktangabe darf höchstens {MAX_CONTACT} Zeichen lang sein."

    salary = _salary(raw, errors)
    working_time = WORKING_TIMES.get(raw["arbeitszeit"])
    if working_time is None:
        errors["arbeitszeit"] = "Bitte wählen Sie eine Arbeitszeit aus der Liste."
        working_time = WorkingTime.UNKNOWN

    valid_through: date | None = today + timedelta(days=DEFAULT_VALID_DAYS)
    if raw["bewerbung_bis"]:
        try:
            valid_through = date.fromisoformat(raw["bewerbung_bis"])
        except ValueError:
            errors["bewerbung_bis"] = "Bitte geben Sie das Datum als JJJJ-MM-TT an, z. B. 2026-03-31."
            valid_through = None
        else:
            if valid_through <= today:
                errors["bewerbung_bis"] = "Die Bewerbungsfrist muss in der Zukunft liegen."
            elif valid_through > today + timedelta(days=MAX_VALID_DAYS):
                errors["bewerbung_bis"] = (
                    "Eine Anzeige läuft höchstens ein Jahr; bitte wählen Sie ein früheres Datum."
                )
    job = JobForm(
        title=title,
        description=description,
        location=location,
        contact=raw["kontakt"],
        salary=salary,
        working_time=working_time,
        valid_through=valid_through,
        fields=raw,
    )
    return job, errors


def _salary(raw: dict[str, str], errors: dict[str, str]) -> Salary | None:
    lo_raw, hi_raw, period_raw = raw["gehalt_min"], raw["gehalt_max"], raw["gehalt_zeitraum"]
    if not lo_raw and not hi_raw:
        return None
    lo = parse_amount(lo_raw) if lo_raw else None
    hi = parse_amount(hi_raw) if hi_raw else None
    if lo_raw and lo is None:
        errors["gehalt_min"] = "Bitte geben Sie das Gehalt als Zahl an, z. B. 3.500 oder 17,50."
    if hi_raw and hi is None:
        errors["gehalt_max"] = "Bitte geben Sie das Gehalt als Zahl an, z. B. 4.200 oder 21,00."
    period = PERIODS.get(period_raw)
    if period is None:
        errors["gehalt_zeitraum"] = "Bitte wählen Sie, ob das Gehalt pro Stunde, Monat oder Jahr gilt."
        return None
    low, high = BOUNDS[period]
    label = PERIOD_LABEL[period_raw]
    for name, value in (("gehalt_min", lo), ("gehalt_max", hi)):
        if value is not None and not low <= value <= high:
            errors[name] = (
                f"Ein Gehalt {label} muss zwischen {_de(low)} € und {_de(high)} € liegen – "
                "bitte prüfen Sie Betrag und Zeitraum."
            )
    if lo is not None and hi is not None and lo > hi and "gehalt_max" not in errors:
        errors["gehalt_max"] = "Das Höchstgehalt darf nicht kleiner als das Mindestgehalt sein."
    if any(k in errors for k in ("gehalt_min", "gehalt_max")):
        return None
    return Salary(min=lo, max=hi, period=period)


def _de(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")
