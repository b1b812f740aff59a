"""Agreement of `normalize()` with what the sample generator meant to write (RawPosting.extra).

Not an independent accuracy figure: generator and normalizers come from the same team and the generator's titles
are partly BA titles. It catches gross failures. See docs/quality.md ("How the generated-sample figures were
measured").

Run: `PYTHONPATH=. .venv/bin/python -m tools.eval_sample [N] [--seed S]`
"""

from __future__ import annotations

import argparse
from collections import Counter

from stellenatlas.normalize.occupation import prefetch_titles
from stellenatlas.normalize.pipeline import Rejected, normalize
from stellenatlas.sources.sample import generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=123)
    args = parser.parse_args(argv)
    raws = list(generate(args.n, seed=args.seed))
    prefetch_titles(r.title for r in raws)
    kldb = Counter[str]()
    attrs = Counter[tuple[str, bool]]()
    for raw in raws:
        try:
            posting = normalize(raw).posting
        except Rejected:
            kldb["rejected"] += 1
            continue
        want = raw.extra.get("kldb", "")
        if not posting.kldb:
            kldb["unclassified"] += 1
        elif posting.kldb == want:
            kldb["correct"] += 1
        else:
            kldb["other code"] += 1
        for name in ("working_time", "remote", "contract", "experience"):
            if name in raw.extra:
                got = getattr(posting, name)
                attrs[(name, str(getattr(got, "value", got)) == str(raw.extra[name]))] += 1
    n = len(raws)
    print(f"sample postings: {n} (seed {args.seed})")
    for key in ("correct", "unclassified", "other code", "rejected"):
        print(f"kldb {key}: {kldb[key]} ({kldb[key] / n:.1%})")
    for name in ("working_time", "remote", "contract", "experience"):
        total = attrs[(name, True)] + attrs[(name, False)]
        if total:
            print(f"{name} agrees: {attrs[(name, True)] / total:.1%} of {total}")


if __name__ == "__main__":
    main()
