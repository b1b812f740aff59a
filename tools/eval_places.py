"""Evaluate the place resolver: self-resolution of every municipality name, the real-world variant table, speed.

Run: PYTHONPATH=. .venv/bin/python tools/eval_places.py [--failures N]

"Resolves to itself" means resolve_place(text).places == (that municipality,) exactly. Forms checked:
  bare      "<name>"                 only for names no other municipality shares (after folding)
  plz       "<seat PLZ> <name>"      municipalities whose name+seat-PLZ pair is unique (all have a seat PLZ)
  kreis     "<name>, <Kreis>"        municipalities whose name is unique within their Kreis
  land      "<name>, <Land>"         names unique within their Land
each for the display name and the official GV100 name ("Flensburg, Stadt").
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stellenatlas.domain.models import Place  # noqa: E402
from stellenatlas.normalize import places as resolver  # noqa: E402
from stellenatlas.normalize.text import fold  # noqa: E402
from stellenatlas.refdata import places as ref  # noqa: E402


def forms() -> dict[str, list[tuple[str, Place]]]:
    munis = list(ref.municipalities().values())
    official = ref.official_names()
    name_count = Counter(fold(p.name) for p in munis)
    land_count = Counter((fold(p.name), p.land_ags) for p in munis)
    plz_count = Counter((fold(p.name), p.plz) for p in munis)
    kreis_count = Counter((fold(p.name), p.kreis_ags) for p in munis)
    out: dict[str, list[tuple[str, Place]]] = {}
    for label, name_of in (
        ("display", lambda p: p.name),
        ("official", lambda p: official.get(p.ags, p.name)),
    ):
        out[f"bare/{label}"] = [(name_of(p), p) for p in munis if name_count[fold(p.name)] == 1]
        out[f"plz/{label}"] = [
            (f"{p.plz} {name_of(p)}", p) for p in munis if p.plz and plz_count[(fold(p.name), p.plz)] == 1
        ]
        out[f"kreis/{label}"] = [
            (f"{name_of(p)}, {p.kreis}", p) for p in munis if kreis_count[(fold(p.name), p.kreis_ags)] == 1
        ]
        out[f"land/{label}"] = [
            (f"{name_of(p)}, {p.land}", p) for p in munis if land_count[(fold(p.name), p.land_ags)] == 1
        ]
    return out


def self_resolution(
    cases: Iterable[tuple[str, Place]],
) -> tuple[int, int, list[tuple[str, Place, tuple[str, ...]]]]:
    ok = total = 0
    failures: list[tuple[str, Place, tuple[str, ...]]] = []
    for text, place in cases:
        total += 1
        got = resolver.resolve_place(text).ags
        if got == (place.ags,):
            ok += 1
        else:
            failures.append((text, place, got))
    return ok, total, failures


def throughput(texts: list[str], fn: Callable[[str], object], seconds: float = 1.0) -> float:
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for t in texts:
            fn(t)
        n += len(texts)
    return n / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--failures", type=int, default=5, help="failures to print per form")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    ref.municipalities()
    ref.by_plz("45879")
    ref.aliases()
    t_ref = time.perf_counter() - start
    resolver.resolve_place("Berlin")
    t_index = time.perf_counter() - start
    print(f"load: refdata {t_ref * 1000:.0f} ms, refdata + resolver index {t_index * 1000:.0f} ms")
    print(f"municipalities: {len(ref.municipalities())}, aliases: {len(ref.aliases())}")

    for label, cases in forms().items():
        ok, total, failures = self_resolution(cases)
        print(f"self-resolution {label:15} {ok:6}/{total:<6} {100 * ok / max(total, 1):6.2f} %")
        for text, place, got in failures[: args.failures]:
            names = [ref.municipalities()[a].name for a in got]
            print(f"    {text!r} -> {names} (want {place.name} {place.ags})")

    sys.path.insert(0, str(ROOT / "tests" / "normalize"))
    from test_places import VARIANTS  # the parametrized real-world table

    correct = 0
    for text, status, expected in VARIANTS:
        m = resolver.resolve_place(text)
        if m.status == status and m.ags == tuple(expected):
            correct += 1
        else:
            print(f"    variant miss: {text!r} -> {m.status} {m.ags} ({m.reason})")
    print(f"variant table: {correct}/{len(VARIANTS)} correct")

    typical = [text for text, _, _ in VARIANTS] + [f"{p.plz} {p.name}" for p in ref.cities_over(50_000)]
    cached = throughput(typical, resolver.resolve_place)
    uncached = throughput(typical, resolver._resolve)  # bypasses the lru_cache: worst case for new strings
    print(f"throughput ({len(typical)} typical inputs): {uncached:,.0f}/s uncached, {cached:,.0f}/s cached")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
