"""Job feeds from files: XML (common layouts), CSV and JSON lines → RawPostings plus a per-row error report.

Pure and all-or-nothing at file level: `parse_feed` reads and checks the whole file before anything is
ingested. A file that is not well-formed, too large, or mostly broken raises `FeedError` and nothing is
imported; single bad rows are reported (row number, id, reason) while the good rows are returned.

XML layouts recognised (element names case-insensitive):
- `<jobs><job>…</job></jobs>` (and `<postings><posting>`, `<vacancies><vacancy>`, `<positions><position>`)
- Indeed style `<source><publisher/>…<job>…</job></source>`
- `<stellenangebote><stellenangebot>…</stellenangebot></stellenangebote>` with German field names
- RSS `<rss><channel><item>`
Nested fields are flattened (`<arbeitsort><plz/><ort/></arbeitsort>` → `arbeitsort.plz`, `plz`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from stellenatlas.domain import RawPosting
from stellenatlas.sources.common import employment_text, parse_datetime
from stellenatlas.sources.jsonld.html import html_to_text

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ROWS = 500_000
MAX_FIELD_CHARS = 200_000
DEFAULT_MAX_ERROR_SHARE = 0.5
FORMATS = ("xml", "csv", "jsonl")

ITEM_TAGS = ("job", "stellenangebot", "posting", "vacancy", "position", "item", "stelle", "offer")

# field → accepted names (lower case, also after flattening: "arbeitsort.ort" matches "ort" via the leaf)
ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "referencenumber",
        "referenznummer",
        "refnr",
        "jobid",
        "job_id",
        "kennung",
        "stellenid",
        "guid",
        "identifier",
        "externalid",
    ),
    "title": (
        "title",
        "titel",
        "jobtitle",
        "stellenbezeichnung",
        "stellentitel",
        "bezeichnung",
        "position",
        "name",
    ),
    "employer": (
        "company",
        "arbeitgeber",
        "firma",
        "employer",
        "unternehmen",
        "hiringorganization",
        "companyname",
    ),
    "description": ("description", "beschreibung", "stellenbeschreibung", "text", "content", "body"),
    "url": ("url", "link", "applyurl", "apply_url", "bewerbungslink", "joburl"),
    "location": ("location", "arbeitsort", "einsatzort", "standort", "ort_text"),
    "postalcode": ("postalcode", "postal_code", "zip", "plz", "postleitzahl"),
    "city": ("city", "ort", "stadt", "locality", "addresslocality"),
    "salary": ("salary", "gehalt", "verguetung", "vergütung", "entgelt", "basesalary"),
    "working_time": (
        "jobtype",
        "job_type",
        "employmenttype",
        "employment_type",
        "arbeitszeit",
        "beschaeftigungsart",
        "beschäftigungsart",
    ),
    "posted_at": (
        "date",
        "dateposted",
        "date_posted",
        "datum",
        "veroeffentlicht",
        "veröffentlicht",
        "veroeffentlichtam",
        "pubdate",
        "published",
    ),
    "valid_through": (
        "validthrough",
        "expirationdate",
        "expiration_date",
        "gueltigbis",
        "gültigbis",
        "bewerbungsfrist",
        "bewerbungsschluss",
        "enddate",
    ),
    "sector": ("sector", "branche"),
}


class FeedError(ValueError):
    """The file as a whole cannot be imported (nothing is ingested). German / English message."""


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 1-based item number (CSV: line of the data row; JSONL: line number)
    source_id: str
    reason: str

    def __str__(self) -> str:
        ident = f" ({self.source_id})" if self.source_id else ""
        return f"Zeile/Eintrag {self.row}{ident}: {self.reason}"


@dataclass
class FeedResult:
    source: str
    fmt: str
    postings: list[RawPosting] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    def report(self, limit: int = 20) -> str:
        text = f"{self.rows} Einträge gelesen ({self.fmt}), {len(self.postings)} gültig, {len(self.errors)} fehlerhaft"
        for err in self.errors[:limit]:
            text += f"\n  - {err}"
        if len(self.errors) > limit:
            text += f"\n  … und {len(self.errors) - limit} weitere"
        return text


def source_name(name: str) -> str:
    """'feed:<slug>' from a file stem or a given name."""
    slug = re.sub(
        r"[^a-z0-9]+",
        "-",
        name.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss"),
    ).strip("-")
    return f"feed:{slug or 'datei'}"


def detect_format(data: bytes, filename: str = "") -> str:
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix in ("xml", "rss"):
        return "xml"
    if suffix in ("csv", "tsv", "txt"):
        return "csv"
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    head = data[:2000].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        return "xml"
    if head.startswith(b"{"):
        return "jsonl"
    return "csv"


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else cp1252 – what German spreadsheet exports use."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict")


# ------------------------------------------------------------------------------------------------ readers


def _leaf(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def _flatten(el: Element, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for child in el:
        tag = _local(child.tag)
        key = f"{prefix}{tag}"
        if len(child):
            nested = _flatten(child, key + ".")
            out.update(nested)
            for k, v in nested.items():  # leaves also under their own name, unless taken
                out.setdefault(_leaf(k), v)
        else:
            text = (child.text or "").strip()
            if key in out and text:
                out[key] += "; " + text  # repeated elements (several <location>) are joined
            else:
                out[key] = text
        for attr, value in child.attrib.items():
            out.setdefault(f"{key}@{attr.lower()}", value)
    for attr, value in el.attrib.items():
        out.setdefault(f"{prefix}@{attr.lower()}" if prefix else attr.lower(), value)
    return out


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1].lower()


def read_xml(data: bytes) -> list[dict[str, str]]:
    try:
        root = SafeET.fromstring(data)
    except Exception as exc:  # ParseError, or defusedxml's EntitiesForbidden/DTDForbidden
        raise FeedError(
            f"XML-Datei ist nicht wohlgeformt oder unsicher: {exc} / XML is malformed or unsafe"
        ) from None
    for tag in ITEM_TAGS:
        items = [el for el in root.iter() if _local(el.tag) == tag and el is not root]
        if items:
            return [_flatten(el) for el in items]
    raise FeedError(
        f"Unbekanntes XML-Feed-Format (Wurzel <{_local(root.tag)}>, keine <job>/<stellenangebot>/<item>-Einträge) "
        f"/ unknown XML feed layout"
    )


def read_csv(text: str) -> list[dict[str, str]]:
    lines = text.splitlines()
    header = next((line for line in lines if line.strip()), "")
    if not header:
        return []
    counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        raise FeedError("CSV-Kopfzeile ohne Trennzeichen (; , Tab) / CSV header has no delimiter")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    names = [h.strip().lower() for h in rows[0]]
    out: list[dict[str, str]] = []
    for values in rows[1:]:
        if not any(v.strip() for v in values):
            continue
        row = dict(zip(names, (v.strip() for v in values), strict=False))
        if len(values) != len(names):
            row["__error__"] = f"{len(values)} statt {len(names)} Spalten"
        out.append(row)
    return out


def read_jsonl(text: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            out.append({"__error__": f"kein gültiges JSON ({exc.__class__.__name__}: {exc})", "__line__": n})
            continue
        if not isinstance(obj, dict):
            out.append({"__error__": "Zeile ist kein JSON-Objekt", "__line__": n})
            continue
        obj["__line__"] = n
        out.append(obj)
    return out


# ------------------------------------------------------------------------------------------------ mapping


def _get(row: Mapping[str, Any], name: str) -> str:
    keys = {k.lower().replace("-", "").replace(" ", ""): k for k in row}
    for alias in ALIASES[name]:
        key = keys.get(alias.replace("_", "")) or keys.get(alias)
        if key is not None:
            value = row[key]
            if isinstance(value, Mapping):
                value = value.get("name") or value.get("value") or ""
            if isinstance(value, list):
                value = "; ".join(str(v) for v in value)
            text = str(value if value is not None else "").strip()
            if text:
                return text
    return ""


def parse_date(text: str) -> datetime | None:
    """Strict for feeds: an unreadable date is a row error, not a silently missing date."""
    if not text.strip():
        return None
    parsed = parse_datetime(text)
    if parsed is None:
        shaped = re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}.*|\d{4}-\d{2}-\d{2}.*", text.strip())
        problem = "Datum ungültig" if shaped else "Datum nicht lesbar"  # 31.02. vs. "demnächst"
        raise ValueError(f"{problem}: {text.strip()[:60]!r}")
    return parsed


def _working_time(text: str) -> str:
    return employment_text([text])


def row_to_raw(row: Mapping[str, Any], source: str) -> RawPosting:
    """Map one row; ValueError with a German reason when the row is unusable."""
    if row.get("__error__"):
        raise ValueError(str(row["__error__"]))
    ident = _get(row, "id")
    title = _get(row, "title")
    if not ident:
        raise ValueError("ID fehlt (id/referenznummer/referencenumber)")
    if not title:
        raise ValueError("Titel fehlt")
    too_long = [k for k, v in row.items() if isinstance(v, str) and len(v) > MAX_FIELD_CHARS]
    if too_long:
        raise ValueError(f"Feld {too_long[0]} länger als {MAX_FIELD_CHARS} Zeichen")
    location = _get(row, "location")
    plz, city = _get(row, "postalcode"), _get(row, "city")
    if plz or city:
        place = f"{plz} {city}".strip()
        location = place if not location or location == city else location
    posted = parse_date(_get(row, "posted_at"))
    valid = parse_date(_get(row, "valid_through"))
    return RawPosting(
        source=source,
        source_id=ident,
        title=" ".join(title.split()),
        employer=" ".join(_get(row, "employer").split()),
        description=html_to_text(_get(row, "description")),
        location=location,
        url=_get(row, "url"),
        salary_text=_get(row, "salary"),
        working_time_text=_working_time(_get(row, "working_time")),
        posted_at=posted,
        valid_through=valid.date() if valid else None,
        employer_sector=_get(row, "sector"),
        extra={"feed_format": "row"},
    )


def parse_feed(
    data: bytes,
    *,
    name: str,
    fmt: str | None = None,
    filename: str = "",
    max_bytes: int = MAX_FILE_BYTES,
    max_error_share: float = DEFAULT_MAX_ERROR_SHARE,
) -> FeedResult:
    """Parse and check a whole feed file. Raises FeedError when the file must not be imported at all."""
    if len(data) > max_bytes:
        raise FeedError(f"Datei größer als {max_bytes} Bytes / file larger than {max_bytes} bytes")
    fmt = fmt or detect_format(data, filename)
    if fmt not in FORMATS:
        raise FeedError(f"Unbekanntes Format {fmt!r} (xml, csv, jsonl) / unknown format")
    source = name if name.startswith("feed:") else source_name(name)
    rows: Iterable[Mapping[str, Any]]
    if fmt == "xml":
        rows = read_xml(data)
    else:
        try:
            text = decode(data)
        except UnicodeDecodeError as exc:
            raise FeedError(f"Zeichenkodierung nicht lesbar ({exc}) / undecodable text") from None
        rows = read_csv(text) if fmt == "csv" else read_jsonl(text)
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        raise FeedError(f"Mehr als {MAX_ROWS} Einträge / more than {MAX_ROWS} entries")
    result = FeedResult(source=source, fmt=fmt, rows=len(rows))
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        number = int(row.get("__line__", n + 1 if fmt == "csv" else n))
        try:
            raw = row_to_raw(row, source)
        except ValueError as exc:
            result.errors.append(
                RowError(number, _get(row, "id") if not row.get("__error__") else "", str(exc))
            )
            continue
        if raw.source_id in seen:
            result.errors.append(RowError(number, raw.source_id, "ID doppelt in der Datei"))
            continue
        seen.add(raw.source_id)
        result.postings.append(raw)
    if result.rows and len(result.errors) / result.rows > max_error_share:
        raise FeedError(
            f"{len(result.errors)} von {result.rows} Einträgen fehlerhaft (mehr als {max_error_share:.0%}): "
            f"nichts importiert / too many bad rows, nothing imported\n" + result.report()
        )
    return result
