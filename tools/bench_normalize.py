"""Throughput of the normalization chain on generated sample postings (one core, no profiler).

Usage: .venv/bin/python -m tools.bench_normalize [N] [--repeat K]

`run(n)` returns postings/s of the full `normalize()` plus the mean µs per posting of each stage, measured
stage by stage over the same inputs the pipeline feeds them. Postings are generated before the clock starts:
the generator is not part of the chain. One warm-up pass over a slice fills lazy caches (compiled patterns,
place index, occupation model) so the figure is the steady state an ingest run sees.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from stellenatlas.domain.models import RawPosting
from stellenatlas.normalize import attributes
from stellenatlas.normalize.occupation import classify_title, default_classifier, prefetch_titles
from stellenatlas.normalize.pipeline import MAX_DESCRIPTION, Rejected, normalize
from stellenatlas.normalize.places import resolve_place
from stellenatlas.normalize.salary import parse_salary
from stellenatlas.sources.sample import generate

SEED = 42


def _stage_inputs(raw: RawPosting) -> dict[str, Any]:
    # Mirrors the argument building in pipeline.normalize so each stage sees what it sees there.
    title = " ".join(raw.title.split())
    description = raw.description[:MAX_DESCRIPTION]
    return {
        "raw": raw,
        "title": title,
        "description": description,
        "salary_in": raw.salary_text or description,
        "text": f"{title}\n{raw.working_time_text}\n{raw.location}\n{description}",
    }


STAGES: dict[str, Callable[[dict[str, Any]], object]] = {
    "payload_hash": lambda x: x["raw"].payload_hash(),
    "resolve_place": lambda x: resolve_place(x["raw"].location),
    "classify_title": lambda x: classify_title(x["title"], x["description"]),
    "parse_salary": lambda x: parse_salary(x["salary_in"]),
    "remote": lambda x: attributes.remote(x["text"]),
    "working_time": lambda x: attributes.working_time(x["text"]),
    "contract": lambda x: attributes.contract(x["text"]),
    "experience": lambda x: attributes.experience(x["title"], x["text"]),
    "skills": lambda x: attributes.skills(x["text"]),
    "education": lambda x: attributes.education(x["text"]),
    "career_changer": lambda x: attributes.career_changer(x["text"]),
}


def run(n: int = 5000, seed: int = SEED, *, new_titles: bool = False, batch: int = 0) -> dict[str, Any]:
    """Postings/s of `normalize()` over `generate(n, seed)` and mean µs per posting of each stage.

    `new_titles`: the process is warmed on other postings first, then the title classifier forgets every
    title, so each distinct title of the timed run is classified the first time (as in a feed of titles never
    seen before; repeats within the run still hit the cache, as they would in an ingest). `batch`: the titles
    of every `batch` postings are classified together first (`prefetch_titles`), as the ingest runner does
    per chunk of 2,000; 0 = one posting at a time."""
    raws = list(generate(n, seed))
    warm = list(generate(2000, seed + 100)) if new_titles else raws[:50]
    for raw in warm:
        with contextlib.suppress(Rejected):
            normalize(raw)
    if new_titles:
        default_classifier().forget()
    t0 = time.perf_counter()
    c0 = time.process_time()  # CPU time: on a shared machine wall time also counts waiting for a core
    rejected = 0
    for start in range(0, len(raws), batch or len(raws)):
        chunk = raws[start : start + batch] if batch else raws
        if batch:
            prefetch_titles(raw.title for raw in chunk)
        for raw in chunk:
            try:
                normalize(raw)
            except Rejected:
                rejected += 1
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    # Other postings than the timed run, so no stage reads a result the full run left in a cache.
    inputs = [_stage_inputs(r) for r in generate(n, seed + 1)]
    stages_us: dict[str, float] = {}
    for name, fn in STAGES.items():
        s0 = time.perf_counter()
        for x in inputs:
            fn(x)
        stages_us[name] = round((time.perf_counter() - s0) / n * 1e6, 1)
    return {
        "n": n,
        "seconds": round(elapsed, 3),
        "postings_per_s": round(n / elapsed, 1),
        "postings_per_cpu_s": round(n / cpu, 1),
        "rejected": rejected,
        "stage_us": stages_us,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--new-titles", action="store_true", help="every title classified the first time")
    ap.add_argument("--batch", type=int, default=0, help="classify titles per batch of N (ingest: 2000)")
    args = ap.parse_args(argv)
    rates = []
    for _ in range(args.repeat):
        res = run(args.n, new_titles=args.new_titles, batch=args.batch)
        rates.append(res["postings_per_s"])
        print(
            f"normalize(): {res['postings_per_s']:.0f} postings/s wall, {res['postings_per_cpu_s']:.0f} per CPU-s"
            f" ({res['n']} in {res['seconds']} s)"
        )
        for name, us in sorted(res["stage_us"].items(), key=lambda kv: -kv[1]):
            print(f"  {name:<15} {us:8.1f} µs")
    if args.repeat > 1:
        print(f"median over {args.repeat}: {statistics.median(rates):.0f} postings/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
