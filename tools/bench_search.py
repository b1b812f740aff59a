"""Search benchmark: tantivy vs. a SQLite FTS5 baseline on the same postings and the same 1,000 queries.

    python -m tools.bench_search                          # 50,000 postings, 1,000 queries (make bench)
    python -m tools.bench_search --docs 1000000 --queries 1000
    python -m tools.bench_search --docs 200000 --http 200000   # also /suche.json via `stellenatlas serve`

Postings: text (title, description, employer, dates) comes from the sample generator
(`stellenatlas.sources.sample.generate`, ~25,000 postings/s); occupation, places, working time, remote and
salary are taken from the generator's ground truth (`RawPosting.extra`) instead of running the normalizers
(~1,100 postings/s), so 1M postings are generated in about a minute. The normalizer is not what is measured.

Queries: a FIXED, seeded mix (keywords with gender/compound/typo variants, occupation prefixes, city + radius,
filters, date/salary/distance sorts, deep pages). Each engine answers every query with the total count and the
requested page. Figures are wall-clock per query, single thread, after 200 untimed warm-up queries.
Facets are timed three ways: without the facet cache (every query counts afresh: "cold"), with the cache
emptied after the warm-up (a filter set's first occurrence in the timed pass is a miss, repeats hit), and a
second pass with the cache filled ("warm"). Only queries without free text use the cache.
"""

from __future__ import annotations

import argparse
import bisect
import dataclasses
import itertools
import json
import math
import os
import platform
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from stellenatlas.refdata import places as refplaces
from stellenatlas.search.analysis import query_occupation, query_words
from stellenatlas.search.base import IndexDoc, IndexPlace, SearchQuery
from stellenatlas.search.tantivy_index import EARTH_KM, TantivyIndex, haversine_km, rebuild
from stellenatlas.sources.sample import generate, load_places
from stellenatlas.sources.sample.catalog import OCCUPATIONS

NOW = datetime(2026, 11, 1, 8, tzinfo=UTC)
HOURS_PER_MONTH = 173.0


# --- data ------------------------------------------------------------------------------------------------


def _monthly(salary: dict[str, Any] | None) -> tuple[float | None, float | None]:
    if not salary:
        return None, None
    factor = {"jahr": 1 / 12, "stunde": HOURS_PER_MONTH}.get(str(salary.get("period")), 1.0)
    lo, hi = salary.get("min"), salary.get("max")
    return (None if lo is None else float(lo) * factor, None if hi is None else float(hi) * factor)


# Share of postings moved to a municipality drawn by population from all of Germany: the sample generator
# uses only ~220 cities, real postings name thousands of places (radius queries must handle many places).
SPREAD_SHARE = 0.3


def bench_docs(n: int, seed: int = 42) -> Iterator[IndexDoc]:
    """`n` postings as IndexDocs, ids 1..n; deterministic for (n, seed)."""
    munis = refplaces.municipalities()
    cache: dict[str, IndexPlace | None] = {}
    pool = sorted(munis.values(), key=lambda m: m.ags)
    cum = list(itertools.accumulate(max(1, m.population) for m in pool))
    spread = random.Random(seed + 1)

    def place(ags: str) -> IndexPlace | None:
        if ags not in cache:
            p = munis.get(ags)
            cache[ags] = IndexPlace(p.ags, p.name, p.lat, p.lon) if p else None
        return cache[ags]

    for i, raw in enumerate(generate(n, seed, now=NOW), start=1):
        extra = raw.extra
        lo, hi = _monthly(extra.get("salary"))
        places = tuple(p for a in extra["place_ags"] if (p := place(a)) is not None)
        if places and spread.random() < SPREAD_SHARE:
            m = pool[bisect.bisect_left(cum, spread.random() * cum[-1])]
            places = (IndexPlace(m.ags, m.name, m.lat, m.lon), *(p for p in places[1:] if p.ags != m.ags))
        yield IndexDoc(
            id=i,
            title=raw.title,
            description=raw.description,
            employer=raw.employer,
            employer_sector=raw.employer_sector,
            kldb=str(extra["kldb"]),
            places=places,
            working_time=str(extra["working_time"]),
            remote=str(extra["remote"]),
            salary_monthly_min=lo,
            salary_monthly_max=hi,
            posted_at=raw.posted_at,
            extra_terms=tuple(extra.get("skills", ())),
        )


# --- the fixed query mix ---------------------------------------------------------------------------------

_TYPO_SWAPS = (("ie", "i"), ("ck", "k"), ("tt", "t"), ("er", "re"))


def _variant(rnd: random.Random, male: str, female: str) -> str:
    """How people type a job title into a search box."""
    roll = rnd.random()
    if roll < 0.35:
        return male
    if roll < 0.5:
        return female
    if roll < 0.6:
        return male + " (m/w/d)"
    if roll < 0.7:
        return male.replace("-", " ")
    if roll < 0.8:
        words = male.replace("-", " ").split()
        return words[-1] if words else male
    if roll < 0.9:  # one typo in the longest word
        for a, b in _TYPO_SWAPS:
            if a in male:
                return male.replace(a, b, 1)
        return male[:-1]
    return male + " " + rnd.choice(["Teilzeit", "Quereinsteiger", "Homeoffice", "Tarif", "Berufseinsteiger"])


def bench_queries(n: int = 1000, seed: int = 20261101) -> list[tuple[str, SearchQuery]]:
    """(kind, query) pairs; the same list for the same (n, seed)."""
    rnd = random.Random(seed)
    cities = sorted(load_places(), key=lambda p: -p.population)[:80]
    occs = list(OCCUPATIONS)
    since = NOW - timedelta(days=30)
    out: list[tuple[str, SearchQuery]] = []
    for _ in range(n):
        occ = rnd.choice(occs)
        city = rnd.choice(cities)
        text = _variant(rnd, occ.male, occ.female)
        roll = rnd.random()
        if roll < 0.30:
            out.append(("keywords", SearchQuery(text=text)))
        elif roll < 0.40:
            prefix = occ.kldb[: rnd.choice([2, 3, 4, 5])]
            out.append(
                ("occupation", SearchQuery(kldb_prefix=prefix, sort=rnd.choice(["date", "relevance"])))
            )
        elif roll < 0.62:
            radius = rnd.choice([0, 10, 25, 25, 50, 100])
            use_text = rnd.random() < 0.7
            out.append(
                (
                    "radius",
                    SearchQuery(
                        text=text if use_text else "",
                        kldb_prefix="" if use_text else occ.kldb[:3],
                        lat=city.lat,
                        lon=city.lon,
                        radius_km=float(radius),
                        sort="relevance" if use_text else "distance",
                    ),
                )
            )
        elif roll < 0.77:
            out.append(
                (
                    "filters",
                    SearchQuery(
                        text=text if rnd.random() < 0.6 else "",
                        working_time=rnd.choice([None, "vollzeit", "teilzeit"]),
                        remote=rnd.choice([None, None, "hybrid", "remote"]),
                        salary_min_monthly=rnd.choice([None, 3000.0, 4000.0]),
                        posted_since=since if rnd.random() < 0.5 else None,
                    ),
                )
            )
        elif roll < 0.90:
            out.append(("sort", SearchQuery(text=text, sort=rnd.choice(["date", "salary"]))))
        else:
            out.append(("deep_page", SearchQuery(text=occ.male.split()[-1], page=rnd.randint(20, 100))))
    return out


# --- SQLite FTS5 baseline --------------------------------------------------------------------------------


class Fts5Baseline:
    """The same postings in SQLite: FTS5 (unicode61, diacritics removed) + a B-tree table for filters.

    German stemming does not exist in FTS5; the closest cheap approximation is a prefix query on each
    word shortened by two letters ("koordinator*" for "Koordinatorin"). Radius: lat/lon box in SQL, exact
    haversine in Python, like the first tantivy implementation.
    """

    def __init__(self, path: Path, timeout_s: float = 2.0) -> None:
        self.timeout_s = timeout_s
        self.timeouts = 0
        self.db = sqlite3.connect(path)
        self.db.executescript(
            """
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE IF NOT EXISTS doc(id INTEGER PRIMARY KEY, kldb TEXT, working_time TEXT, remote TEXT,
                employer TEXT, sal_max REAL, sal_sort REAL, posted_ts INTEGER);
            CREATE TABLE IF NOT EXISTS place(doc_id INTEGER, lat REAL, lon REAL);
            CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, body, employer,
                tokenize = 'unicode61 remove_diacritics 2', detail = 'column');
            """
        )

    def build(self, docs: Iterable[IndexDoc], batch: int = 5000) -> int:
        n = 0
        rows: list[tuple[Any, ...]] = []
        places: list[tuple[int, float, float]] = []
        texts: list[tuple[int, str, str, str]] = []

        def flush() -> None:
            self.db.executemany("INSERT INTO doc VALUES (?,?,?,?,?,?,?,?)", rows)
            self.db.executemany("INSERT INTO place VALUES (?,?,?)", places)
            self.db.executemany("INSERT INTO fts(rowid, title, body, employer) VALUES (?,?,?,?)", texts)
            rows.clear()
            places.clear()
            texts.clear()

        for d in docs:
            lo, hi = d.salary_monthly_min, d.salary_monthly_max
            top = hi if hi is not None else lo
            mid = (lo + hi) / 2 if lo is not None and hi is not None else top
            ts = int(d.posted_at.timestamp()) if d.posted_at else None
            rows.append((d.id, d.kldb, d.working_time, d.remote, d.employer.lower(), top, mid, ts))
            places.extend((d.id, p.lat, p.lon) for p in d.places)
            texts.append((d.id, d.title, d.description + "\n" + " ".join(d.extra_terms), d.employer))
            n += 1
            if len(rows) >= batch:
                flush()
        flush()
        self.db.executescript(
            """
            CREATE INDEX IF NOT EXISTS doc_kldb ON doc(kldb);
            CREATE INDEX IF NOT EXISTS doc_posted ON doc(posted_ts);
            CREATE INDEX IF NOT EXISTS place_lat ON place(lat, lon);
            INSERT INTO fts(fts) VALUES ('optimize');
            """
        )
        self.db.commit()
        return n

    @staticmethod
    def _match(text: str) -> str:
        terms = []
        for w in query_words(text[:200]):
            if len(w) < 2:
                continue
            stem = w[: max(4, len(w) - 2)] if len(w) > 5 else w
            terms.append('"' + stem.replace('"', "") + '"*')
        return " AND ".join(terms)

    def search(self, q: SearchQuery) -> tuple[int, list[int]]:
        """Total and page ids; a query running longer than `timeout_s` is aborted and counted as timed out."""
        deadline = time.perf_counter() + self.timeout_s
        self.db.set_progress_handler(lambda: int(time.perf_counter() > deadline), 20_000)
        try:
            return self._search(q)
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            self.timeouts += 1
            return -1, []

    def _search(self, q: SearchQuery) -> tuple[int, list[int]]:
        where: list[str] = []
        args: list[Any] = []
        match = self._match(q.text)
        cte, join, score = "", "", "0.0"
        if match:
            # Materialised first: otherwise the planner may evaluate MATCH once per joined row.
            cte = "WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(fts, 3.0, 1.0, 0.5) AS score FROM fts WHERE fts MATCH ?) "
            join = "JOIN m ON m.id = doc.id"
            args.append(match)
            score = "m.score"  # smaller is better
        if q.kldb_prefix:
            where.append("doc.kldb >= ? AND doc.kldb < ?")
            args += [q.kldb_prefix, q.kldb_prefix + ":"]  # ":" sorts right after "9"
        for col, val in (("working_time", q.working_time), ("remote", q.remote)):
            if val:
                where.append(f"doc.{col} = ?")
                args.append(val)
        if q.salary_min_monthly is not None:
            where.append("doc.sal_max >= ?")
            args.append(q.salary_min_monthly)
        if q.posted_since is not None:
            where.append("doc.posted_ts >= ?")
            args.append(int(q.posted_since.timestamp()))
        cond = " AND ".join(where) or "1"
        offset = (max(1, min(q.page, 100)) - 1) * q.page_size
        order = {
            "relevance": f"{score}, doc.posted_ts DESC",
            "date": "doc.posted_ts DESC",
            "salary": "doc.sal_sort IS NULL, doc.sal_sort DESC",
            "distance": "doc.posted_ts DESC",
        }[q.sort]
        if q.lat is None or q.lon is None:
            total = self.db.execute(f"{cte}SELECT count(*) FROM doc {join} WHERE {cond}", args).fetchone()[0]
            rows = self.db.execute(
                f"{cte}SELECT doc.id FROM doc {join} WHERE {cond} ORDER BY {order} LIMIT ? OFFSET ?",
                [*args, q.page_size, offset],
            ).fetchall()
            return int(total), [r[0] for r in rows]
        radius = max(1.0, q.radius_km if q.radius_km is not None else 1000.0)
        dlat = radius / (math.pi * EARTH_KM / 180)
        dlon = dlat / max(math.cos(math.radians(q.lat)), 0.01)
        sql = (
            f"{cte}SELECT doc.id, place.lat, place.lon, {score}, doc.posted_ts, doc.sal_sort FROM place "
            f"JOIN doc ON doc.id = place.doc_id {join} WHERE {cond} AND place.lat BETWEEN ? AND ? "
            f"AND place.lon BETWEEN ? AND ?"
        )
        best: dict[int, tuple[float, float, int, float]] = {}
        box = [q.lat - dlat, q.lat + dlat, q.lon - dlon, q.lon + dlon]
        for pid, la, lo, sc, ts, sal in self.db.execute(sql, [*args, *box]):
            dist = haversine_km(q.lat, q.lon, la, lo)
            if dist <= radius and (pid not in best or dist < best[pid][0]):
                best[pid] = (dist, sc, ts or 0, sal if sal is not None else -1.0)
        key: Callable[[tuple[int, tuple[float, float, int, float]]], Any] = {
            "relevance": lambda kv: (kv[1][1], -kv[1][2]),
            "date": lambda kv: -kv[1][2],
            "salary": lambda kv: -kv[1][3],
            "distance": lambda kv: kv[1][0],
        }[q.sort]
        ranked = sorted(best.items(), key=key)
        return len(ranked), [pid for pid, _ in ranked[offset : offset + q.page_size]]


# --- measuring -------------------------------------------------------------------------------------------


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(values), 2),
        "p95": round(_pct(values, 0.95), 2),
        "p99": round(_pct(values, 0.99), 2),
        "max": round(max(values), 2),
    }


def time_queries(
    run: Callable[[SearchQuery], object],
    queries: list[tuple[str, SearchQuery]],
    *,
    after_warmup: Callable[[], None] | None = None,
    split: Callable[[], str] | None = None,
) -> dict[str, dict[str, float]]:
    """Per-kind latency summaries. `after_warmup` runs between the untimed warm-up and the timed pass (e.g.
    to empty a result cache, so the warm-up's queries do not come back as cache hits); `split`, called
    after each timed query, names an extra group the query is also counted in (e.g. "cache_hit")."""
    for _, q in queries[:200]:  # warm caches (mmap pages, sqlite page cache) untimed
        run(q)
    if after_warmup is not None:
        after_warmup()
    by_kind: dict[str, list[float]] = {"all": []}
    for kind, q in queries:
        t = time.perf_counter()
        run(q)
        ms = (time.perf_counter() - t) * 1000
        by_kind["all"].append(ms)
        by_kind.setdefault(kind, []).append(ms)
        if split is not None:
            by_kind.setdefault(split(), []).append(ms)
    out: dict[str, dict[str, float]] = {k: _summary(v) for k, v in by_kind.items()}
    for k, v in by_kind.items():
        out[k]["n"] = len(v)
    return out


class _TimedDocs:
    """Iterates `docs` and adds up the time spent producing them, so the build rate can be given with
    and without generating the postings (which runs in the same thread as the index's text preparation)."""

    def __init__(self, docs: Iterator[IndexDoc]) -> None:
        self._docs = docs
        self.seconds = 0.0

    def __iter__(self) -> Iterator[IndexDoc]:
        return self

    def __next__(self) -> IndexDoc:
        t = time.perf_counter()
        try:
            return next(self._docs)
        finally:
            self.seconds += time.perf_counter() - t


def broad_queries() -> list[tuple[str, SearchQuery]]:
    """The cost drivers at 1M: big match sets without text, where exact counts touch every match."""
    berlin = refplaces.municipalities()["11000000"]
    koeln = refplaces.municipalities()["05315000"]
    return [
        ("all active postings", SearchQuery()),
        ("Vollzeit", SearchQuery(working_time="vollzeit")),
        ("KldB prefix 8", SearchQuery(kldb_prefix="8")),
        ("Teilzeit, hybrid", SearchQuery(working_time="teilzeit", remote="hybrid")),
        (
            "Berlin 50 km by distance",
            SearchQuery(lat=berlin.lat, lon=berlin.lon, radius_km=50.0, sort="distance"),
        ),
        # a box whose corners hold places outside the circle, and the date order on a radius
        ("Köln 60 km by date", SearchQuery(lat=koeln.lat, lon=koeln.lon, radius_km=60.0, sort="date")),
    ]


def time_broad(index: TantivyIndex, cached: TantivyIndex, repeats: int = 7) -> dict[str, dict[str, float]]:
    """Median ms per broad query: facets off, facets on without cache (every run counts afresh), and
    facets on from a cache entry filled by a different page of the same filters."""
    out: dict[str, dict[str, float]] = {}
    for label, q in broad_queries():
        row: dict[str, float] = {}
        for key, ix, query in (
            ("facets_off", index, dataclasses.replace(q, facets=False)),
            ("facets_cold", index, q),
        ):
            times = []
            for _ in range(repeats):
                t = time.perf_counter()
                res = ix.search(query)
                times.append((time.perf_counter() - t) * 1000)
            row[key] = round(statistics.median(times), 2)
            row["hits"] = res.total
        cached.facet_cache.clear()
        cached.search(dataclasses.replace(q, page=2))
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            cached.search(q)
            times.append((time.perf_counter() - t) * 1000)
        row["facets_cached"] = round(statistics.median(times), 2)
        out[label] = row
    return out


def _dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def machine_notes() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_1m_at_start": round(load[0], 2),
    }


def bench_engines(n_docs: int, n_queries: int, workdir: Path, fts: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"docs": n_docs, "queries": n_queries, "machine": machine_notes()}
    queries = bench_queries(n_queries)
    index_dir = workdir / "index"
    docs = _TimedDocs(bench_docs(n_docs))
    t0 = time.perf_counter()
    rebuild(docs, index_dir)
    build_s = time.perf_counter() - t0
    # cache off: every facet count below is computed afresh unless the run is labelled as cached
    index = TantivyIndex(index_dir, facet_cache_size=0)
    size = _dir_bytes(index_dir / index.generation)
    out["tantivy_build"] = {
        "seconds": round(build_s, 1),
        "docs_per_s": round(n_docs / build_s),
        "generation_seconds": round(docs.seconds, 1),
        "docs_per_s_without_generation": round(n_docs / (build_s - docs.seconds)),
        "segments": index._index.searcher().num_segments,
        "index_bytes": size,
        "bytes_per_posting": round(size / n_docs),
        "loadavg_1m_after": round(os.getloadavg()[0], 2),
        "note": "generation runs in the calling thread; 'without' subtracts the time spent in it",
    }
    print(json.dumps(out["tantivy_build"]), file=sys.stderr)
    t0 = time.perf_counter()
    gen_n = sum(1 for _ in bench_docs(min(n_docs, 100_000)))
    out["generator_docs_per_s"] = round(gen_n / (time.perf_counter() - t0))
    # The query's occupation is classified by the title classifier, whose sentence encoder costs milliseconds
    # for a text it has not seen (cached per text afterwards). That is the classifier's cost, not the engine's:
    # it is timed here once per distinct text, and every engine run below finds the texts classified.
    query_occupation("Projektkoordinator Gelsenkirchen")  # loads the classifier and its encoder, untimed
    cls_ms: list[float] = []
    for text in dict.fromkeys(q.text for _, q in queries if q.text):
        t = time.perf_counter()
        query_occupation(text)
        cls_ms.append((time.perf_counter() - t) * 1000)
    out["query_classification_first_sight"] = _summary(cls_ms) | {"n": len(cls_ms)}
    print("query_classification", json.dumps(out["query_classification_first_sight"]), file=sys.stderr)
    cached = TantivyIndex(index_dir)
    runs: list[tuple[str, TantivyIndex, bool]] = [
        ("tantivy", index, False),
        ("tantivy_facets", index, True),  # cold: no cache, every query counts its facets
        ("tantivy_facets_cache", cached, True),  # cache emptied after the warm-up: first sight is a miss
        ("tantivy_facets_warm", cached, True),  # same pass again: repeated filter sets come from the cache
    ]
    for label, ix, facets in runs:
        qs = [(k, dataclasses.replace(q, facets=facets)) for k, q in queries]
        if label == "tantivy_facets_cache":
            seen = [ix.facet_cache.hits]

            def hit_or_miss(ix: TantivyIndex = ix, seen: list[int] = seen) -> str:
                hit = ix.facet_cache.hits > seen[0]
                seen[0] = ix.facet_cache.hits
                return "cache_hit" if hit else "no_cache_hit"

            out[label] = time_queries(ix.search, qs, after_warmup=ix.facet_cache.clear, split=hit_or_miss)
        else:
            out[label] = time_queries(ix.search, qs)
        out.setdefault("loadavg_1m_after", {})[label] = round(os.getloadavg()[0], 2)
        print(label, json.dumps(out[label]["all"]), file=sys.stderr)
    out["broad"] = time_broad(index, cached)
    print("broad", json.dumps(out["broad"]), file=sys.stderr)
    if fts:
        db_path = workdir / "fts.sqlite"
        base = Fts5Baseline(db_path)
        t0 = time.perf_counter()
        base.build(bench_docs(n_docs))
        build_s = time.perf_counter() - t0
        out["fts5_build"] = {
            "seconds": round(build_s, 1),
            "docs_per_s": round(n_docs / build_s),
            "bytes_per_posting": round(db_path.stat().st_size / n_docs),
        }
        out["fts5"] = time_queries(base.search, queries)
        out["fts5_timeouts"] = f"{base.timeouts} query runs aborted after {base.timeout_s} s (timed as such)"
        print("fts5", json.dumps(out["fts5"]["all"]), file=sys.stderr)
        base.db.close()
    return out


# --- HTTP --------------------------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fill_store(n_docs: int, var_dir: Path) -> None:
    """Store + index holding the benchmark postings, through the product's own code paths."""
    from stellenatlas.domain.models import (
        Employer,
        Posting,
        Remote,
        Salary,
        SalaryPeriod,
        Sector,
        WorkingTime,
    )
    from stellenatlas.services import open_services
    from stellenatlas.settings import load_settings

    settings = load_settings(var_dir=str(var_dir), database_url=None, index_dir=None)
    subprocess.run(
        [str(Path(sys.executable).with_name("stellenatlas")), "db", "upgrade"],
        check=True,
        env={**os.environ, "STELLENATLAS_VAR_DIR": str(var_dir)},
    )
    svc = open_services(settings)

    def postings() -> Iterator[Posting]:
        for d in bench_docs(n_docs):
            sal = None
            if d.salary_monthly_min is not None or d.salary_monthly_max is not None:
                sal = Salary(min=d.salary_monthly_min, max=d.salary_monthly_max, period=SalaryPeriod.MONTH)
            yield Posting(
                source="bench",
                source_id=f"bench-{d.id}",
                title=d.title,
                employer=Employer(
                    name=d.employer, sector=Sector(d.employer_sector) if d.employer_sector else Sector.OTHER
                ),
                description=d.description,
                location_text=d.places[0].name if d.places else "Remote",
                place_ags=tuple(p.ags for p in d.places),
                kldb=d.kldb,
                salary=sal,
                working_time=WorkingTime(d.working_time),
                remote=Remote(d.remote),
                skills=d.extra_terms,
                posted_at=d.posted_at,
            )

    batch: list[Posting] = []
    for p in postings():
        batch.append(p)
        if len(batch) >= 2000:
            svc.store.upsert_postings(batch)
            batch.clear()
    if batch:
        svc.store.upsert_postings(batch)
    svc.close()


def http_params(n_queries: int) -> list[dict[str, Any]]:
    """The engine's query mix as /suche.json parameters (a city of the 80 largest for a radius query)."""
    cities = [p.name for p in sorted(load_places(), key=lambda p: -p.population)[:80]]
    rnd = random.Random(5)
    params = []
    for kind, q in bench_queries(n_queries):
        p: dict[str, Any] = {"q": q.text[:200]}
        if q.kldb_prefix:
            p["beruf"] = q.kldb_prefix
        if kind == "radius":
            p["ort"] = rnd.choice(cities)
            p["umkreis"] = int(min(q.radius_km or 0, 200))
        if q.working_time:
            p["arbeitszeit"] = q.working_time
        if q.remote:
            p["remote"] = q.remote
        if q.salary_min_monthly is not None:
            p["gehalt"] = int(q.salary_min_monthly)
        if q.posted_since is not None:
            p["seit"] = (NOW - q.posted_since).days
        if q.sort != "relevance" and (q.sort != "distance" or "ort" in p):
            p["sort"] = q.sort
        p["page"] = q.page
        params.append(p)
    return params


def bench_http(
    var_dir: Path, n_queries: int, wrk_seconds: int = 10, facet_cache: int | None = None
) -> dict[str, Any]:
    import httpx

    port = _free_port()
    # the benchmark is one client hammering the API on purpose: lift the per-client rate limit
    env = {**os.environ, "STELLENATLAS_VAR_DIR": str(var_dir), "STELLENATLAS_API_RATE_LIMIT": "0"}
    if facet_cache is not None:  # 0: every request counts its facets (the cost of a query seen first)
        env["STELLENATLAS_FACET_CACHE_SIZE"] = str(facet_cache)
    cmd = [
        str(Path(sys.executable).with_name("stellenatlas")),
        "serve",
        "--workers",
        "2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    out: dict[str, Any] = {"command": " ".join(cmd), "facet_cache": env.get("STELLENATLAS_FACET_CACHE_SIZE")}
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(200):
                try:
                    if client.get("/suche.json", params={"q": "Pflege"}).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.25)
            params = http_params(n_queries)
            for p in params[:100]:
                client.get("/suche.json", params=p)
            times: list[float] = []
            statuses: dict[int, int] = {}
            for p in params:
                t = time.perf_counter()
                r = client.get("/suche.json", params=p)
                times.append((time.perf_counter() - t) * 1000)
                statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
            out["single_client"] = _summary(times)
            out["statuses"] = statuses
        wrk = shutil.which("wrk")
        if wrk:
            url = f"{base}/suche.json?q=Pflegefachkraft&ort=Essen&umkreis=25"
            for conns in (4, 8, 16):
                out[f"wrk_c{conns}"] = _wrk(wrk, conns, wrk_seconds, url)
            # the whole query mix, each URL once per pass: facet cache hits only where the mix repeats a query
            mix = var_dir / "urls.txt"
            mix.write_text("".join(f"/suche.json?{urlencode(p)}\n" for p in params), encoding="utf-8")
            script = Path(__file__).with_name("wrk_mix.lua")
            out["wrk_mix_c8"] = _wrk(wrk, 8, wrk_seconds, base, "-s", str(script), "--", str(mix))
        else:
            out["wrk"] = "wrk not installed (apt-get install -y wrk)"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return out


def _wrk(wrk: str, conns: int, seconds: int, url: str, *extra: str) -> dict[str, Any]:
    res = subprocess.run(
        [wrk, "-t2", f"-c{conns}", f"-d{seconds}s", "--latency", url, *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = res.stdout.strip().splitlines()
    rate = next((ln.split()[-1] for ln in lines if ln.startswith("Requests/sec")), "")
    return {"url": url, "requests_per_s": rate, "output": lines}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--docs", type=int, default=50_000, help="postings for the engine benchmark (0 = skip it)"
    )
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--no-fts", action="store_true", help="skip the SQLite FTS5 baseline")
    ap.add_argument(
        "--http", type=int, default=0, help="postings in the store for the HTTP benchmark (0 = skip)"
    )
    ap.add_argument("--wrk-seconds", type=int, default=10)
    ap.add_argument(
        "--http-facet-cache", type=int, default=None, help="facet cache entries per web worker (0 = off)"
    )
    ap.add_argument("--workdir", type=Path, default=None, help="keep data here (default: temporary)")
    ap.add_argument(
        "--http-reuse",
        action="store_true",
        help="keep the store of an earlier run in --workdir (index rebuilt)",
    )
    ap.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = ap.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="stellenatlas-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = bench_engines(args.docs, args.queries, work, fts=not args.no_fts) if args.docs else {}
        if args.http:
            var_dir = work / "var"
            t0 = time.perf_counter()
            if not (args.http_reuse and (var_dir / "stellenatlas.db").exists()):
                fill_store(args.http, var_dir)
            subprocess.run(
                [str(Path(sys.executable).with_name("stellenatlas")), "index", "rebuild"],
                check=True,
                env={**os.environ, "STELLENATLAS_VAR_DIR": str(var_dir)},
                stdout=subprocess.DEVNULL,
            )
            result["http_store_docs"] = args.http
            result["http_setup_s"] = round(time.perf_counter() - t0, 1)
            result["http"] = bench_http(var_dir, args.queries, args.wrk_seconds, args.http_facet_cache)
        text = json.dumps(result, indent=2, ensure_ascii=False)
        print(text)
        if args.json:
            args.json.write_text(text + "\n", encoding="utf-8")
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
