"""Command line: `stellenatlas <noun> <verb>`, thin over the library."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime, time
from functools import wraps
from typing import Any, TypeVar

import click

from stellenatlas.settings import SETTINGS, SettingsError, load_settings

F = TypeVar("F", bound=Callable[..., Any])


def _services() -> Any:
    from stellenatlas.services import open_services

    try:
        return open_services(load_settings())
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def friendly(func: F) -> F:
    """Turn expected failures into one clear line instead of a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import OperationalError, ProgrammingError

        from stellenatlas.search.tantivy_index import IndexSchemaError

        try:
            return func(*args, **kwargs)
        except (OperationalError, ProgrammingError) as exc:
            msg = str(exc.orig) if getattr(exc, "orig", None) else str(exc)
            raise click.ClickException(
                f"Datenbankfehler: {msg.splitlines()[0]} – wurde `stellenatlas db upgrade` ausgeführt?"
            ) from None
        except (OSError, ValueError, IndexSchemaError) as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper  # type: ignore[return-value]


@click.group(
    help="stellenatlas – offener Stellenmarkt für Deutschland.\n\n"
    "Settings come from STELLENATLAS_* environment variables (see `stellenatlas settings`)."
)
@click.option("-v", "--verbose", is_flag=True, help="Log progress to stderr.")
def cli(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )


@cli.command("settings")
def settings_cmd() -> None:
    """Show every setting with its current value and help.

    Example: STELLENATLAS_PORT=8080 stellenatlas settings
    """
    try:
        current = load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    for s in SETTINGS:
        click.echo(f"STELLENATLAS_{s.name.upper()}={getattr(current, s.name)}\n    {s.help}")


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@friendly
def db_upgrade() -> None:
    """Create or migrate the database schema and load the reference data (municipalities, KldB).

    Example: stellenatlas db upgrade
    """
    from stellenatlas.refdata import occupations as refocc
    from stellenatlas.refdata import places as refplaces
    from stellenatlas.store import seed_reference
    from stellenatlas.store.db import upgrade

    svc = _services()
    upgrade(svc.engine)
    n_places, n_occ = seed_reference(
        svc.store, refplaces.municipalities().values(), refocc.all_occupations().values()
    )
    click.echo(
        f"Datenbank aktuell ({svc.settings.database_url}); {n_places} Gemeinden, {n_occ} Berufe geladen."
    )


@cli.group()
def ingest() -> None:
    """Load postings from a source."""


@ingest.command("sample")
@click.option(
    "--count",
    default=20000,
    show_default=True,
    type=click.IntRange(1, 2_000_000),
    help="Number of generated postings.",
)
@click.option(
    "--seed", default=42, show_default=True, type=int, help="Random seed (same seed, same postings)."
)
@click.option(
    "--date",
    "as_of",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Date the postings as if today were this day (default: today). Same date, same postings.",
)
@friendly
def ingest_sample(count: int, seed: int, as_of: datetime | None) -> None:
    """Generate and ingest the sample postings ("Beispieldaten"), dated relative to today.

    Example: stellenatlas ingest sample --count 20000
    """
    from stellenatlas.sources import sample
    from stellenatlas.sources.ingest import ingest as run_ingest

    day = as_of.date() if as_of else datetime.now(UTC).date()
    now = datetime.combine(day, time(8, 0), tzinfo=UTC)
    svc = _services()
    with click.progressbar(length=count, label="Beispieldaten", file=sys.stderr) as bar:
        report = run_ingest(
            sample.generate(count, seed, now=now),
            svc.store,
            svc.index,
            source="sample",
            full_sync=True,
            progress=bar.update,
            now=now,
            page_min_sample=svc.settings.min_salary_sample,
        )
    click.echo(report.summary())


@cli.group()
def index() -> None:
    """Search index."""


@index.command("rebuild")
@click.option(
    "--if-outdated",
    is_flag=True,
    help="Only when the index on disk was built by an older version; else nothing.",
)
@friendly
def index_rebuild(if_outdated: bool) -> None:
    """Build a fresh search index from the store beside the old one and swap it in atomically.

    Example: stellenatlas index rebuild

    Example: stellenatlas index rebuild --if-outdated (what make demo runs before its ingest)
    """
    from stellenatlas.refdata import places as refplaces
    from stellenatlas.search.base import doc_from_posting
    from stellenatlas.search.tantivy_index import IndexSchemaError, rebuild

    svc = _services()
    if if_outdated:
        try:
            current = svc.index
        except IndexSchemaError:
            pass
        else:
            click.echo(f"Suchindex aktuell: {current.count()} Stellen ({svc.settings.index_dir}).")
            return
    municipalities = refplaces.municipalities()
    docs = (
        doc_from_posting(p, municipalities)
        for p in svc.store.iter_postings(status="aktiv")
        if p.duplicate_of is None  # search shows each job once
    )
    fresh = rebuild(docs, svc.settings.index_dir)
    click.echo(f"Suchindex neu aufgebaut: {fresh.count()} Stellen ({svc.settings.index_dir}).")


@cli.group()
def dedup() -> None:
    """Near-duplicate postings across sources."""


@dedup.command("run")
@friendly
def dedup_run() -> None:
    """Recompute all duplicate links over the active postings (ingest links new postings as they come).

    Example: stellenatlas dedup run
    """
    from stellenatlas.sources.ingest import index_postings
    from stellenatlas.store.dedup_run import dedup_all

    svc = _services()
    report = dedup_all(svc.store)
    changed = [pid for pid, _ in report.changes]
    if changed:
        index_postings(svc.index, svc.store.get_postings(changed))
        svc.index.commit()
    click.echo(report.summary())


@cli.group()
def insights() -> None:
    """Precomputed statistics."""


@insights.command("refresh")
@click.option(
    "--min-postings",
    default=5,
    show_default=True,
    type=click.IntRange(1),
    help="Only occupation × city pairs with at least this many postings in 12 months get a page.",
)
@click.option(
    "--pages/--no-pages",
    default=True,
    show_default=True,
    help="Also precompute the facts of every listed page (what the page reads when it is requested).",
)
@friendly
def insights_refresh(min_postings: int, pages: bool) -> None:
    """Recompute the list of occupation × city pages with enough data (home page, sitemap) and the precomputed
    facts of each of these pages.

    Example: stellenatlas insights refresh --min-postings 5
    """
    import time

    from stellenatlas.insights.pages import refresh_page_list
    from stellenatlas.insights.precompute import refresh_all_pages

    svc = _services()
    started = time.monotonic()
    n = refresh_page_list(svc.store, min_postings=min_postings)
    click.echo(f"{n} Berufsseiten mit mindestens {min_postings} Stellen.")
    if pages:
        done = refresh_all_pages(svc.store, min_sample=svc.settings.min_salary_sample)
        click.echo(f"Kennzahlen für {done} Seiten vorberechnet ({time.monotonic() - started:.1f} s).")


@cli.command("serve")
@click.option("--host", default=None, help="Bind address (default from STELLENATLAS_HOST).")
@click.option(
    "--port", default=None, type=click.IntRange(1, 65535), help="Port (default from STELLENATLAS_PORT)."
)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 16))
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the web site.

    Example: stellenatlas serve --port 8000
    """
    from stellenatlas.web.server import serve as run_server

    try:
        settings = load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    host = host or settings.host
    port = port or settings.port
    click.echo(f"stellenatlas läuft auf http://{host}:{port}")
    run_server(host, port, workers)


@cli.command("page")
@click.argument("occupation")
@click.argument("city")
@friendly
def page(occupation: str, city: str) -> None:
    """Print the occupation × city page as text.

    Example: stellenatlas page "IT Projektkoordinator" Gelsenkirchen
    """
    from stellenatlas.insights.pages import PageNotFound, find_page, render_text

    svc = _services()
    try:
        ref = find_page(occupation, city)
    except PageNotFound as exc:
        raise click.ClickException(exc.message_with_suggestions()) from None
    facts = ref.facts(svc.store, min_sample=svc.settings.min_salary_sample)
    click.echo(render_text(facts))


from stellenatlas.cli.sources import register as _register_sources  # noqa: E402

_register_sources(ingest)
from stellenatlas.cli.alerts import register as _register_alerts  # noqa: E402

_register_alerts(cli)

from stellenatlas.cli.admin import admin as _admin  # noqa: E402

cli.add_command(_admin)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
