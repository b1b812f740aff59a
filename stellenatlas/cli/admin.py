"""`stellenatlas admin create --email ...`: create (or promote) a moderator account for /admin/pruefung."""

from __future__ import annotations

import os

import click


@click.group("admin", help="Konten für die Moderation (Prüfschlange /admin/pruefung).")
def admin() -> None:
    pass


@admin.command("create")
@click.option("--email", required=True, help="E-Mail-Adresse, mit der sich die Person anmeldet.")
@click.option(
    "--password-env",
    default="STELLENATLAS_ADMIN_PASSWORD",
    show_default=True,
    help="Umgebungsvariable mit dem Passwort; ist sie leer, wird das Passwort abgefragt.",
)
def create(email: str, password_env: str) -> None:
    """Create an admin account (verified, role "admin"); an existing account with this address is promoted and
    gets the new password.

    Example: STELLENATLAS_ADMIN_PASSWORD=... stellenatlas admin create --email pruefung@example.org
    """
    from stellenatlas.accounts.forms import valid_email
    from stellenatlas.accounts.secrets import MAX_PASSWORD, MIN_PASSWORD, hash_password
    from stellenatlas.settings import SettingsError, load_settings
    from stellenatlas.store import open_store
    from stellenatlas.store.accounts_repo import AccountsRepo, EmailTaken

    email = email.strip()
    if not valid_email(email):
        raise click.ClickException(f"„{email}“ ist keine gültige E-Mail-Adresse.")
    password = os.environ.get(password_env, "")
    if not password:
        password = click.prompt("Passwort", hide_input=True, confirmation_prompt="Passwort wiederholen")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise click.ClickException(f"Das Passwort muss {MIN_PASSWORD} bis {MAX_PASSWORD} Zeichen lang sein.")
    try:
        settings = load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
    store = open_store(settings.database_url)
    repo = AccountsRepo(store.engine)
    hashed = hash_password(password)
    try:
        repo.create_account(email=email, password_hash=hashed, role="admin", verified=True)
        click.echo(f"Admin-Konto {email} angelegt.")
    except EmailTaken:
        existing = repo.account_by_email(email)
        assert existing is not None
        from datetime import UTC, datetime

        repo.update_account(
            existing["id"],
            role="admin",
            password_hash=hashed,
            verified_at=existing["verified_at"] or datetime.now(UTC),
        )
        click.echo(f"Konto {email} ist jetzt Admin (Passwort neu gesetzt).")
    finally:
        store.close()
