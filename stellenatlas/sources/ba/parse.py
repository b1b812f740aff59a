"""Pure mapping of BA Jobsuche responses to `RawPosting`s, for both response generations.

v6 search (`/pc/v6/jobs`, 2026): `ergebnisliste[]` with `referenznummer`, `stellenangebotsTitel`, `firma`,
`stellenlokationen[{adresse{plz, ort, region, land}, breite, laenge}]`, salary fields …
v4 search (`/pc/v4/jobs`): `stellenangebote[]` with `refnr`, `titel`/`beruf`, `arbeitgeber`,
`arbeitsort{plz, ort, region, koordinaten{lat, lon}}`, …
v4 details (`/pc/v4/jobdetails/{base64(refnr)}`): description in `stellenangebotsBeschreibung` or
`stellenbeschreibung`, places in `arbeitsorte[]`, `arbeitszeitmodelle[]`, `verguetung`, `befristung`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stellenatlas.domain import RawPosting
from stellenatlas.sources.common import parse_datetime
from stellenatlas.sources.jsonld.html import html_to_text, looks_like_html

SOURCE = "ba"
JOBDETAIL_URL = "https://www.arbeitsagentur.de/jobsuche/jobdetail/{refnr}"
GONE_CODE = "STELLENANGEBOT_NICHT_GEFUNDEN"

_WORKING_TIME = {
    "VOLLZEIT": "Vollzeit",
    "TEILZEIT": "Teilzeit",
    "SCHICHT_NACHTARBEIT_WOCHENENDE": "Schicht/Nachtarbeit/Wochenende",
    "HEIM_TELEARBEIT": "Homeoffice",
    "MINIJOB": "Minijob",
    "vz": "Vollzeit",
    "tz": "Teilzeit",
    "snw": "Schicht/Nachtarbeit/Wochenende",
    "ho": "Homeoffice",
    "mj": "Minijob",
}
_PERIOD_WORDS = (("STUNDE", "pro Stunde"), ("MONAT", "pro Monat"), ("JAHR", "pro Jahr"))


@dataclass(frozen=True, slots=True)
class SearchPage:
    items: list[dict[str, Any]]
    total: int
    version: str  # "v6" | "v4"
    payload: dict[str, Any]


def search_page(payload: Mapping[str, Any]) -> SearchPage:
    """Items and total of one search response, whichever generation answered."""
    if not isinstance(payload, Mapping):
        raise ValueError("BA-Suchantwort ist kein JSON-Objekt / BA search response is not a JSON object")
    if "ergebnisliste" in payload:
        items, version = payload.get("ergebnisliste") or [], "v6"
    else:
        items, version = payload.get("stellenangebote") or [], "v4"
    try:
        total = int(payload.get("maxErgebnisse") or 0)
    except (TypeError, ValueError):
        total = 0
    return SearchPage([i for i in items if isinstance(i, dict)], total, version, dict(payload))


def refnr_of(item: Mapping[str, Any]) -> str:
    return str(item.get("referenznummer") or item.get("refnr") or "").strip()


def facet_values(payload: Mapping[str, Any], name: str) -> list[str]:
    """Keys of a facet's counts, largest first. `facetten` is an object in v6 and a list in v4."""
    facets = payload.get("facetten")
    candidates: list[Any] = []
    if isinstance(facets, Mapping):
        candidates.append(facets.get(name))
    elif isinstance(facets, list):
        candidates += [f.get(name) for f in facets if isinstance(f, Mapping)]
        candidates += [f for f in facets if isinstance(f, Mapping) and f.get("name") == name]
    for facet in candidates:
        if isinstance(facet, Mapping):
            counts = facet.get("counts")
            if isinstance(counts, Mapping):
                return [k for k, _ in sorted(counts.items(), key=lambda kv: -_int(kv[1]))]
    return []


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _str(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _places(item: Mapping[str, Any], details: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for loc in item.get("stellenlokationen") or []:  # v6
        if isinstance(loc, Mapping):
            adr = loc.get("adresse") or {}
            out.append({**adr, "lat": loc.get("breite"), "lon": loc.get("laenge")})
    if isinstance(item.get("arbeitsort"), Mapping):  # v4 search
        out.append(dict(item["arbeitsort"]))
    if not out and details:
        out += [dict(a) for a in details.get("arbeitsorte") or [] if isinstance(a, Mapping)]
    for place in out:
        coords = place.get("koordinaten")
        if isinstance(coords, Mapping):
            place.setdefault("lat", coords.get("lat"))
            place.setdefault("lon", coords.get("lon"))
    return out


def location_text(places: list[dict[str, Any]]) -> str:
    """'45879 Gelsenkirchen; 44787 Bochum' – the form the place resolver reads best."""
    parts: list[str] = []
    for p in places:
        plz, ort = _str(p.get("plz")), _str(p.get("ort"))
        if plz.isdigit() and len(plz) == 4:
            plz = "0" + plz  # v4 sends the PLZ as an integer, which loses the leading zero (Dresden: 01067)
        text = f"{plz} {ort}".strip() or _str(p.get("region"))
        if text and text not in parts:
            parts.append(text)
    return "; ".join(parts)


def _money(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def salary_text(item: Mapping[str, Any], details: Mapping[str, Any] | None) -> str:
    """'3.500–4.200 EUR pro Monat' from the v6 range fields, else the free-text pay statement."""
    lo, hi = _num(item.get("gehaltsspanneVon")), _num(item.get("gehaltsspanneBis"))
    art = _str(item.get("artDerVerguetung")).upper()
    free = _str(item.get("verguetungsangabe"))
    if lo is not None or hi is not None:
        ref = hi if hi is not None else lo
        assert ref is not None
        period = next((words for key, words in _PERIOD_WORDS if key in art), "")
        if not period:  # no unit given: the magnitude tells hourly/monthly/yearly pay apart
            period = "pro Stunde" if ref < 200 else "pro Monat" if ref < 20_000 else "pro Jahr"
        if lo is not None and hi is not None and lo != hi:
            return f"{_money(lo)}–{_money(hi)} EUR {period}"
        if lo is not None and hi is not None:
            return f"{_money(lo)} EUR {period}"
        return f"ab {_money(lo)} EUR {period}" if lo is not None else f"bis {_money(ref)} EUR {period}"
    # verguetungsangabe is sometimes an enum ("KEINE_ANGABEN"), sometimes text ("Entgeltgruppe P8 TVöD")
    if free and not free.replace("_", "").isupper():
        return free
    return _str((details or {}).get("verguetung"))


def _num(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        return None
    return number if number > 0 else None


def working_time_text(item: Mapping[str, Any], details: Mapping[str, Any] | None) -> str:
    parts: list[str] = []
    full = item.get("arbeitszeitVollzeit")
    if full is True:
        parts.append("Vollzeit")
    elif full is False:
        parts.append("Teilzeit")
    models = (details or {}).get("arbeitszeitmodelle") or item.get("arbeitszeitmodelle") or []
    for m in models if isinstance(models, list) else [models]:
        word = _WORKING_TIME.get(str(m), _str(m).capitalize())
        if word and word not in parts:
            parts.append(word)
    befristung = _str((details or {}).get("befristung")).upper()
    if befristung in ("BEFRISTET", "UNBEFRISTET"):
        parts.append(befristung.capitalize())
    return ", ".join(parts)


def _homeoffice(item: Mapping[str, Any], details: Mapping[str, Any] | None) -> bool:
    models = (details or {}).get("arbeitszeitmodelle") or []
    return item.get("homeofficemoeglich") is True or "HEIM_TELEARBEIT" in models


def payload_sha256(*parts: Mapping[str, Any] | None) -> str:
    """Hash of the source's own JSON (canonical form): changes exactly when the BA changes the posting."""
    blob = json.dumps([p for p in parts if p], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def to_raw(item: Mapping[str, Any], details: Mapping[str, Any] | None = None) -> RawPosting:
    """One search item (v6 or v4), optionally enriched by its v4 details, as a RawPosting."""
    refnr = refnr_of(item) or refnr_of(details or {})
    d = details or {}
    title = _str(
        item.get("stellenangebotsTitel")
        or item.get("titel")
        or d.get("stellenangebotsTitel")
        or d.get("titel")
        or item.get("hauptberuf")
        or item.get("beruf")
    )
    employer = _str(item.get("firma") or item.get("arbeitgeber") or d.get("arbeitgeber"))
    places = _places(item, details)
    occupations = [_str(item.get("hauptberuf") or item.get("beruf") or d.get("beruf"))]
    occupations += [_str(b) for b in item.get("alleBerufe") or [] if isinstance(b, str)]
    occupations = [o for o in dict.fromkeys(occupations) if o]

    body = _str_keep_lines(d.get("stellenangebotsBeschreibung") or d.get("stellenbeschreibung") or "")
    lines = [body] if body else []
    # facts the normalizer reads from the text: the BA's occupation and the home-office flag
    if occupations:
        lines.append("Beruf laut Bundesagentur für Arbeit: " + ", ".join(occupations))
    if _homeoffice(item, details):
        lines.append("Homeoffice möglich.")
    start = (
        (item.get("eintrittszeitraum") or {}).get("von")
        if isinstance(item.get("eintrittszeitraum"), Mapping)
        else None
    )
    start = start or item.get("eintrittsdatum") or d.get("eintrittsdatum")
    if start:
        lines.append(f"Eintritt ab {str(start)[:10]}")

    posted = parse_datetime(
        item.get("datumErsteVeroeffentlichung")
        or d.get("ersteVeroeffentlichungsdatum")
        or item.get("aktuelleVeroeffentlichungsdatum")
        or d.get("aktuelleVeroeffentlichungsdatum")
    )
    url = _str(item.get("externeURL") or item.get("externeUrl")) or JOBDETAIL_URL.format(refnr=refnr)
    extra: dict[str, Any] = {
        "api": "v6" if "referenznummer" in item else "v4",
        "details": details is not None,
        "payload_sha256": payload_sha256(item, details),
        "modified": _str(item.get("aenderungsdatum") or item.get("modifikationsTimestamp")),
        "coordinates": [(p.get("lat"), p.get("lon")) for p in places if p.get("lat") is not None],
    }
    return RawPosting(
        source=SOURCE,
        source_id=refnr,
        title=title,
        employer=employer,
        description="\n\n".join(lines),
        location=location_text(places),
        url=url,
        salary_text=salary_text(item, details),
        working_time_text=working_time_text(item, details),
        posted_at=posted,
        valid_through=None,
        extra=extra,
    )


def _str_keep_lines(value: Any) -> str:
    text = str(value or "")
    return html_to_text(text) if looks_like_html(text) else html_to_text(text.replace("\r\n", "\n"))


def is_gone(status: int, body: bytes) -> bool:
    """A details 404 that says the posting was withdrawn (as opposed to a wrong URL)."""
    return status == 404 and GONE_CODE.encode() in body
