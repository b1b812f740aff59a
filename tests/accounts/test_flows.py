"""Employer accounts end to end on a fresh app: real SQLite, real tantivy index, real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from stellenatlas.domain import PostingStatus
from stellenatlas.search.base import SearchQuery
from stellenatlas.store.schema_accounts import account_sessions, accounts, posting_reports
from stellenatlas.web import accounts_auth
from stellenatlas.web.accounts_auth import SESSION_COOKIE
from tests.accounts.conftest import new_client
from tests.accounts.helpers import (
    PASSWORD,
    csrf_token,
    job_form,
    login,
    make_admin,
    post_form,
    post_job,
    register_employer,
    token_of,
)

A_MAIL = "personal@stadtwerke-beispiel.de"


def search_ids(app: Any, text: str) -> list[int]:
    index = app.state.ctx.services.index
    index.reload()
    return [h.posting_id for h in index.search(SearchQuery(text=text, page_size=50)).hits]


def test_registration_needs_verified_mail_and_stores_only_hashes(app_and_inbox: tuple[Any, Any]) -> None:
    app, inbox = app_and_inbox
    client = new_client(app)
    data = {"firma": "Stadtwerke Beispiel GmbH", "email": A_MAIL, "passwort": PASSWORD, "passwort2": PASSWORD}
    r = post_form(
        client, "/arbeitgeber/registrieren", "/arbeitgeber/registrieren", {**data, "einwilligung": "ja"}
    )
    assert r.status_code == 200 and "E-Mail an" in r.text
    mail = inbox.last_to(A_MAIL)
    body = mail.get_payload(decode=True).decode()
    token = re.search(r"token=([A-Za-z0-9_\-]+)", body).group(1)  # type: ignore[union-attr]
    assert "http://127.0.0.1:8000/arbeitgeber/bestaetigen?token=" in body
    # before confirming: login refused even with the right password
    assert login(client, A_MAIL).status_code == 403
    # the link (GET) confirms nothing, only the button (POST) does
    page = client.get(f"/arbeitgeber/bestaetigen?token={token}")
    assert page.status_code == 200
    assert login(client, A_MAIL).status_code == 403
    r = client.post("/arbeitgeber/bestaetigen", data={"token": token, "csrf_token": token_of(page.text)})
    assert r.status_code == 200
    # single use
    r2 = client.post("/arbeitgeber/bestaetigen", data={"token": token, "csrf_token": token_of(page.text)})
    assert r2.status_code == 400
    assert client.get(f"/arbeitgeber/bestaetigen?token={token}").status_code == 400
    engine = app.state.ctx.services.engine
    with engine.connect() as conn:
        row = conn.execute(select(accounts).where(accounts.c.email_key == A_MAIL)).mappings().one()
        dump = " ".join(
            str(v)
            for t in ("account_tokens", "accounts")
            for r in conn.exec_driver_sql(f"select * from {t}")
            for v in r
        )
    assert row["password_hash"].startswith("$argon2id$") and PASSWORD not in dump and token not in dump
    r = login(client, A_MAIL)
    assert r.status_code == 303 and r.headers["location"] == "/arbeitgeber/konto"
    cookie = r.headers["set-cookie"]
    assert (
        cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    )
    assert "Secure" not in cookie  # base_url is http here
    with engine.connect() as conn:
        sid = cookie.split("=", 1)[1].split(";")[0]
        assert sid not in [r[0] for r in conn.execute(select(account_sessions.c.id_hash))]


def test_registering_an_existing_address_reveals_nothing(app_and_inbox: tuple[Any, Any]) -> None:
    app, inbox = app_and_inbox
    client = new_client(app)
    register_employer(client, inbox, "Stadtwerke Beispiel GmbH", A_MAIL)
    data = {"firma": "Andere Firma", "email": A_MAIL.upper(), "passwort": "x" * 14, "passwort2": "x" * 14}
    r = post_form(
        client, "/arbeitgeber/registrieren", "/arbeitgeber/registrieren", {**data, "einwilligung": "ja"}
    )
    assert r.status_code == 200 and "E-Mail an" in r.text
    assert "bereits ein Arbeitgeberkonto" in inbox.messages[-1].get_payload(decode=True).decode()
    assert login(client, A_MAIL, "x" * 14).status_code == 400  # the password was not replaced


def test_session_rotation_and_logout(app_and_inbox: tuple[Any, Any]) -> None:
    app, inbox = app_and_inbox
    client = new_client(app)
    register_employer(client, inbox, "Stadtwerke Beispiel GmbH", A_MAIL)
    fixated = new_client(app)
    fixated.cookies.set(SESSION_COOKIE, "vom-angreifer-gesetzte-sitzung", domain="testserver.local")
    assert login(fixated, A_MAIL).cookies[SESSION_COOKIE] != "vom-angreifer-gesetzte-sitzung"  # no fixation
    first = login(client, A_MAIL).cookies[SESSION_COOKIE]
    second = login(client, A_MAIL).cookies[SESSION_COOKIE]
    assert second != first
    stale = new_client(app)
    stale.cookies.set(SESSION_COOKIE, first)
    assert stale.get("/arbeitgeber/konto", follow_redirects=False).status_code == 303  # old id is dead
    thief = new_client(app)
    thief.cookies.set(SESSION_COOKIE, second)
    assert thief.get("/arbeitgeber/konto").status_code == 200
    r = client.post("/arbeitgeber/abmelden", data={"csrf_token": csrf_token(client)}, follow_redirects=False)
    assert r.status_code == 303 and f'{SESSION_COOKIE}=""' in r.headers["set-cookie"]
    assert thief.get("/arbeitgeber/konto", follow_redirects=False).status_code == 303
    assert client.get("/arbeitgeber/konto", follow_redirects=False).status_code == 303


def test_secure_cookie_when_base_url_is_https(tmp_path: Any, smtp: Any) -> None:
    from stellenatlas.web.app import create_app
    from tests.accounts.helpers import fresh_settings

    inbox, port = smtp
    app = create_app(fresh_settings(tmp_path, port, base_url="https://stellenatlas.example"))
    client = new_client(app)
    # the CSRF cookie is Secure too, so the client must speak https to send it back
    client.base_url = client.base_url.copy_with(scheme="https")  # type: ignore[assignment]
    register_employer(client, inbox, "Stadtwerke Beispiel GmbH", A_MAIL)
    r = login(client, A_MAIL)
    assert r.status_code == 303 and "; Secure" in r.headers["set-cookie"]


def test_login_rate_limit_per_account_and_per_ip(
    app_and_inbox: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, inbox = app_and_inbox
    client = new_client(app)
    register_employer(client, inbox, "Stadtwerke Beispiel GmbH", A_MAIL)
    for _ in range(5):
        assert login(client, A_MAIL, "falsches-passwort-123").status_code == 400
    blocked = login(client, A_MAIL)  # even the right password: the account is locked for the window
    assert blocked.status_code == 429 and "Zu viele Versuche" in blocked.text
    assert SESSION_COOKIE not in blocked.cookies
    # per client address: failures on any addresses count together
    other = new_client(app)
    register_employer(other, inbox, "Bäckerei Müller", "info@baeckerei-mueller.de")
    monkeypatch.setattr(accounts_auth, "LOGIN_MAX_PER_IP", 8)  # 5 failures above + 3 here
    for n in range(3):
        assert login(other, f"niemand{n}@beispiel.de", "falsches-passwort-123").status_code == 400
    assert login(other, "info@baeckerei-mueller.de").status_code == 429


def test_post_preview_moderate_publish_edit_end(app_and_inbox: tuple[Any, Any]) -> None:
    app, inbox = app_and_inbox
    store = app.state.ctx.services.store
    client = new_client(app)
    register_employer(client, inbox, "Stadtwerke Beispiel GmbH", A_MAIL)
    login(client, A_MAIL)
    # preview: place and occupation as the pipeline will see them; nothing stored
    r = post_form(client, "/arbeitgeber/stellen/neu", "/arbeitgeber/stellen/neu", job_form(aktion="vorschau"))
    assert r.status_code == 200 and "Gelsenkirchen (Gelsenkirchen, Nordrhein-Westfalen)" in r.text
    assert "KldB 43" in r.text and store.count_postings(status=None) == 0
    bad = post_form(
        client,
        "/arbeitgeber/stellen/neu",
        "/arbeitgeber/stellen/neu",
        job_form(gehalt_min="6.000", gehalt_max="5.000"),
    )
    assert bad.status_code == 400 and "Höchstgehalt" in bad.text and store.count_postings(status=None) == 0

    pid = post_job(client)
    posting = store.get_posting(pid)
    assert posting.status is PostingStatus.PENDING and posting.source == "arbeitgeber"
    assert posting.place_ags == ("05513000",) and posting.kldb.startswith("43")
    assert (posting.salary.min, posting.salary.max) == (4200.0, 5100.0)
    assert "<" not in posting.description and "• Erfahrung mit Jira" in posting.description
    assert new_client(app).get(f"/jobs/{pid}").status_code == 404  # pending is not public
    assert pid not in search_ids(app, "Projektkoordinator")
    assert store.count_postings() == 0

    admin = new_client(app)
    make_admin(app, "pruefung@stellenatlas.test")
    login(admin, "pruefung@stellenatlas.test")
    queue = admin.get("/admin/pruefung")
    assert queue.status_code == 200 and "IT-Projektkoordinator" in queue.text
    r = admin.post(
        f"/admin/pruefung/{pid}/freigeben", data={"csrf_token": token_of(queue.text)}, follow_redirects=False
    )
    assert r.status_code == 303 and store.get_posting(pid).status is PostingStatus.ACTIVE
    assert pid in search_ids(app, "Projektkoordinator")
    page = new_client(app).get(f"/jobs/{pid}")
    assert (
        page.status_code == 200
        and "<li>Erfahrung mit Jira</li>" in page.text
        and "Stelle melden" in page.text
    )

    # edit: an untrusted employer's edit goes back to review
    edit_url = f"/arbeitgeber/stellen/{pid}/bearbeiten"
    form = client.get(edit_url)
    assert form.status_code == 200 and "4.200" in form.text
    r = post_form(client, edit_url, edit_url, job_form(titel="IT-Projektkoordinatorin (m/w/d)"))
    assert r.status_code == 303
    assert store.get_posting(pid).title == "IT-Projektkoordinatorin (m/w/d)"
    assert store.get_posting(pid).status is PostingStatus.PENDING and pid not in search_ids(
        app, "Projektkoordinatorin"
    )
    admin.post(f"/admin/pruefung/{pid}/freigeben", data={"csrf_token": token_of(queue.text)})
    # end it
    r = client.post(
        f"/arbeitgeber/stellen/{pid}/beenden", data={"csrf_token": csrf_token(client)}, follow_redirects=False
    )
    assert r.status_code == 303 and store.get_posting(pid).status is PostingStatus.EXPIRED
    assert pid not in search_ids(app, "Projektkoordinatorin")
    assert client.get(edit_url).status_code == 409


def test_trust_after_three_releases_and_risky_text_still_reviewed(app_and_inbox: tuple[Any, Any]) -> None:
    app, inbox = app_and_inbox
    store = app.state.ctx.services.store
    client = new_client(app)
    register_employer(client, inbox, "Stadtwerke Beispiel GmbH", A_MAIL)
    login(client, A_MAIL)
    admin = new_client(app)
    make_admin(app, "pruefung@stellenatlas.test")
    login(admin, "pruefung@stellenatlas.test")
    titles = ["Elektroniker (m/w/d)", "Anlagenmechaniker SHK (m/w/d)", "Kaufmann für Büromanagement (m/w/d)"]
    for title in titles:
        pid = post_job(client, titel=title)
        assert store.get_posting(pid).status is PostingStatus.PENDING
        admin.post(f"/admin/pruefung/{pid}/freigeben", data={"csrf_token": csrf_token(admin)})
    pid = post_job(client, titel="Netzmonteur (m/w/d)")
    assert store.get_posting(pid).status is PostingStatus.ACTIVE  # trusted now
    scam = post_job(
        client,
        titel="Mitarbeiter Zahlungsverkehr (m/w/d)",
        beschreibung="Sie eröffnen ein Bankkonto per Video-Ident und leiten Geld an unsere Kunden weiter.",
        kontakt="zahlungsverkehr.jobs@gmail.com",
    )
    assert store.get_posting(scam).status is PostingStatus.PENDING
    queue = admin.get("/admin/pruefung").text
    assert (
        "Geld- oder Warentransfer" in queue
        and "Video-Ident" in queue
        and "zahlungsverkehr.jobs@gmail.com" in queue
    )
    # reject needs a reason
    r = admin.post(f"/admin/pruefung/{scam}/ablehnen", data={"csrf_token": csrf_token(admin), "grund": " "})
    assert r.status_code == 400 and store.get_posting(scam).status is PostingStatus.PENDING
    r = admin.post(
        f"/admin/pruefung/{scam}/ablehnen",
        data={"csrf_token": csrf_token(admin), "grund": "Finanzagenten-Masche"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and store.get_posting(scam).status is PostingStatus.REJECTED
    konto = client.get("/arbeitgeber/konto").text
    assert "Finanzagenten-Masche" in konto
    assert client.get(f"/arbeitgeber/stellen/{scam}/bearbeiten").status_code == 409


def test_report_and_take_down(app_and_inbox: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    app, inbox = app_and_inbox
    store = app.state.ctx.services.store
    employer = new_client(app)
    register_employer(employer, inbox, "Stadtwerke Beispiel GmbH", A_MAIL)
    login(employer, A_MAIL)
    repo = app.state.accounts_repo
    repo.update_account(
        repo.account_by_email(A_MAIL)["id"], approved_at=repo.account_by_email(A_MAIL)["created_at"]
    )
    pid = post_job(employer)
    assert store.get_posting(pid).status is PostingStatus.ACTIVE
    visitor = new_client(app)
    page = visitor.get(f"/jobs/{pid}")
    token = token_of(page.text)
    no_reason = visitor.post(
        f"/jobs/{pid}/melden", data={"csrf_token": token, "grund": "", "text": "komisch"}
    )
    assert no_reason.status_code == 400 and "Grund" in no_reason.text
    ok = visitor.post(
        f"/jobs/{pid}/melden", data={"csrf_token": token, "grund": "betrug", "text": "Verlangt Vorkasse"}
    )
    assert ok.status_code == 200
    engine = app.state.ctx.services.engine
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(posting_reports)).scalar_one() == 1
    monkeypatch.setattr("stellenatlas.web.admin_views.REPORT_MAX_PER_IP", 2)
    visitor.post(f"/jobs/{pid}/melden", data={"csrf_token": token, "grund": "spam"})
    assert visitor.post(f"/jobs/{pid}/melden", data={"csrf_token": token, "grund": "spam"}).status_code == 429
    admin = new_client(app)
    make_admin(app, "pruefung@stellenatlas.test")
    login(admin, "pruefung@stellenatlas.test")
    queue = admin.get("/admin/pruefung").text
    assert "Verlangt Vorkasse" in queue and "Betrugsverdacht" in queue
    r = admin.post(
        f"/admin/pruefung/{pid}/sperren",
        data={"csrf_token": token_of(queue), "grund": "Vorkassebetrug"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and store.get_posting(pid).status is PostingStatus.REJECTED
    assert visitor.get(f"/jobs/{pid}").status_code == 404 and pid not in search_ids(app, "Projektkoordinator")
    assert "Nichts zu prüfen" in admin.get("/admin/pruefung").text


@pytest.mark.parametrize(
    "path", ["/arbeitgeber/konto", "/admin/pruefung", "/arbeitgeber/stadtwerke-beispiel-gmbh"]
)
def test_pagination_caps(app_and_inbox: tuple[Any, Any], path: str) -> None:
    app, inbox = app_and_inbox
    employer = new_client(app)
    register_employer(employer, inbox, "Stadtwerke Beispiel GmbH", A_MAIL)
    client = employer
    if path.startswith("/admin"):
        make_admin(app, "pruefung@stellenatlas.test")
        client = new_client(app)
        login(client, "pruefung@stellenatlas.test")
    else:
        login(employer, A_MAIL)
    started = time.monotonic()
    assert client.get(f"{path}?page=1000000").status_code == 200
    assert time.monotonic() - started < 2
    for bad in ("10000000", "0", "-1", "zwei"):
        assert client.get(f"{path}?page={bad}").status_code == 400


def test_admin_cli_creates_an_admin(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from stellenatlas.cli.main import cli
    from stellenatlas.store import open_store
    from stellenatlas.store.accounts_repo import AccountsRepo

    monkeypatch.setenv("STELLENATLAS_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("STELLENATLAS_ADMIN_PASSWORD", PASSWORD)
    result = CliRunner().invoke(cli, ["admin", "create", "--email", "pruefung@stellenatlas.test"])
    assert result.exit_code == 0, result.output
    short = CliRunner().invoke(
        cli,
        ["admin", "create", "--email", "b@stellenatlas.test"],
        env={"STELLENATLAS_ADMIN_PASSWORD": "kurz"},
    )
    assert short.exit_code != 0 and "12" in short.output
    prompted = CliRunner().invoke(
        cli,
        ["admin", "create", "--email", "c@stellenatlas.test"],
        env={"STELLENATLAS_ADMIN_PASSWORD": ""},
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert prompted.exit_code == 0, prompted.output
    store = open_store(f"sqlite:///{tmp_path / 'stellenatlas.db'}")
    repo = AccountsRepo(store.engine)
    for address in ("pruefung@stellenatlas.test", "c@stellenatlas.test"):
        account = repo.account_by_email(address)
        assert account is not None and account["role"] == "admin" and account["verified_at"] is not None
    assert repo.account_by_email("b@stellenatlas.test") is None
    store.close()
