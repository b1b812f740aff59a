"""`stellenatlas ingest ba|jsonld|feed`: the real sources on the command line.

Registered on main.py's `ingest` group via `register(ingest)`; imports of the heavy parts happen inside the
commands so that `stellenatlas --help` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


class _Ticker:
    """Progress on stderr for runs whose length is unknown up front: a counter line, updated in place."""

    def __init__(self, label: str, every: int = 25) -> None:
        self.label = label
        self.count = 0
        self.every = every
        self.tty = sys.stderr.isatty()

    def __call__(self, n: int = 1) -> None:
        self.count += n
        if self.tty:
            click.echo(f"\r{self.label}: {self.count}", nl=False, err=True)
        elif self.count % self.every == 0:
            click.echo(f"{self.label}: {self.count}", err=True)

    def done(self) -> None:
        if self.tty and self.count:
            click.echo("", err=True)


def register(ingest_group: click.Group) -> None:
    from stellenatlas.cli.main import _services, friendly

    def fetch_errors(func: Callable[..., Any]) -> Callable[..., Any]:
        """Network failures become one clear line (they carry German + English text already)."""

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            from stellenatlas.sources.feeds.parse import FeedError
            from stellenatlas.sources.http import FetchError

            try:
                return func(*args, **kwargs)
            except (FetchError, FeedError) as exc:
                raise click.ClickException(str(exc)) from None

        wrapper.__name__ = func.__name__
        wrapper.__doc__ = func.__doc__
        return wrapper

    @ingest_group.command("ba")
    @click.option("--was", default="", help="Suchbegriff (Beruf, Titel), z. B. Pflegefachkraft.")
    @click.option("--wo", default="", help="Ort oder PLZ, z. B. Gelsenkirchen.")
    @click.option("--umkreis", type=click.IntRange(0, 200), default=None, help="Umkreis in km um --wo.")
    @click.option(
        "--seit",
        "seit",
        type=click.IntRange(0, 100),
        default=None,
        help="Nur Stellen der letzten TAGE (inkrementell).",
    )
    @click.option("--max", "max_results", type=click.IntRange(1), default=None, help="Höchstens N Stellen.")
    @click.option("--arbeitszeit", default=None, help="vz, tz, snw, ho, mj (mehrere mit ;).")
    @click.option(
        "--angebotsart",
        type=click.Choice(["1", "2", "4", "34"]),
        default=None,
        help="1 Arbeit, 2 Selbständigkeit, 4 Ausbildung, 34 Praktikum.",
    )
    @click.option(
        "--ohne-details", is_flag=True, help="Keine Detailabrufe (schneller, ohne Beschreibungstext)."
    )
    @click.option(
        "--vollabgleich",
        is_flag=True,
        help="Nicht mehr gelistete BA-Stellen als abgelaufen markieren (nur bei vollständigem Abruf).",
    )
    @click.option(
        "--pause",
        type=click.FloatRange(0.0, 60.0),
        default=0.3,
        show_default=True,
        help="Sekunden zwischen zwei Anfragen.",
    )
    @friendly
    @fetch_errors
    def ingest_ba(
        was: str,
        wo: str,
        umkreis: int | None,
        seit: int | None,
        max_results: int | None,
        arbeitszeit: str | None,
        angebotsart: str | None,
        ohne_details: bool,
        vollabgleich: bool,
        pause: float,
    ) -> None:
        """Stellen der Bundesagentur für Arbeit (Jobsuche-API) laden.

        Example: stellenatlas ingest ba --was Pflegefachkraft --wo Gelsenkirchen --umkreis 25 --seit 7
        """
        from stellenatlas.sources.ba import BaClient, BaQuery, sync_ba
        from stellenatlas.sources.http import HttpClient

        svc = _services()
        query = BaQuery(
            was=was,
            wo=wo,
            umkreis=umkreis,
            veroeffentlichtseit=seit,
            arbeitszeit=arbeitszeit,
            angebotsart=angebotsart,
        )
        ticker = _Ticker("BA-Stellen")
        with HttpClient(min_interval=pause) as http:
            result = sync_ba(
                BaClient(http),
                svc.store,
                svc.index,
                query,
                full_sync=vollabgleich,
                with_details=not ohne_details,
                max_results=max_results,
                progress=ticker,
                page_min_sample=svc.settings.min_salary_sample,
            )
        ticker.done()
        click.echo(result.summary())

    @ingest_group.command("jsonld")
    @click.argument("urls", nargs=-1)
    @click.option("--sitemap", default=None, help="sitemap.xml (oder Sitemap-Index) mit den Stellenseiten.")
    @click.option("--max-seiten", type=click.IntRange(1, 100_000), default=1000, show_default=True)
    @friendly
    @fetch_errors
    def ingest_jsonld(urls: tuple[str, ...], sitemap: str | None, max_seiten: int) -> None:
        """Stellen (schema.org JobPosting) von Karriereseiten laden; robots.txt wird beachtet.

        Example: stellenatlas ingest jsonld https://karriere.example.de/stellen/123 --sitemap https://karriere.example.de/sitemap.xml
        """
        from stellenatlas.sources.http import HttpClient
        from stellenatlas.sources.ingest import ingest as run_ingest
        from stellenatlas.sources.jsonld import SOURCE, JsonLdCrawler

        if not urls and not sitemap:
            raise click.UsageError("URL(s) oder --sitemap angeben.")
        svc = _services()
        ticker = _Ticker("Seiten")
        with HttpClient() as http:
            crawler = JsonLdCrawler(http)
            # one source "jsonld" spans many sites, so a crawl of some never expires the others' postings;
            # career-page postings end by validThrough (the runner expires those) or by a later BA/feed sync
            raws = crawler.crawl(urls, sitemap=sitemap, max_pages=max_seiten, on_page=ticker)
            report = run_ingest(
                raws,
                svc.store,
                svc.index,
                source=SOURCE,
                full_sync=False,
                page_min_sample=svc.settings.min_salary_sample,
            )
        ticker.done()
        click.echo(crawler.stats.summary())
        click.echo(report.summary())

    @ingest_group.command("feed")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["xml", "csv", "jsonl"]),
        default=None,
        help="Sonst an Endung/Inhalt erkannt.",
    )
    @click.option("--name", default=None, help="Name des Feeds (Quelle feed:<name>); sonst der Dateiname.")
    @click.option(
        "--teilweise", is_flag=True, help="Datei ist kein Gesamtbestand: fehlende Stellen nicht beenden."
    )
    @click.option(
        "--max-fehlerquote",
        type=click.FloatRange(0.0, 1.0),
        default=0.5,
        show_default=True,
        help="Mehr fehlerhafte Einträge: nichts importieren.",
    )
    @friendly
    @fetch_errors
    def ingest_feed(
        file: Path, fmt: str | None, name: str | None, teilweise: bool, max_fehlerquote: float
    ) -> None:
        """Stellen aus einer Feed-Datei (XML, CSV, JSON Lines) laden – ganz oder gar nicht.

        Example: stellenatlas ingest feed stellen.xml --name stadtwerke
        """
        from stellenatlas.sources.feeds import import_feed

        svc = _services()
        with click.progressbar(length=1, label=f"Feed {file.name}", file=sys.stderr) as bar:
            parsed, report = import_feed(
                file,
                svc.store,
                svc.index,
                name=name,
                fmt=fmt,
                full_sync=not teilweise,
                max_error_share=max_fehlerquote,
                progress=lambda n: bar.update(1),
                page_min_sample=svc.settings.min_salary_sample,
            )
        click.echo(parsed.report())
        click.echo(report.summary())
