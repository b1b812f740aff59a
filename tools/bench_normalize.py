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
from stellenatlas.normalize.occupation import classify_title
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
        "text": f"{title}\n{raw.working_time_text}\n{description}",
        "remote_text": f"{title}\n{raw.location}\n{description}",
    }


STAGES: dict[str, Callable[[dict[str, Any]], object]] = {
    "payload_hash": lambda x: x["raw"].payload_hash(),
    "resolve_place": lambda x: resolve_place(x["raw"].location),
    "classify_title": lambda x: classify_title(x["title"], x["description"]),
    "parse_salary": lambda x: parse_salary(x["salary_in"]),
    "remote": lambda x: attributes.remote(x["remote_text"]),
    "working_time": lambda x: attributes.working_time(x["text"]),
    "contract": lambda x: attributes.contract(x["text"]),
    "experience": lambda x: attributes.experience(x["title"], x["description"]),
    "skills": lambda x: attributes.skills(x["text"]),
    "education": lambda x: attributes.education(x["text"]),
    "career_changer": lambda x: attributes.career_changer(x["text"]),
}


def run(n: int = 5000, seed: int = SEED) -> dict[str, Any]:
    """Postings/s of `normalize()` over `generate(n, seed)` and mean µs per posting of each stage."""
    raws = list(generate(n, seed))
    for raw in raws[:50]:  # warm-up
        with contextlib.suppress(Rejected):
            normalize(raw)
    t0 = time.perf_counter()
    c0 = time.process_time()  # CPU time: on a shared machine wall time also counts waiting for a core
    rejected = 0
    for raw in raws:
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
    args = ap.parse_args(argv)
    rates = []
    for _ in range(args.repeat):
        res = run(args.n)
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
