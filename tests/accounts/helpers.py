"""Shared steps for the account tests: a fresh app with its own database, a real SMTP server on loopback,
and the browser-like flows (GET a form, read its CSRF token, POST it)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from stellenatlas.accounts.secrets import hash_password
from stellenatlas.settings import Settings, load_settings
from stellenatlas.store.accounts_repo import AccountsRepo
from tests.support import Inbox, free_port, smtp_server  # noqa: F401  (re-exported for the account tests)

PASSWORD = "Sommer-Gelsenkirchen-2026"
_TOKEN = re.compile(r'name="csrf_token" value="([A-Za-z0-9_\-]+)"')


def fresh_settings(tmp_path: Path, smtp_port: int, **overrides: Any) -> Settings:
    from stellenatlas.services import open_services
    from stellenatlas.store.db import upgrade

    settings = load_settings(
        env={}, var_dir=str(tmp_path), mailer="smtp", smtp_host="127.0.0.1", smtp_port=smtp_port, **overrides
    )
    svc = open_services(settings)
    upgrade(svc.engine)
    svc.close()
    return settings


def token_of(html: str) -> str:
    m = _TOKEN.search(html)
    assert m, "form without csrf_token"
    return m.group(1)


def post_form(client: TestClient, form_url: str, action: str, data: dict[str, str]) -> Any:
    """GET the page with the form (sets the CSRF cookie), then POST the form with its token."""
    page = client.get(form_url)
    assert page.status_code == 200, (form_url, page.status_code)
    return client.post(action, data={**data, "csrf_token": token_of(page.text)}, follow_redirects=False)


def csrf_token(client: TestClient) -> str:
    """A token valid for this client's cookie (any page renders it; the login form is public)."""
    return token_of(client.get("/arbeitgeber/anmelden").text)


def verification_token(inbox: Inbox, address: str) -> str:
    body = inbox.last_to(address).get_payload(decode=True).decode()  # type: ignore[union-attr]
    m = re.search(r"/arbeitgeber/bestaetigen\?token=([A-Za-z0-9_\-]+)", body)
    assert m, body
    return m.group(1)


def register_employer(client: TestClient, inbox: Inbox, company: str, address: str) -> None:
    data = {
        "firma": company,
        "email": address,
        "passwort": PASSWORD,
        "passwort2": PASSWORD,
        "einwilligung": "ja",
    }
    r = post_form(client, "/arbeitgeber/registrieren", "/arbeitgeber/registrieren", data)
    assert r.status_code == 200, r.text
    token = verification_token(inbox, address)
    r = post_form(
        client, f"/arbeitgeber/bestaetigen?token={token}", "/arbeitgeber/bestaetigen", {"token": token}
    )
    assert r.status_code == 200 and "bestätigt" in r.text, r.text


def login(client: TestClient, address: str, password: str = PASSWORD) -> Any:
    return post_form(
        client, "/arbeitgeber/anmelden", "/arbeitgeber/anmelden", {"email": address, "passwort": password}
    )


def make_admin(app: FastAPI, address: str) -> int:
    repo: AccountsRepo = app.state.accounts_repo
    return repo.create_account(
        email=address, password_hash=hash_password(PASSWORD), role="admin", verified=True
    )


def job_form(**changes: str) -> dict[str, str]:
    data = {
        "titel": "IT-Projektkoordinator (m/w/d)",
        "ort": "45879 Gelsenkirchen",
        "beschreibung": "<p>Wir suchen Sie zur Koordination unserer <strong>IT-Projekte</strong>.</p>"
        "<ul><li>Abgeschlossenes Studium der Informatik</li><li>Erfahrung mit Jira</li></ul>",
        "kontakt": "bewerbung@stadtwerke-beispiel.de",
        "gehalt_min": "4.200",
        "gehalt_max": "5.100",
        "gehalt_zeitraum": "monat",
        "arbeitszeit": "vollzeit",
        "bewerbung_bis": "",
        "aktion": "speichern",
    }
    data.update(changes)
    return data


def post_job(client: TestClient, **changes: str) -> int:
    """Post a job as the logged-in employer; returns the new posting id."""
    r = post_form(client, "/arbeitgeber/stellen/neu", "/arbeitgeber/stellen/neu", job_form(**changes))
    assert r.status_code == 303, r.text
    m = re.search(r"gespeichert=(\d+)", r.headers["location"])
    assert m, r.headers["location"]
    return int(m.group(1))
