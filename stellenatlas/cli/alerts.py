"""`stellenatlas alerts run`: send the due job-alert digests (cron: daily, e.g. `0 7 * * *`).

Registered on the CLI group by `register(cli)` at the end of main.py.
"""

from __future__ import annotations

from datetime import UTC, datetime

import click


def _parse_now(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} ist kein Zeitpunkt – Beispiel: 2026-11-26T07:00 oder 2026-11-26T07:00+01:00"
        ) from None
    # a time without zone is taken as UTC: the worker's windows are UTC throughout
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def register(cli: click.Group) -> None:
    from stellenatlas.cli.main import _services, friendly

    @cli.group()
    def alerts() -> None:
        """Job alerts by e-mail (Jobalarm)."""

    @alerts.command("run")
    @click.option(
        "--frequency",
        type=click.Choice(["daily", "weekly"]),
        default=None,
        help="Only alerts of this frequency (default: all; each runs when its period is over).",
    )
    @click.option(
        "--now", "now_text", default=None, help="Run as if it were this time (ISO 8601; default: now)."
    )
    @friendly
    def alerts_run(frequency: str | None, now_text: str | None) -> None:
        """Send one digest per due alert with the matching postings that are new since its last run.

        Mail goes out as set by STELLENATLAS_MAILER (default "file": .eml files in <var_dir>/mail).

        Example: stellenatlas alerts run --frequency daily
        """
        from stellenatlas.alerts.mailer import mailer_from_settings
        from stellenatlas.alerts.worker import run_alerts
        from stellenatlas.settings import secret_key

        now = _parse_now(now_text)
        svc = _services()
        report = run_alerts(
            svc,
            mailer=mailer_from_settings(svc.settings),
            secret=secret_key(svc.settings),
            now=now,
            frequency=frequency,
        )
        click.echo(report.summary())
        if report.failed:
            raise click.ClickException(
                f"{report.failed} Digest(s) nicht zugestellt – siehe Log; nächster Lauf wiederholt sie."
            )
