"""schema.org JobPosting from career pages: JSON-LD (incl. @graph, arrays, nesting) and microdata.

Pure: `parse_page(html, url)` returns the postings found plus one error line per unreadable block, so a
broken block on a page does not hide the good ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from stellenatlas.domain import RawPosting
from stellenatlas.sources.common import employment_text, parse_datetime
from stellenatlas.sources.jsonld.html import html_to_text

SOURCE = "jsonld"
MAX_BLOCKS = 200  # JSON-LD blocks per page; more is not a career page

_UNITS = {"HOUR": "pro Stunde", "MONTH": "pro Monat", "YEAR": "pro Jahr"}
_BREAKS = {"p", "br", "li", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class PageResult:
    url: str
    postings: list[RawPosting] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------- HTML scanning


@dataclass
class _Item:
    types: list[str]
    props: dict[str, list[Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"@type": self.types[0] if len(self.types) == 1 else list(self.types)}
        for key, values in self.props.items():
            conv = [v.to_dict() if isinstance(v, _Item) else v for v in values]
            out[key] = conv[0] if len(conv) == 1 else conv
        return out


@dataclass
class _Open:
    tag: str
    item: _Item | None  # itemscope opened here
    prop: list[str]  # itemprop names whose text value is being collected here
    parent: _Item | None  # the item the props belong to
    text: list[str] = field(default_factory=list)


class _Scanner(HTMLParser):
    """Collects <script type=application/ld+json> bodies and top-level microdata items in one pass."""

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.scripts: list[str] = []
        self.items: list[_Item] = []
        self._in_ld = False
        self._ld: list[str] = []
        self._stack: list[_Open] = []

    def _current_item(self) -> _Item | None:
        for op in reversed(self._stack):
            if op.item is not None:
                return op.item
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script" and a.get("type", "").split(";")[0].strip().lower() == "application/ld+json":
            self._in_ld, self._ld = True, []
            return
        if self._stack and tag in _BREAKS:
            self._stack[-1].text.append("\n")  # keep "P 8" and the next list item apart
        props = a.get("itemprop", "").split()
        parent = self._current_item()
        item: _Item | None = None
        if "itemscope" in a:
            types = [t.rsplit("/", 1)[-1] for t in a.get("itemtype", "").split()] or ["Thing"]
            item = _Item(types)
            if props and parent is not None:
                for p in props:
                    parent.props.setdefault(p, []).append(item)
            elif parent is None:
                self.items.append(item)
            props_for_text: list[str] = []
        else:
            props_for_text = props
            value = self._attr_value(tag, a)
            if props and parent is not None and value is not None:
                for p in props:
                    parent.props.setdefault(p, []).append(value)
                props_for_text = []
        if tag in _VOID:
            return
        self._stack.append(_Open(tag, item, props_for_text, parent))

    def _attr_value(self, tag: str, a: dict[str, str]) -> str | None:
        if "content" in a:
            return a["content"]
        if tag in ("a", "link", "area") and "href" in a:
            return urljoin(self.base_url, a["href"])
        if tag in ("img", "audio", "video", "source", "embed", "iframe") and "src" in a:
            return urljoin(self.base_url, a["src"])
        if tag == "time" and "datetime" in a:
            return a["datetime"]
        if tag in ("data", "meter") and "value" in a:
            return a["value"]
        if tag == "meta":
            return ""
        return None

    def handle_endtag(self, tag: str) -> None:
        if self._stack and tag in _BREAKS:
            self._stack[-1].text.append("\n")
        if tag == "script" and self._in_ld:
            self._in_ld = False
            self.scripts.append("".join(self._ld))
            return
        # pop to the matching open tag: tolerates unclosed <p>/<li> as browsers do
        for i in range(len(self._stack) - 1, -1, -1):
            if self._stack[i].tag == tag:
                while len(self._stack) > i:
                    self._close(self._stack.pop())
                return

    def _close(self, op: _Open) -> None:
        if op.prop and op.parent is not None:
            lines = (" ".join(line.split()) for line in "".join(op.text).split("\n"))
            text = "\n".join(line for line in lines if line)
            for p in op.prop:
                op.parent.props.setdefault(p, []).append(text)
        if self._stack and op.text:
            self._stack[-1].text.extend(op.text)

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self._ld.append(data)
        elif self._stack:
            self._stack[-1].text.append(data)

    def close(self) -> None:
        super().close()
        while self._stack:
            self._close(self._stack.pop())


# ---------------------------------------------------------------------------------------- JSON-LD walking


def _load_ld(text: str) -> Any:
    text = text.strip()
    # CMSs wrap the block in HTML comments or CDATA markers
    text = re.sub(r"^\s*(<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)", "", text)
    text = re.sub(r"(-->|//\s*\]\]>|\]\]>)\s*$", "", text).strip()
    return json.loads(text, strict=False)  # strict=False: raw newlines inside strings are common


def _types(node: Mapping[str, Any]) -> list[str]:
    t = node.get("@type") or node.get("type") or []
    values = t if isinstance(t, list) else [t]
    return [str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values]


def find_jobpostings(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every JobPosting object anywhere in a JSON-LD document (top level, @graph, arrays, nested)."""
    if depth > 20:
        return
    if isinstance(node, list):
        for child in node:
            yield from find_jobpostings(child, depth + 1)
    elif isinstance(node, Mapping):
        if "JobPosting" in _types(node):
            yield dict(node)
            return
        for value in node.values():
            if isinstance(value, list | Mapping):
                yield from find_jobpostings(value, depth + 1)


def extract_jobpostings(html_text: str, base_url: str) -> tuple[list[dict[str, Any]], list[str]]:
    """(JobPosting dicts with '_format', errors) from a page's JSON-LD and microdata."""
    scanner = _Scanner(base_url)
    scanner.feed(html_text)
    scanner.close()
    found: list[dict[str, Any]] = []
    errors: list[str] = []
    for n, block in enumerate(scanner.scripts[:MAX_BLOCKS], start=1):
        try:
            doc = _load_ld(block)
        except ValueError as exc:
            errors.append(f"{base_url}: JSON-LD-Block {n} ist ungültig ({exc})")
            continue
        found += [{**job, "_format": "json-ld"} for job in find_jobpostings(doc)]

    def micro(items: list[_Item]) -> Iterator[_Item]:
        for item in items:
            if "JobPosting" in item.types:
                yield item
            else:
                nested = [v for vals in item.props.values() for v in vals if isinstance(v, _Item)]
                yield from micro(nested)

    found += [{**item.to_dict(), "_format": "microdata"} for item in micro(scanner.items)]
    return found, errors


# ---------------------------------------------------------------------------------------- mapping


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _text(value: Any) -> str:
    value = _first(value)
    if isinstance(value, Mapping):
        value = value.get("name") or value.get("@value") or value.get("value") or ""
    return " ".join(str(value or "").split())


def _num(value: Any) -> float | None:
    value = _first(value)
    if isinstance(value, Mapping):
        value = value.get("value") or value.get("@value")
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", text) or re.fullmatch(r"\d+,\d{1,2}", text):
        text = text.replace(".", "").replace(",", ".")  # German number format
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _money(value: float) -> str:
    if value == int(value):
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def salary(job: Mapping[str, Any]) -> tuple[str, dict[str, Any] | None]:
    """('3.500–4.200 EUR pro Monat', structured) from baseSalary (or estimatedSalary)."""
    amount = _first(job.get("baseSalary") or job.get("estimatedSalary"))
    if amount is None:
        return "", None
    if not isinstance(amount, Mapping):
        number = _num(amount)
        amount = {"value": number} if number is not None else {}
        if not amount:
            return _text(job.get("baseSalary")), None
    currency = (
        _text(amount.get("currency") or amount.get("salaryCurrency") or job.get("salaryCurrency")) or "EUR"
    )
    value = _first(amount.get("value"))
    qv: Mapping[str, Any] = value if isinstance(value, Mapping) else {"value": value}
    lo = _num(qv.get("minValue"))
    hi = _num(qv.get("maxValue"))
    single = _num(qv.get("value"))
    if lo is None and hi is None and single is not None:
        lo = hi = single
    unit = _text(qv.get("unitText") or amount.get("unitText")).upper()
    if lo is None and hi is None:
        return "", None
    structured = {"min": lo, "max": hi, "currency": currency, "unit": unit or None}
    if unit not in _UNITS:  # DAY/WEEK or missing: keep the numbers, do not guess a period in the text
        return "", structured
    period = _UNITS[unit]
    if lo is not None and hi is not None:
        amount_text = _money(lo) if lo == hi else f"{_money(lo)}–{_money(hi)}"
    elif lo is not None:
        amount_text = f"ab {_money(lo)}"
    else:
        assert hi is not None
        amount_text = f"bis {_money(hi)}"
    return f"{amount_text} {currency} {period}", structured


def _address_text(address: Any) -> str:
    address = _first(address)
    if isinstance(address, str):
        return " ".join(address.split())
    if not isinstance(address, Mapping):
        return ""
    plz = _text(address.get("postalCode"))
    ort = _text(address.get("addressLocality"))
    text = f"{plz} {ort}".strip()
    return text or _text(address.get("addressRegion"))


def location(job: Mapping[str, Any]) -> tuple[str, bool]:
    """('45879 Gelsenkirchen; 44787 Bochum', telecommute) from jobLocation and jobLocationType."""
    places = job.get("jobLocation")
    parts: list[str] = []
    for place in places if isinstance(places, list) else [places]:
        if isinstance(place, Mapping):
            text = _address_text(place.get("address")) or _text(place.get("name"))
        else:
            text = _text(place)
        if text and text not in parts:
            parts.append(text)
    kinds = job.get("jobLocationType")
    remote = any("TELECOMMUTE" in str(k).upper() for k in (kinds if isinstance(kinds, list) else [kinds]))
    if remote:
        parts.append("Remote")
    return "; ".join(parts), remote


def working_time(job: Mapping[str, Any]) -> str:
    raw = job.get("employmentType")
    return employment_text(raw if isinstance(raw, list) else [raw])


def parse_date(value: Any) -> date | None:
    dt = parse_datetime(_text(value))
    return dt.date() if dt is not None else None


def identifier(job: Mapping[str, Any]) -> str:
    ident = _first(job.get("identifier"))
    if isinstance(ident, Mapping):
        return _text(ident.get("value") or ident.get("@id") or ident.get("name"))
    return _text(ident)


def to_raw(job: Mapping[str, Any], page_url: str, *, position: int = 0) -> RawPosting:
    """Map one JobPosting dict. The id is host-scoped: two sites may both use "2026-017"."""
    host = (urlsplit(page_url).hostname or "").removeprefix("www.")
    url = _text(job.get("url")) or page_url
    url = urljoin(page_url, url)
    ident = identifier(job)
    source_id = f"{host}:{ident}" if ident else (url if position == 0 else f"{url}#{position}")
    loc, remote = location(job)
    salary_text, structured = salary(job)
    description = _first(job.get("description"))
    extra: dict[str, Any] = {"page_url": page_url, "format": job.get("_format", "json-ld"), "remote": remote}
    if ident:
        extra["identifier"] = ident
    if structured:
        extra["salary"] = structured
    return RawPosting(
        source=SOURCE,
        source_id=source_id,
        title=_text(job.get("title") or job.get("name")),
        employer=_text(job.get("hiringOrganization")),
        description=html_to_text(str(description or "")),
        location=loc,
        url=url,
        salary_text=salary_text,
        working_time_text=working_time(job),
        posted_at=parse_datetime(job.get("datePosted")),
        valid_through=parse_date(job.get("validThrough")),
        extra=extra,
    )


def parse_page(html_text: str, url: str) -> PageResult:
    result = PageResult(url=url)
    jobs, result.errors = extract_jobpostings(html_text, url)
    seen: set[str] = set()
    for position, job in enumerate(jobs):
        try:
            raw = to_raw(job, url, position=position)
        except (TypeError, ValueError, AttributeError) as exc:
            result.errors.append(f"{url}: JobPosting {position + 1} nicht lesbar ({exc})")
            continue
        # the same job in JSON-LD and microdata on one page: keep the first
        same_job = f"{raw.title}|{raw.employer}|{raw.location}".casefold()
        if raw.source_id in seen or same_job in seen:
            continue
        seen.update((raw.source_id, same_job))
        result.postings.append(raw)
    return result
