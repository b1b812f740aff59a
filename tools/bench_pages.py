"""Render time of occupation × city pages: N pages of the page list × R requests each, in process.

Reads the store of the current settings (STELLENATLAS_VAR_DIR etc.); run `stellenatlas insights refresh` first
so that the facts are precomputed, as in production. Prints p50/p95/p99/max in milliseconds.

    STELLENATLAS_VAR_DIR=/tmp/sa-demo python tools/bench_pages.py --pages 50 --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import time

from fastapi.testclient import TestClient

from stellenatlas.insights.pages import page_list
from stellenatlas.services import open_services
from stellenatlas.settings import load_settings
from stellenatlas.web.app import create_app


def percentile(values: list[float], q: float) -> float:
    data = sorted(values)
    return data[min(len(data) - 1, max(0, round(q * (len(data) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--suffix", default="", help='"" for HTML, ".json" or ".csv" for the twins')
    args = parser.parse_args()

    settings = load_settings()
    svc = open_services(settings)
    urls = [p["url"] + args.suffix for p in page_list(svc.store)[: args.pages]]
    svc.close()
    if not urls:
        raise SystemExit("Keine Berufsseiten: erst `stellenatlas insights refresh` ausführen.")
    client = TestClient(create_app(settings))
    client.get(urls[0])  # imports, reference data, template compilation: start-up, not page rendering
    times: list[float] = []
    for _ in range(args.repeat):
        for url in urls:
            start = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            if r.status_code != 200:
                raise SystemExit(f"{url}: HTTP {r.status_code}")
    print(
        f"{len(urls)} Seiten × {args.repeat} = {len(times)} Anfragen{args.suffix}: "
        f"p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
        f"p99 {percentile(times, 0.99):.1f} ms, max {max(times):.1f} ms"
    )


if __name__ == "__main__":
    main()
