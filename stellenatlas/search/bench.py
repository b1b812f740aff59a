"""Search benchmark on synthetic postings: build rate and query latency.

`run_bench(n_docs, n_queries)` builds an index of `n_docs` synthetic German postings in a temporary
directory and times a mix of queries (keyword, compound/gender variants, filters, radius, sorts), with and
without facets. Run: `python -m stellenatlas.search.bench 50000 300`.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

from stellenatlas.search.base import IndexDoc, IndexPlace, SearchQuery
from stellenatlas.search.tantivy_index import rebuild

_CITIES = [
    IndexPlace("05513000", "Gelsenkirchen", 51.5110, 7.0960),
    IndexPlace("05113000", "Essen", 51.4556, 7.0116),
    IndexPlace("05911000", "Bochum", 51.4818, 7.2162),
    IndexPlace("05913000", "Dortmund", 51.5136, 7.4653),
    IndexPlace("05315000", "Köln", 50.9375, 6.9603),
    IndexPlace("11000000", "Berlin", 52.5200, 13.4050),
    IndexPlace("02000000", "Hamburg", 53.5511, 9.9937),
    IndexPlace("09162000", "München", 48.1372, 11.5755),
    IndexPlace("08111000", "Stuttgart", 48.7758, 9.1829),
    IndexPlace("14612000", "Dresden", 51.0504, 13.7373),
]
_HEADS = [
    "IT-",
    "Projekt",
    "Pflege",
    "Software",
    "Lager",
    "Vertriebs",
    "Personal",
    "Elektro",
    "Bau",
    "Büro",
    "",
]
_CORES = [
    "koordinator",
    "fachkraft",
    "entwickler",
    "leiter",
    "helfer",
    "sachbearbeiter",
    "berater",
    "techniker",
]
_SUFFIXES = [" (m/w/d)", "in", " (w/m/d)", ":in", " in Teilzeit", " – Quereinstieg möglich", ""]
_WORDS = [
    "Wir",
    "suchen",
    "engagierte",
    "Mitarbeiter",
    "für",
    "unser",
    "Team",
    "Aufgaben",
    "Planung",
    "Koordination",
    "Dokumentation",
    "Kunden",
    "Projekte",
    "Schichtdienst",
    "Weiterbildung",
    "Tarifvertrag",
    "Urlaubsgeld",
    "Homeoffice",
    "Führerschein",
    "Erfahrung",
    "Ausbildung",
    "Studium",
    "Kenntnisse",
    "SAP",
    "Excel",
    "Kommunikation",
    "Verantwortung",
    "Zuverlässigkeit",
    "Pflege",
    "Patienten",
]
_KLDB = ["43412", "43413", "81302", "51312", "71402", "26122", "32112", "83112", "72213", "62102"]
_QUERIES = [
    "IT Projektkoordinator",
    "Projektkoordination IT",
    "Pflegefachkraft",
    "Pflegefachkräfte Teilzeit",
    "Softwareentwicklerin",
    "Lagerhelfer",
    "Sachbearbeiter Personal",
    "Elektrotechniker",
    "Bauleiter",
    "Softwareentwikler",
    "",
]


def synthetic_docs(n: int, seed: int = 7) -> Iterator[IndexDoc]:
    rnd = random.Random(seed)
    now = datetime(2025, 6, 1)
    for i in range(1, n + 1):
        places = tuple(rnd.sample(_CITIES, 2 if rnd.random() < 0.05 else 1))
        lo = rnd.choice([None, 2500.0, 3000.0, 3500.0, 4200.0, 5000.0])
        yield IndexDoc(
            id=i,
            title=rnd.choice(_HEADS) + rnd.choice(_CORES) + rnd.choice(_SUFFIXES),
            description=" ".join(rnd.choices(_WORDS, k=120)),
            employer=f"Arbeitgeber {rnd.randrange(2000)} GmbH",
            kldb=rnd.choice(_KLDB),
            places=places,
            working_time=rnd.choice(["vollzeit", "vollzeit", "teilzeit", "minijob"]),
            remote=rnd.choice(["vor_ort", "vor_ort", "hybrid", "remote"]),
            salary_monthly_min=lo,
            salary_monthly_max=lo + 800 if lo else None,
            posted_at=now - timedelta(days=rnd.randrange(60)),
        )


def _queries(n: int, seed: int = 11) -> list[SearchQuery]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        city = rnd.choice(_CITIES)
        kind = rnd.random()
        text = rnd.choice(_QUERIES)
        if kind < 0.5:
            out.append(SearchQuery(text=text))
        elif kind < 0.7:
            out.append(SearchQuery(text=text, working_time="vollzeit", kldb_prefix=rnd.choice(_KLDB)[:3]))
        elif kind < 0.9:
            out.append(SearchQuery(text=text, lat=city.lat, lon=city.lon, radius_km=rnd.choice([10, 25, 50])))
        else:
            out.append(SearchQuery(text=text, sort=rnd.choice(["date", "salary"]), page=rnd.randint(1, 5)))
    return out


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def run_bench(n_docs: int = 50_000, n_queries: int = 300) -> dict[str, float]:
    """Build + query timings in ms / docs per second. Uses a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="stellenatlas-bench-") as tmp:
        t0 = time.perf_counter()
        index = rebuild(synthetic_docs(n_docs), tmp)
        build_s = time.perf_counter() - t0
        result: dict[str, float] = {
            "n_docs": float(index.count()),
            "build_s": round(build_s, 2),
            "build_docs_per_s": round(n_docs / build_s, 1),
        }
        queries = _queries(n_queries)
        for label, facets in (("nofacets", False), ("facets", True)):
            by_kind: dict[str, list[float]] = {"all": [], "radius": []}
            for q in queries:
                q = dataclasses.replace(q, facets=facets)
                t = time.perf_counter()
                index.search(q)
                ms = (time.perf_counter() - t) * 1000
                by_kind["all"].append(ms)
                if q.radius_km is not None:
                    by_kind["radius"].append(ms)
            for kind, values in by_kind.items():
                if values:
                    result[f"{label}_{kind}_p50_ms"] = round(statistics.median(values), 2)
                    result[f"{label}_{kind}_p99_ms"] = round(_pct(values, 0.99), 2)
        return result


if __name__ == "__main__":
    n_docs = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    n_queries = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    for key, value in run_bench(n_docs, n_queries).items():
        print(f"{key:28} {value}")
