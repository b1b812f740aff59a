"""Template environment, German formatting filters, labels and JSON-LD. No request handling here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from stellenatlas.domain import (
    Contract,
    Experience,
    Posting,
    PostingStatus,
    Remote,
    Salary,
    SalaryPeriod,
    WorkingTime,
)
from stellenatlas.insights import fmt
from stellenatlas.insights.fmt import de_date, de_int, de_num, eur, pct

TEMPLATES = Path(__file__).parent / "templates"

WORKING_TIME = {
    WorkingTime.FULL_TIME: "Vollzeit",
    WorkingTime.PART_TIME: "Teilzeit",
    WorkingTime.MINIJOB: "Minijob",
    WorkingTime.UNKNOWN: "keine Angabe",
}
REMOTE = {
    Remote.ONSITE: "vor Ort",
    Remote.HYBRID: "hybrid (teilweise Homeoffice)",
    Remote.REMOTE: "remote",
    Remote.UNKNOWN: "keine Angabe",
}
CONTRACT = {
    Contract.PERMANENT: "unbefristet",
    Contract.FIXED_TERM: "befristet",
    Contract.UNKNOWN: "keine Angabe",
}
EXPERIENCE = {
    Experience.ENTRY: "Berufseinstieg",
    Experience.PROFESSIONAL: "Berufserfahrung (3–5 Jahre)",
    Experience.SENIOR: "Senior / Leitung",
    Experience.UNKNOWN: "keine Angabe",
}
STATUS = {
    PostingStatus.ACTIVE: "aktiv",
    PostingStatus.EXPIRED: "abgelaufen – nicht mehr ausgeschrieben",
    PostingStatus.PENDING: "in Prüfung",
    PostingStatus.REJECTED: "abgelehnt",
}
SOURCES = {
    "sample": "Beispieldaten (generiert, keine echte Stelle)",
    "ba": "Bundesagentur für Arbeit – Jobsuche",
}
PERIOD = {SalaryPeriod.HOUR: "pro Stunde", SalaryPeriod.MONTH: "pro Monat", SalaryPeriod.YEAR: "pro Jahr"}


def salary_label(salary: Salary | None) -> str:
    if salary is None:
        return ""
    digits = 2 if salary.period is SalaryPeriod.HOUR else 0
    lo = de_num(salary.min, digits) if salary.min is not None else None
    hi = de_num(salary.max, digits) if salary.max is not None else None
    if lo and hi and lo != hi:
        amount = f"{lo} – {hi} {salary.currency}"
    elif lo:
        amount = f"ab {lo} {salary.currency}" if hi is None else f"{lo} {salary.currency}"
    else:
        amount = f"bis {hi} {salary.currency}"
    text = f"{amount} {PERIOD[salary.period]}{'' if salary.gross else ' netto'}"
    if salary.tariff:
        text += f" – {salary.tariff}"
    return text.replace("EUR", "€")


def json_for_script(data: Any) -> str:
    """JSON safe inside <script>: no "</script>", no HTML comment openers."""
    return (
        json.dumps(data, ensure_ascii=False, default=str)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def job_jsonld(job: Posting, places: list[Any], url: str) -> dict[str, Any]:
    employment = {
        WorkingTime.FULL_TIME: "FULL_TIME",
        WorkingTime.PART_TIME: "PART_TIME",
        WorkingTime.MINIJOB: "PART_TIME",
    }
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": job.description,
        "identifier": {"@type": "PropertyValue", "name": job.source, "value": job.source_id},
        "datePosted": job.posted_at.date().isoformat() if job.posted_at else None,
        "hiringOrganization": {"@type": "Organization", "name": job.employer.name},
        "url": url,
    }
    if job.valid_through:
        data["validThrough"] = job.valid_through.isoformat()
    if job.working_time in employment:
        data["employmentType"] = employment[job.working_time]
    if places:
        data["jobLocation"] = [
            {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": p.name,
                    "postalCode": p.plz,
                    "addressRegion": p.land,
                    "addressCountry": "DE",
                },
                "geo": {"@type": "GeoCoordinates", "latitude": p.lat, "longitude": p.lon},
            }
            for p in places
        ]
    if job.remote is Remote.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": "DE"}
    if job.salary and (job.salary.min is not None or job.salary.max is not None):
        unit = {SalaryPeriod.HOUR: "HOUR", SalaryPeriod.MONTH: "MONTH", SalaryPeriod.YEAR: "YEAR"}[
            job.salary.period
        ]
        value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": unit}
        if job.salary.min is not None:
            value["minValue"] = job.salary.min
        if job.salary.max is not None:
            value["maxValue"] = job.salary.max
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": job.salary.currency, "value": value}
    return {k: v for k, v in data.items() if v is not None}


def breadcrumb_jsonld(items: list[tuple[str, str]]) -> dict[str, Any]:
    """schema.org BreadcrumbList from (name, absolute URL) pairs, first = home."""
    return {
        "@context": "https://schema.org/",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": url}
            for i, (name, url) in enumerate(items, start=1)
        ],
    }


def occupation_jsonld(facts: dict[str, Any], url: str) -> dict[str, Any]:
    """schema.org Occupation of the page. estimatedSalary only when the page shows a salary figure, and then
    for the region the figure was computed for (named in `name`)."""
    occ, place, sal = facts["occupation"], facts["place"], facts["salary"]
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Occupation",
        "name": occ["title"],
        "url": url,
        "occupationLocation": [
            {
                "@type": "City",
                "name": place["name"],
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": place["name"],
                    "addressRegion": place["land"],
                    "addressCountry": "DE",
                },
            }
        ],
        "occupationalCategory": {
            "@type": "CategoryCode",
            "codeValue": occ["kldb"],
            "name": occ["kldb_title"],
            "inCodeSet": "KldB 2010",
        },
    }
    description = (facts.get("role") or {}).get("description")
    if description:
        data["description"] = description
    if sal.get("level"):
        data["estimatedSalary"] = [
            {
                "@type": "MonetaryAmountDistribution",
                "name": f"Angebotsgehalt laut Stellenanzeigen ({sal['region']}, n = {sal['n']})",
                "currency": "EUR",
                "duration": "P1M",
                "percentile25": sal["q25"],
                "median": sal["median"],
                "percentile75": sal["q75"],
            }
        ]
    return data


def make_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        de_num=de_num,
        de_int=de_int,
        eur=eur,
        de_date=de_date,
        pct=pct,
        signed_pct=fmt.signed_pct,
        km=fmt.km,
    )
    return env


def _svg_bars(bars: list[tuple[str, int]], title: str, width: int = 640, height: int = 180) -> str:
    """A bar chart as inline SVG: no JavaScript, readable without CSS, with a <title> for screen readers."""
    from markupsafe import escape

    if not bars:
        return ""
    top = max(n for _, n in bars) or 1
    pad_left, pad_bottom, pad_top = 30, 34, 14
    plot_w, plot_h = width - pad_left - 4, height - pad_bottom - pad_top
    bar_w = plot_w / len(bars)
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<text x="0" y="{pad_top}">{top}</text><text x="0" y="{pad_top + plot_h}">0</text>',
    ]
    every = max(1, len(bars) // 8)
    for i, (label, n) in enumerate(bars):
        h = plot_h * n / top
        x = pad_left + i * bar_w
        parts.append(
            f'<rect class="bar" x="{x + 1:.1f}" y="{pad_top + plot_h - h:.1f}" width="{max(bar_w - 2, 1):.1f}" '
            f'height="{h:.1f}"><title>{escape(label)}: {n}</title></rect>'
        )
        if i % every == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 18}">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(series: list[dict[str, Any]]) -> str:
    bars = [(f"{p['month'][5:]}/{p['month'][2:4]}", int(p["n"])) for p in series]
    return _svg_bars(bars, "Neue Stellenanzeigen pro Monat")


def salary_histogram(buckets: list[dict[str, int]]) -> str:
    bars = [(f"{de_num(b['from'])}", int(b["n"])) for b in buckets]
    return _svg_bars(bars, "Verteilung der angegebenen Monatsgehälter (brutto, Vollzeit)")
