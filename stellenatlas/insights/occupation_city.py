"""Facts for the occupation × city page, computed from the store.

Every figure carries its basis: `n` (sample size), `source`, `as_of` and, for regional fallbacks, the `level` and
`region` it was actually computed for. Below `min_sample` a salary figure is not shown for the city; the next wider
region (Kreis -> Ruhrgebiet/Regierungsbezirk -> Land -> Deutschland) is used and labelled as such.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from stellenatlas.domain import Experience, Occupation, Place, Sector
from stellenatlas.insights.stats import change, quartiles, round_eur, share
from stellenatlas.refdata import places as refplaces
from stellenatlas.store.filters import PUBLISHED
from stellenatlas.store.repo import Store

SECTOR_LABELS = {
    Sector.PUBLIC.value: "Öffentlicher Dienst",
    Sector.HEALTH.value: "Gesundheit und Soziales",
    Sector.INDUSTRY.value: "Industrie",
    Sector.IT_SERVICES.value: "IT-Dienstleister",
    Sector.STAFFING.value: "Personaldienstleister",
    Sector.TRADE.value: "Handel",
    Sector.CRAFT.value: "Handwerk",
    Sector.LOGISTICS.value: "Logistik",
    Sector.ENERGY.value: "Energie und Versorgung (z. B. Stadtwerke)",
    Sector.FINANCE.value: "Banken und Versicherungen",
    Sector.HOSPITALITY.value: "Gastgewerbe",
    Sector.EDUCATION.value: "Bildung",
    Sector.OTHER.value: "Sonstige",
}

EXPERIENCE_LABELS = {
    Experience.ENTRY.value: "Berufseinstieg",
    Experience.PROFESSIONAL.value: "Berufserfahren (3–5 Jahre)",
    Experience.SENIOR.value: "Senior / Leitung",
}


@dataclass(frozen=True, slots=True)
class Region:
    level: str  # gemeinde / kreis / region / land / deutschland
    label: str
    ags: tuple[str, ...] | None  # None = Germany


def region_chain(place: Place) -> list[Region]:
    """City, then ever wider regions for the salary fallback. AGS prefixes select whole Kreise, Regierungsbezirke
    and Länder (AGS = Land(2) + Regierungsbezirk(1) + Kreis(2) + Gemeinde(3))."""
    chain = [Region("gemeinde", place.name, (place.ags,))]
    if len(refplaces.kreis_members(place.kreis_ags)) > 1:
        chain.append(Region("kreis", place.kreis, (place.kreis_ags,)))
    region = refplaces.region_of(place.ags)
    if region:
        kreise = sorted(
            {p.kreis_ags for a, p in refplaces.municipalities().items() if refplaces.region_of(a) == region}
        )
        chain.append(Region("region", region, tuple(kreise)))
    elif place.rb_ags:
        chain.append(Region("region", f"Regierungsbezirk {place.rb}", (place.rb_ags,)))
    chain.append(Region("land", place.land, (place.land_ags,)))
    chain.append(Region("deutschland", "Deutschland", None))
    return chain


@dataclass(frozen=True, slots=True)
class SalaryRow:
    monthly_mid: float | None
    experience: str
    tariff: str


def _salary_rows(store: Store, kldb: str, ags: tuple[str, ...] | None) -> list[SalaryRow]:
    out = []
    for lo, hi, exp, _at, tariff in store.salary_rows(kldb, ags):
        mid = (lo + hi) / 2 if lo is not None and hi is not None else (lo if lo is not None else hi)
        out.append(SalaryRow(mid, exp.value, tariff))
    return out


def _salary_block(rows: Sequence[Any], min_sample: int) -> dict[str, Any] | None:
    mids = [r.monthly_mid for r in rows]
    q = quartiles([m for m in mids if m is not None])
    if q is None or q.n < min_sample:
        return None
    by_exp: list[dict[str, Any]] = []
    for exp, label in EXPERIENCE_LABELS.items():
        qe = quartiles([r.monthly_mid for r in rows if r.experience == exp and r.monthly_mid is not None])
        if qe is not None and qe.n >= min_sample:
            by_exp.append(
                {
                    "experience": exp,
                    "label": label,
                    "n": qe.n,
                    "q25": round_eur(qe.q25),
                    "median": round_eur(qe.median),
                    "q75": round_eur(qe.q75),
                }
            )
        else:
            by_exp.append(
                {
                    "experience": exp,
                    "label": label,
                    "n": 0 if qe is None else qe.n,
                    "q25": None,
                    "median": None,
                    "q75": None,
                }
            )
    return {
        "n": q.n,
        "q25": round_eur(q.q25),
        "median": round_eur(q.median),
        "q75": round_eur(q.q75),
        "by_experience": by_exp,
        "histogram": _histogram([m for m in mids if m is not None]),
    }


def _histogram(values: list[float], step: int = 500) -> list[dict[str, int]]:
    counts = Counter(int(v // step) * step for v in values)
    return [{"from": k, "to": k + step, "n": counts[k]} for k in sorted(counts)]


def salary_facts(store: Store, kldb: str, place: Place, min_sample: int) -> dict[str, Any]:
    tried: list[dict[str, Any]] = []
    for region in region_chain(place):
        rows = _salary_rows(store, kldb, region.ags)
        advertised = [r for r in rows if not r.tariff]
        tariff_n = len(rows) - len(advertised)
        block = _salary_block(advertised, min_sample)
        tried.append({"level": region.level, "label": region.label, "n": len(advertised)})
        if block is not None:
            block.update(
                level=region.level,
                region=region.label,
                fallback=region.level != "gemeinde",
                tariff_n=tariff_n,
                tried=tried,
                min_sample=min_sample,
            )
            return block
    return {
        "n": 0,
        "level": None,
        "region": None,
        "fallback": False,
        "tried": tried,
        "min_sample": min_sample,
    }


def month_key(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def months_back(today: date, n: int) -> list[str]:
    keys = []
    y, m = today.year, today.month
    for _ in range(n):
        keys.append(f"{y:04d}-{m:02d}")
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return list(reversed(keys))


def trend_facts(store: Store, kldb: str, place: Place, today: date) -> dict[str, Any]:
    keys = months_back(today, 24)
    since = date(int(keys[0][:4]), int(keys[0][5:]), 1)
    series: dict[str, list[dict[str, Any]]] = {}
    for label, ags in (("stadt", (place.ags,)), ("land", (place.land_ags,)), ("deutschland", None)):
        counts = dict(store.monthly_counts(kldb, ags, since, until=today))
        series[label] = [{"month": k, "n": counts.get(k, 0)} for k in keys]
    city = series["stadt"]
    last12 = sum(p["n"] for p in city[-12:])
    prev12 = sum(p["n"] for p in city[-24:-12])
    return {
        "months": keys,
        "series": series,
        "last_12_months": last12,
        "previous_12_months": prev12,
        "change_vs_previous_year": change(last12, prev12),
        "land_change": change(
            sum(p["n"] for p in series["land"][-12:]), sum(p["n"] for p in series["land"][-24:-12])
        ),
        "germany_change": change(
            sum(p["n"] for p in series["deutschland"][-12:]),
            sum(p["n"] for p in series["deutschland"][-24:-12]),
        ),
    }


def nearby_facts(
    store: Store, kldb: str, place: Place, since: datetime, limit: int = 8
) -> list[dict[str, Any]]:
    """The same occupation in towns within 40 km: postings since `since` (published) and open now."""
    out = []
    for other, km in refplaces.nearby(place, 40.0, min_population=20_000):
        if other.ags == place.ags:
            continue
        n = store.count_postings(
            kldb_prefix=kldb, ags=(other.ags,), status=PUBLISHED, since=since, include_duplicates=False
        )
        if n:
            out.append(
                {
                    "name": other.name,
                    "slug": refplaces.place_slug(other),
                    "ags": other.ags,
                    "distance_km": round(km, 1),
                    "count": n,
                    "active": store.count_postings(kldb_prefix=kldb, ags=(other.ags,)),
                }
            )
        if len(out) >= limit:
            break
    return out


def occupation_city_facts(
    store: Store,
    occupation: Occupation,
    display_title: str,
    occupation_slug: str,
    place: Place,
    *,
    min_sample: int,
    today: date | None = None,
) -> dict[str, Any]:
    today = today or datetime.now(UTC).date()
    ags = (place.ags,)
    kldb = occupation.kldb
    active = store.count_postings(kldb_prefix=kldb, ags=ags)
    # employers, sectors and requirements over a year of postings: the open ones alone are too few to describe
    # a local market, and a year evens out seasonal hiring
    since = datetime.combine(today - timedelta(days=365), time.min, tzinfo=UTC)
    employers = store.employer_counts(kldb, ags, limit=10, status=PUBLISHED, since=since)
    sectors = store.sector_counts(kldb, ags, status=PUBLISHED, since=since)
    sector_total = sum(n for _, n in sectors)
    sector_rows = [(s.value, n) for s, n in sectors]
    attrs = store.attribute_counts(kldb, ags, since=since)
    return {
        "occupation": {
            "slug": occupation_slug,
            "title": display_title,
            "kldb": kldb,
            "kldb_title": occupation.title,
            "isco": occupation.isco,
            "esco_label": occupation.esco_label,
        },
        "place": {
            "ags": place.ags,
            "name": place.name,
            "slug": refplaces.place_slug(place),
            "kreis": place.kreis,
            "land": place.land,
            "population": place.population,
            "lat": place.lat,
            "lon": place.lon,
        },
        "as_of": today.isoformat(),
        "source": store.source_summary(),
        "postings": {
            "active": active,
            "last_12_months": sum(n for _, n in sectors),
            "since": since.date().isoformat(),
        },
        "trend": trend_facts(store, kldb, place, today),
        "salary": salary_facts(store, kldb, place, min_sample),
        "employers": [{"name": name, "count": n} for name, n in employers],
        "sectors": [
            {"sector": s, "label": SECTOR_LABELS.get(s, s), "count": n, "share": share(n, sector_total)}
            for s, n in sector_rows
        ],
        "requirements": attrs,
        "nearby": nearby_facts(store, kldb, place, since),
    }
