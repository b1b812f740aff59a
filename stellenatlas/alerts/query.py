"""Validation and normalization of what an alert stores: the e-mail address, the frequency, the search.

Pure functions; every error is an `AlertInputError` with a German message that the web page shows as is.
The search limits are those of /suche (same patterns and ranges), except the text, which is capped at the
length the index actually uses (`MAX_TEXT_CHARS`): /suche silently cuts longer input, an alert must not
silently store something else than what the user sees, so it refuses instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from stellenatlas.domain import Place
from stellenatlas.insights.fmt import de_int
from stellenatlas.search.base import SearchQuery, SortKey

MAX_TEXT_CHARS = 200  # = search.query.MAX_TEXT_CHARS (not imported: keeps this module free of tantivy)
MAX_ORT_CHARS = 200
MAX_SALARY = 100_000
MAX_RADIUS_KM = 200
DEFAULT_RADIUS_KM = 25
MAX_EMAIL_CHARS = 254  # RFC 5321 path limit minus the angle brackets
MAX_LOCAL_CHARS = 64

FREQUENCIES: dict[str, str] = {"daily": "täglich", "weekly": "wöchentlich"}
_FREQUENCY_ALIASES = {
    "daily": "daily",
    "täglich": "daily",
    "taeglich": "daily",
    "weekly": "weekly",
    "wöchentlich": "weekly",
    "woechentlich": "weekly",
}
WORKING_TIMES = {"vollzeit": "Vollzeit", "teilzeit": "Teilzeit", "minijob": "Minijob"}
REMOTES = {"vor_ort": "vor Ort", "hybrid": "hybrid", "remote": "remote"}

# dot-atom local part (RFC 5322 without quoted strings and comments: nobody types those into a web form, and
# they are where header injection and parser differentials live)
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_TLD = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")


class AlertInputError(ValueError):
    """Invalid user input; the message is German and safe to show."""


@dataclass(frozen=True, slots=True)
class Email:
    address: str  # as typed, domain lower-cased and IDNA-encoded
    key: str  # folded: one person, one key (rate limit, export, deletion)


def validate_email(raw: str) -> Email:
    """Syntax and length only (no DNS, no SMTP probing): the double opt-in proves the address works."""
    text = (raw or "").strip()
    if not text:
        raise AlertInputError("Bitte geben Sie Ihre E-Mail-Adresse an.")
    if len(text) > MAX_EMAIL_CHARS:
        raise AlertInputError(f"Die E-Mail-Adresse ist zu lang (höchstens {MAX_EMAIL_CHARS} Zeichen).")
    invalid = AlertInputError(f"„{text[:80]}“ ist keine gültige E-Mail-Adresse (Beispiel: name@beispiel.de).")
    if text.count("@") != 1:
        raise invalid
    local, domain = text.split("@")
    if not local or len(local) > MAX_LOCAL_CHARS or not _LOCAL.fullmatch(local):
        raise invalid
    try:
        ascii_domain = domain.lower().rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        raise invalid from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise invalid
    if not _TLD.fullmatch(labels[-1]):
        raise invalid
    address = f"{local}@{ascii_domain}"
    if len(address) > MAX_EMAIL_CHARS:
        raise AlertInputError(f"Die E-Mail-Adresse ist zu lang (höchstens {MAX_EMAIL_CHARS} Zeichen).")
    return Email(address=address, key=address.lower())


def validate_frequency(raw: str) -> str:
    """ "daily" / "weekly" (German labels accepted too)."""
    value = _FREQUENCY_ALIASES.get((raw or "").strip().lower())
    if value is None:
        raise AlertInputError(
            "Bitte wählen Sie, wie oft Sie E-Mails erhalten möchten: täglich oder wöchentlich."
        )
    return value


@dataclass(frozen=True, slots=True)
class AlertQuery:
    """The search parameters of /suche that an alert keeps (no sort, no page: a digest is always by date)."""

    q: str = ""
    ort: str = ""
    umkreis: int = DEFAULT_RADIUS_KM
    arbeitszeit: str = ""
    remote: str = ""
    beruf: str = ""
    gehalt: int = 0  # minimum monthly salary in EUR (0 = any); only postings that state one

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> AlertQuery:
        data = json.loads(text)
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def params(self) -> dict[str, str]:
        """The non-empty /suche parameters, for links back to the search and hidden form fields."""
        out = {"q": self.q, "ort": self.ort, "arbeitszeit": self.arbeitszeit, "remote": self.remote}
        out["beruf"] = self.beruf
        if self.ort:
            out["umkreis"] = str(self.umkreis)
        if self.gehalt:
            out["gehalt"] = str(self.gehalt)
        return {k: v for k, v in out.items() if v}

    def search_url(self, base_url: str, path: str = "/suche") -> str:
        params = self.params()
        return f"{base_url.rstrip('/')}{path}" + (f"?{urlencode(params)}" if params else "")

    def describe(self) -> str:
        """German one-liner, e.g. „Pflegefachkraft“ in Gelsenkirchen (25 km), Teilzeit."""
        head = f"„{self.q}“" if self.q else "alle Stellen"
        if self.ort:
            head += f" in {self.ort}" + (
                f" ({self.umkreis} km Umkreis)" if self.umkreis else " (nur der Ort)"
            )
        parts = [head]
        if self.beruf:
            parts.append(f"Beruf (KldB) {self.beruf}")
        if self.arbeitszeit:
            parts.append(WORKING_TIMES.get(self.arbeitszeit, self.arbeitszeit))
        if self.remote:
            parts.append(REMOTES.get(self.remote, self.remote))
        if self.gehalt:
            parts.append(f"Gehalt ab {de_int(self.gehalt)} €/Monat")
        return ", ".join(parts)


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return "" if value is None else str(value)


def normalize_query(params: Mapping[str, Any]) -> AlertQuery:
    """Validate and normalize /suche-style parameters (strings from a form or query string).

    Whitespace is collapsed so that "Pflege  fachkraft " and "Pflege fachkraft" are one alert; the place is
    checked by the caller (it needs the reference data), see `stellenatlas.insights.pages.resolve_city`.
    """
    q = " ".join(_text(params, "q").split())
    if len(q) > MAX_TEXT_CHARS:
        raise AlertInputError(f"Der Suchbegriff ist zu lang (höchstens {MAX_TEXT_CHARS} Zeichen).")
    ort = " ".join(_text(params, "ort").split())
    if len(ort) > MAX_ORT_CHARS:
        raise AlertInputError(f"Die Ortsangabe ist zu lang (höchstens {MAX_ORT_CHARS} Zeichen).")
    raw_radius = _text(params, "umkreis").strip()
    if raw_radius == "":
        umkreis = DEFAULT_RADIUS_KM
    elif raw_radius.isdigit() and len(raw_radius) <= 4 and int(raw_radius) <= MAX_RADIUS_KM:
        umkreis = int(raw_radius)
    else:
        raise AlertInputError(f"Der Umkreis muss eine ganze Zahl von 0 bis {MAX_RADIUS_KM} km sein.")
    arbeitszeit = _text(params, "arbeitszeit").strip()
    if arbeitszeit and arbeitszeit not in WORKING_TIMES:
        raise AlertInputError("Unbekannte Arbeitszeit – erlaubt sind Vollzeit, Teilzeit oder Minijob.")
    remote = _text(params, "remote").strip()
    if remote and remote not in REMOTES:
        raise AlertInputError("Unbekannte Homeoffice-Angabe – erlaubt sind vor Ort, hybrid oder remote.")
    beruf = _text(params, "beruf").strip()
    if beruf and not re.fullmatch(r"[0-9]{1,5}", beruf):
        raise AlertInputError("Der Berufsschlüssel (KldB) muss aus 1 bis 5 Ziffern bestehen.")
    raw_salary = _text(params, "gehalt").strip()
    if raw_salary and not (raw_salary.isdigit() and len(raw_salary) <= 6 and int(raw_salary) <= MAX_SALARY):
        raise AlertInputError(f"Das Mindestgehalt muss eine ganze Zahl von 0 bis {MAX_SALARY} € sein.")
    if not (q or ort or beruf):
        raise AlertInputError(
            "Bitte geben Sie mindestens einen Suchbegriff, einen Ort oder einen Beruf an – "
            "sonst wäre jede neue Stelle in Deutschland ein Treffer."
        )
    return AlertQuery(
        q=q,
        ort=ort,
        umkreis=umkreis if ort else DEFAULT_RADIUS_KM,
        arbeitszeit=arbeitszeit,
        remote=remote,
        beruf=beruf,
        gehalt=int(raw_salary or 0),
    )


def search_query(
    query: AlertQuery, place: Place | None, *, sort: SortKey = "date", page: int = 1, page_size: int = 100
) -> SearchQuery:
    """The index query of an alert; `place` is `resolve_city(query.ort)` (None = all of Germany)."""
    return SearchQuery(
        text=query.q,
        kldb_prefix=query.beruf,
        lat=place.lat if place else None,
        lon=place.lon if place else None,
        radius_km=float(query.umkreis) if place else None,
        working_time=query.arbeitszeit or None,
        remote=query.remote or None,
        salary_min_monthly=float(query.gehalt) if query.gehalt else None,
        sort=sort,
        page=page,
        page_size=page_size,
        facets=False,
    )
