"""`make bench`: end-to-end figures on this machine. Prints a Markdown table for docs/benchmarks.md.

Stages: normalization chain, ingest into SQLite (normalize + upsert + index), index rebuild, search engine
queries, occupation × city page (facts and full HTTP render). Sizes are small enough for a laptop; the search
benchmark at 1M postings is `python -m tools.bench_search`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from stellenatlas.settings import load_settings


def percentile(values: list[float], p: float) -> float:
    data = sorted(values)
    k = max(0, min(len(data) - 1, round(p / 100 * (len(data) - 1))))
    return data[k]


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20_000, help="sample postings to ingest")
    parser.add_argument("--pages", type=int, default=50, help="occupation × city pages to render")
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from stellenatlas.insights.pages import page_list, refresh_page_list
    from stellenatlas.insights.precompute import refresh_all_pages
    from stellenatlas.normalize.pipeline import normalize
    from stellenatlas.refdata import occupations as refocc
    from stellenatlas.refdata import places as refplaces
    from stellenatlas.search.base import SearchQuery
    from stellenatlas.services import open_services
    from stellenatlas.sources import sample
    from stellenatlas.sources.ingest import ingest
    from stellenatlas.store import seed_reference
    from stellenatlas.store.db import upgrade
    from stellenatlas.web.app import create_app

    rows: list[tuple[str, str]] = []
    now = datetime(2026, 11, 25, 8, tzinfo=UTC)
    raws = list(sample.generate(args.count, 42, now=now))

    normalize(raws[0])  # loads the models, so the figure is the steady state
    t = time.perf_counter()
    for raw in raws[:5000]:
        normalize(raw, today=now.date())
    rate = min(5000, len(raws)) / (time.perf_counter() - t)
    rows.append(
        (
            "normalization chain (1 core), first 5,000 postings of a fresh process (all caches cold)",
            f"{rate:,.0f} postings/s",
        )
    )

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(env={}, var_dir=tmp)
        svc = open_services(settings)
        upgrade(svc.engine)
        seed_reference(svc.store, refplaces.municipalities().values(), refocc.all_occupations().values())
        t = time.perf_counter()
        ingest(iter(raws), svc.store, svc.index, source="sample", full_sync=True, now=now)
        dt = time.perf_counter() - t
        rows.append(
            (f"ingest {args.count:,} new (normalize + SQLite + index)", f"{args.count / dt:,.0f} postings/s")
        )
        t = time.perf_counter()
        ingest(iter(raws), svc.store, svc.index, source="sample", full_sync=True, now=now)
        dt = time.perf_counter() - t
        rows.append((f"re-ingest {args.count:,} unchanged", f"{args.count / dt:,.0f} postings/s"))

        refresh_page_list(svc.store, min_postings=5, today=now.date())
        pages = page_list(svc.store)[: args.pages]
        t = time.perf_counter()
        n_pages = refresh_all_pages(svc.store, min_sample=settings.min_salary_sample, today=now.date())
        dt = time.perf_counter() - t
        rows.append(
            (
                f"insights refresh: precompute {n_pages} pages",
                f"{dt:.1f} s, {dt / max(n_pages, 1) * 1000:.0f} ms/page",
            )
        )

        municipalities = refplaces.municipalities()
        queries = [SearchQuery(text=p["title"]) for p in pages] + [
            SearchQuery(
                text=p["title"],
                lat=municipalities[p["ags"]].lat,
                lon=municipalities[p["ags"]].lon,
                radius_km=25,
            )
            for p in pages
        ]
        index = svc.index
        index.reload()
        lat = [timed(lambda q=q: index.search(q)) for q in queries for _ in range(5)]
        rows.append(
            (
                "search engine query (titles, ± 25 km radius, facets)",
                f"p50 {percentile(lat, 50):.2f} ms, p99 {percentile(lat, 99):.2f} ms (n={len(lat)})",
            )
        )

        client = TestClient(create_app(settings))
        urls = [p["url"] for p in pages]
        for url in urls:  # warm caches the same way a running server is warm
            client.get(url)
        render = [timed(lambda u=u: client.get(u)) for u in urls for _ in range(5)]
        rows.append(
            (
                f"occupation × city page, precomputed, HTML over HTTP ({len(urls)} pages × 5)",
                f"p50 {percentile(render, 50):.1f} ms, p99 {percentile(render, 99):.1f} ms, "
                f"mean {statistics.mean(render):.1f} ms",
            )
        )
        search = [
            timed(
                lambda u=u: client.get("/suche.json", params={"q": u.split("/")[2], "ort": u.split("/")[3]})
            )
            for u in urls
            for _ in range(3)
        ]
        rows.append(
            (
                "/suche.json over HTTP (in-process client)",
                f"p50 {percentile(search, 50):.1f} ms, p99 {percentile(search, 99):.1f} ms",
            )
        )
        db_size = Path(tmp, "stellenatlas.db").stat().st_size
        rows.append(("SQLite file size", f"{db_size / args.count / 1024:.1f} KB per posting"))
        svc.close()

    print(f"| measurement ({datetime.now(UTC):%Y-%m-%d}, {args.count:,} sample postings) | result |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
