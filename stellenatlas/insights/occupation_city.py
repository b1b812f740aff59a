"""Facts for the occupation × city page, computed from the store.

Every figure carries its basis: `n` (sample size), `source`, `as_of` and, for regional fallbacks, the `level` and
`region` it was actually computed for. Below `min_sample` a salary figure is not shown for the city; the next wider
region (Kreis -> Ruhrgebiet/Regierungsbezirk -> Land -> Deutschland) is used and labelled as such.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any, TypeVar, cast

from stellenatlas.domain import Experience, Occupation, Place, Sector
from stellenatlas.insights.stats import change, quartiles, round_eur, share
from stellenatlas.refdata import occupations as refocc
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
    lo: float | None = None
    hi: float | None = None


def _salary_rows(store: Store, kldb: str, ags: tuple[str, ...] | None) -> list[SalaryRow]:
    out = []
    for lo, hi, exp, _at, tariff in store.salary_rows(kldb, ags):
        mid = (lo + hi) / 2 if lo is not None and hi is not None else (lo if lo is not None else hi)
        out.append(SalaryRow(mid, exp.value, tariff, lo, hi))
    return out


# Memo of store reads shared by the pages of one refresh run: the Land, Germany and regional figures of an
# occupation are the same for every city in that region.
FactCache = dict[tuple[Any, ...], Any]
_T = TypeVar("_T")


def _memo(cache: FactCache | None, key: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cast(_T, cache[key])


def _experience_rows(rows: Sequence[Any], min_sample: int) -> list[dict[str, Any]]:
    """Quartiles per experience level; a level below `min_sample` keeps its n but shows no figures."""
    out: list[dict[str, Any]] = []
    for exp, label in EXPERIENCE_LABELS.items():
        qe = quartiles([r.monthly_mid for r in rows if r.experience == exp and r.monthly_mid is not None])
        shown = qe is not None and qe.n >= min_sample
        out.append(
            {
                "experience": exp,
                "label": label,
                "n": 0 if qe is None else qe.n,
                "q25": round_eur(qe.q25) if shown and qe else None,
                "median": round_eur(qe.median) if shown and qe else None,
                "q75": round_eur(qe.q75) if shown and qe else None,
            }
        )
    return out


def _salary_block(rows: Sequence[Any], min_sample: int) -> dict[str, Any] | None:
    mids = [r.monthly_mid for r in rows]
    q = quartiles([m for m in mids if m is not None])
    if q is None or q.n < min_sample:
        return None
    return {
        "n": q.n,
        "q25": round_eur(q.q25),
        "median": round_eur(q.median),
        "q75": round_eur(q.q75),
        "histogram": _histogram([m for m in mids if m is not None]),
    }


def _histogram(values: list[float], step: int = 500) -> list[dict[str, int]]:
    counts = Counter(int(v // step) * step for v in values)
    return [{"from": k, "to": k + step, "n": counts[k]} for k in sorted(counts)]


_VALID_FROM = re.compile(r"\s*\(gültig ab ([0-9.]+)\)\s*$")


def tariff_groups(rows: Sequence[tuple[float | None, float | None, str]]) -> list[dict[str, Any]]:
    """Tariff groups seen in postings, each with the range of its table (lowest to highest step) and n.

    These are not market statistics: the amounts come from the published tariff table the posting names, so
    one posting is enough to state the range; n says how often the group was advertised.
    """
    groups: dict[str, dict[str, Any]] = {}
    for lo, hi, tariff in rows:
        m = _VALID_FROM.search(tariff)
        label = tariff[: m.start()].strip() if m else tariff.strip()
        g = groups.setdefault(
            label,
            {"tariff": label, "valid_from": m.group(1) if m else "", "n": 0, "min": None, "max": None},
        )
        g["n"] += 1
        for v in (lo, hi):
            if v is None:
                continue
            g["min"] = v if g["min"] is None else min(g["min"], v)
            g["max"] = v if g["max"] is None else max(g["max"], v)
    out = []
    for g in groups.values():
        g["min"] = None if g["min"] is None else int(round(g["min"]))
        g["max"] = None if g["max"] is None else int(round(g["max"]))
        out.append(g)
    return sorted(out, key=lambda g: (-g["n"], g["tariff"]))


def salary_facts(
    store: Store, kldb: str, place: Place, min_sample: int, cache: FactCache | None = None
) -> dict[str, Any]:
    """Advertised salaries at the narrowest region with at least `min_sample` of them; the split by experience
    at the narrowest region (not below that one) where at least two levels reach `min_sample`; and, apart from
    both, the tariff groups named by postings at the narrowest region that has any. Each part names its region.
    """
    tried: list[dict[str, Any]] = []
    block: dict[str, Any] | None = None
    experience: dict[str, Any] | None = None
    single: dict[str, Any] | None = None
    tariff: dict[str, Any] | None = None
    for region in region_chain(place):
        rows = _memo(cache, ("salary", kldb, region.ags), partial(_salary_rows, store, kldb, region.ags))
        if tariff is None and any(r.tariff for r in rows):
            groups = tariff_groups([(r.lo, r.hi, r.tariff) for r in rows if r.tariff])
            tariff = {
                "level": region.level,
                "region": region.label,
                "n": sum(g["n"] for g in groups),
                "groups": groups[:12],
            }
        advertised = [r for r in rows if not r.tariff]
        if block is None:
            tried.append({"level": region.level, "label": region.label, "n": len(advertised)})
            found = _salary_block(advertised, min_sample)
            if found is not None:
                found.update(
                    level=region.level,
                    region=region.label,
                    fallback=region.level != "gemeinde",
                    tariff_n=len(rows) - len(advertised),
                )
                block = found
        if block is not None and experience is None:
            by_exp = _experience_rows(advertised, min_sample)
            shown = sum(r["median"] is not None for r in by_exp)
            if shown >= 2:
                experience = {"level": region.level, "region": region.label, "rows": by_exp}
            elif shown == 1 and single is None:
                # kept in case no region separates two levels: one level with enough data still says something
                single = {"level": region.level, "region": region.label, "rows": by_exp}
        if block is not None and experience is not None and tariff is not None:
            break
    experience = experience or single
    if block is None:
        block = {"n": 0, "level": None, "region": None, "fallback": False, "tariff_n": 0}
    else:
        block["by_experience"] = experience["rows"] if experience else _experience_rows([], min_sample)
        block["experience_level"] = experience["level"] if experience else None
        block["experience_region"] = experience["region"] if experience else None
    block.update(tried=tried, min_sample=min_sample, tariff=tariff)
    return block


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


def _monthly(
    store: Store, kldb: str, ags: tuple[str, ...] | None, since: date, today: date
) -> dict[str, int]:
    return dict(store.monthly_counts(kldb, ags, since, until=today))


def trend_facts(
    store: Store, kldb: str, place: Place, today: date, cache: FactCache | None = None
) -> dict[str, Any]:
    keys = months_back(today, 24)
    since = date(int(keys[0][:4]), int(keys[0][5:]), 1)
    series: dict[str, list[dict[str, Any]]] = {}
    for label, ags in (("stadt", (place.ags,)), ("land", (place.land_ags,)), ("deutschland", None)):
        counts = _memo(
            cache,
            ("monthly", kldb, ags, since, today),
            partial(_monthly, store, kldb, ags, since, today),
        )
        series[label] = [{"month": k, "n": counts.get(k, 0)} for k in keys]
    sums = {
        label: (sum(p["n"] for p in s[-12:]), sum(p["n"] for p in s[-24:-12])) for label, s in series.items()
    }
    last12, prev12 = sums["stadt"]
    return {
        "months": keys,
        "series": series,
        "last_12_months": last12,
        "previous_12_months": prev12,
        "change_vs_previous_year": change(last12, prev12),
        "land_last_12_months": sums["land"][0],
        "land_previous_12_months": sums["land"][1],
        "land_change": change(*sums["land"]),
        "germany_last_12_months": sums["deutschland"][0],
        "germany_previous_12_months": sums["deutschland"][1],
        "germany_change": change(*sums["deutschland"]),
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


EDUCATION_LABELS = {
    "studium": "Studium (Bachelor, Master, Diplom)",
    "ausbildung": "Berufsausbildung, Meister, Techniker, Fachwirt",
    "keine": "ohne Berufsausbildung möglich",
    "": "keine Angabe",
}

# Below this many postings in 12 months a page says that its figures rest on very few postings.
THIN_POSTINGS = 10
# Bump when the shape of the facts changes: stored facts of another version are recomputed, not shown.
FACTS_VERSION = 5


def page_key(kldb: str, ags: str) -> str:
    """Key of the precomputed facts of one occupation × municipality page in the insights table."""
    return f"page:{kldb}:{ags}"


def role_facts(
    occupation: Occupation, place: Place, pages_here: dict[str, dict[str, Any]], limit: int = 8
) -> dict[str, Any]:
    """What the occupation is (KldB explanation, else ESCO definition) and its neighbours in the KldB; those with
    a page in this city (enough postings here) link to it."""
    code = occupation.kldb
    row = refocc.kldb_table().get(code)
    text = refocc.description(code)
    source = "KldB 2010, Bundesagentur für Arbeit" if row and row[3] else ("ESCO" if text else "")
    with_page: list[dict[str, Any]] = []
    without: list[dict[str, Any]] = []
    for other in refocc.related(code, limit=40):
        page = pages_here.get(other.kldb)
        if page is not None:
            with_page.append(
                {"kldb": other.kldb, "title": page["title"], "url": page["url"], "count": page["count"]}
            )
        else:
            # the KldB short titles are abbreviated to 40 characters ("Operationstechn. Assistenz"); the full
            # title reads better where there is no page title to show
            without.append({"kldb": other.kldb, "title": other.title or other.short_title, "url": None})
    with_page.sort(key=lambda r: (-r["count"], r["title"]))
    # the ones with a page first; a few without one for orientation, not the whole KldB group
    related = with_page[:limit] + without[: max(0, min(5, limit - len(with_page)))]
    return {
        "description": text,
        "description_source": source,
        "level": occupation.level,
        "level_label": LEVEL_LABELS.get(occupation.level, ""),
        "related": related,
    }


LEVEL_LABELS = {
    "1": "Helfer- und Anlerntätigkeiten",
    "2": "fachlich ausgerichtete Tätigkeiten (Fachkraft)",
    "3": "komplexe Spezialistentätigkeiten",
    "4": "hoch komplexe Tätigkeiten (Experte)",
}


def occupation_city_facts(
    store: Store,
    occupation: Occupation,
    display_title: str,
    occupation_slug: str,
    place: Place,
    *,
    min_sample: int,
    today: date | None = None,
    pages_here: dict[str, dict[str, Any]] | None = None,
    cache: FactCache | None = None,
) -> dict[str, Any]:
    """All facts of one page. `pages_here`: {kldb: page-list entry} of the pages in this city (for the links to
    related occupations); `cache`: memo shared across the pages of one refresh run."""
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
    for row in attrs.get("education", []):
        row["label"] = EDUCATION_LABELS.get(row["level"], row["level"])
    source = _memo(cache, ("source",), store.source_summary)
    return {
        "version": FACTS_VERSION,
        "key": page_key(kldb, place.ags),
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
        "source": source,
        "postings": {
            "active": active,
            "last_12_months": sector_total,
            "since": since.date().isoformat(),
            "thin": sector_total < THIN_POSTINGS,
            "thin_threshold": THIN_POSTINGS,
        },
        "trend": trend_facts(store, kldb, place, today, cache),
        "salary": salary_facts(store, kldb, place, min_sample, cache),
        "employers": [{"name": name, "count": n} for name, n in employers],
        "sectors": [
            {"sector": s, "label": SECTOR_LABELS.get(s, s), "count": n, "share": share(n, sector_total)}
            for s, n in sector_rows
        ],
        "requirements": attrs,
        "role": role_facts(occupation, place, pages_here or {}),
        "nearby": nearby_facts(store, kldb, place, since),
    }
