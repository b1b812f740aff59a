"""Full-page screenshot of an occupation × city page from a running stellenatlas server (Debian chromium).

Build the demo data first (20,000 generated postings), start the server, then run this script:

    export STELLENATLAS_VAR_DIR=/tmp/sa-demo
    stellenatlas db upgrade && stellenatlas ingest sample --count 20000
    stellenatlas index rebuild && stellenatlas insights refresh
    stellenatlas serve --port 8015 &
    python tools/screenshot.py --base http://127.0.0.1:8015 \\
        --path /beruf/it-projektkoordinator/gelsenkirchen \\
        --out docs/screenshots/beruf-it-projektkoordinator-gelsenkirchen.png
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def screenshot(
    url: str, out: Path, width: int = 1200, clip_top: int | None = None, clip_height: int = 0
) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--hide-scrollbars"],
        )
        page = browser.new_page(viewport={"width": width, "height": 900})
        response = page.goto(url)
        if response is None or response.status != 200:
            raise SystemExit(f"{url}: HTTP {response.status if response else 'keine Antwort'}")
        out.parent.mkdir(parents=True, exist_ok=True)
        if clip_top is None:
            page.screenshot(path=str(out), full_page=True)
        else:
            page.screenshot(
                path=str(out),
                full_page=True,
                clip={"x": 0, "y": clip_top, "width": width, "height": clip_height},
            )
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="http://127.0.0.1:8015")
    parser.add_argument("--path", default="/beruf/it-projektkoordinator/gelsenkirchen")
    parser.add_argument("--out", default="docs/screenshots/beruf-it-projektkoordinator-gelsenkirchen.png")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--clip-top", type=int, default=None, help="only a band of the page (for review)")
    parser.add_argument("--clip-height", type=int, default=2000)
    args = parser.parse_args()
    screenshot(args.base + args.path, Path(args.out), args.width, args.clip_top, args.clip_height)
    print(args.out)


if __name__ == "__main__":
    main()
