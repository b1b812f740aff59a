"""Job alerts end to end over HTTP, with a real SMTP server (aiosmtpd) on loopback and the real CLI worker."""
# ruff: noqa: F811  (pytest fixtures are imported from tests/alerts/support.py and requested by name)

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from stellenatlas.cli.main import cli
from stellenatlas.services import Services
from stellenatlas.settings import Settings
from stellenatlas.store.schema_alerts import alert_mails, alert_sent, alert_tokens, alerts
from tests.alerts.support import (  # noqa: F401  (fixtures)
    Inbox,
    alert_settings,
    app_client,
    ingest_now,
    raw,
    services,
    smtp,
)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ATOM = "{http://www.w3.org/2005/Atom}"
SEARCH = {"q": "Pflegefachkraft", "ort": "Gelsenkirchen", "umkreis": "25"}


def csrf(client: TestClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.text[:300]
    m = CSRF.search(page.text)
    assert m, "no CSRF field on " + url
    return m.group(1)


def sign_up(client: TestClient, email: str, **fields: str) -> Any:
    token = csrf(client, "/alarm?q=Pflegefachkraft&ort=Gelsenkirchen")
    data = {"csrf_token": token, "email": email, "frequency": "daily", "consent": "ja", **SEARCH, **fields}
    return client.post("/alarm", data=data)


def text_of(msg: EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


def link(msg: EmailMessage, path: str) -> str:
    m = re.search(rf"http://testserver({re.escape(path)}[^\s\"<]+)", text_of(msg))
    assert m, f"no {path} link in mail"
    return m.group(1)


def run_worker(settings: Settings, now: datetime) -> str:
    env = {
        "STELLENATLAS_VAR_DIR": settings.var_dir,
        "STELLENATLAS_MAILER": "smtp",
        "STELLENATLAS_SMTP_HOST": settings.smtp_host,
        "STELLENATLAS_SMTP_PORT": str(settings.smtp_port),
        "STELLENATLAS_BASE_URL": settings.base_url,
        "STELLENATLAS_MAIL_FROM": settings.mail_from,
    }
    result = CliRunner().invoke(cli, ["alerts", "run", "--now", now.isoformat()], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def count(svc: Services, table: Any) -> int:
    with svc.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def alert_status(svc: Services) -> list[str]:
    with svc.engine.connect() as conn:
        return [r.status for r in conn.execute(select(alerts.c.status))]


def test_full_alert_flow(
    app_client: TestClient, services: Services, smtp: tuple[Inbox, int], alert_settings: Settings
) -> None:
    inbox = smtp[0]
    start = datetime.now(UTC)
    ingest_now(
        services,
        [
            raw(
                "gk-1",
                "Pflegefachkraft (m/w/d)",
                "Evangelische Kliniken Gelsenkirchen GmbH",
                "45879 Gelsenkirchen",
                start - timedelta(hours=3),
            ),
            raw(
                "muc-1",
                "Softwareentwickler Java (m/w/d)",
                "Allianz Technology SE",
                "80331 München",
                start - timedelta(hours=3),
            ),
            raw(
                "hh-1",
                "Pflegefachkraft (m/w/d)",
                "Asklepios Klinik Altona",
                "22763 Hamburg",
                start - timedelta(hours=3),
            ),
        ],
        start - timedelta(hours=2),
    )

    # sign up → exactly one confirmation mail, without job ads
    page = sign_up(app_client, "Maria.Schmidt@Beispiel.de")
    assert page.status_code == 200, page.text[:500]
    assert "bestätigen" in page.text
    assert len(inbox.messages) == 1
    confirm_mail = inbox.messages[0]
    assert inbox.envelopes[0][1] == ["Maria.Schmidt@beispiel.de"]
    assert confirm_mail["Subject"] == "Bitte bestätigen Sie Ihren Jobalarm"
    assert confirm_mail["Date"] and confirm_mail["Message-ID"]
    assert confirm_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = text_of(confirm_mail)
    assert "/jobs/" not in body and "Evangelische Kliniken" not in body
    assert confirm_mail.get_body(("html",)) is not None
    confirm_path = link(confirm_mail, "/alarm/bestaetigen/")
    assert alert_status(services) == ["pending"]

    # the landing page (what a link scanner fetches) confirms nothing
    landing = app_client.get(confirm_path)
    assert landing.status_code == 200 and "Jobalarm bestätigen" in landing.text
    assert alert_status(services) == ["pending"]
    # the token is stored hashed only
    token = confirm_path.rsplit("/", 1)[1]
    with services.engine.connect() as conn:
        hashes = [r.token_hash for r in conn.execute(select(alert_tokens.c.token_hash))]
    assert token not in hashes and len(hashes) == 1 and len(hashes[0]) == 64

    # POST from the landing page confirms
    token_field = CSRF.search(landing.text)
    assert token_field
    done = app_client.post(confirm_path, data={"csrf_token": token_field.group(1)})
    assert done.status_code == 200 and "Jobalarm bestätigt" in done.text
    assert alert_status(services) == ["confirmed"]

    # first run: one digest with the matching posting only (Hamburg is outside 25 km, München is no match)
    run1 = datetime.now(UTC) + timedelta(minutes=1)
    run_worker(alert_settings, run1)
    assert len(inbox.messages) == 2
    digest = inbox.messages[1]
    text = text_of(digest)
    gk = services.store.get_by_source("test", "gk-1")
    assert gk is not None and gk.id is not None
    assert f"http://testserver/jobs/{gk.id}" in text
    assert "Evangelische Kliniken Gelsenkirchen GmbH" in text and "Gelsenkirchen" in text
    assert "Asklepios" not in text and "Softwareentwickler" not in text
    assert digest["Subject"].startswith("1 neue Stelle:")
    one_click = digest["List-Unsubscribe"].strip("<>")
    assert one_click.startswith("http://testserver/alarm/abmelden-1klick/")
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/alarm/abmelden/" in text  # the visible link

    # second run in the same window: nothing
    run_worker(alert_settings, run1)
    run_worker(alert_settings, run1 + timedelta(hours=2))
    assert len(inbox.messages) == 2

    # a new matching posting → the next run sends only that one
    ingest_now(
        services,
        [
            raw(
                "gk-2",
                "Pflegefachkraft Intensivpflege (m/w/d)",
                "St. Marien-Hospital Buer GmbH",
                "45894 Gelsenkirchen",
                run1 + timedelta(hours=1),
            )
        ],
        run1 + timedelta(hours=1),
    )
    run_worker(alert_settings, run1 + timedelta(days=1))
    assert len(inbox.messages) == 3
    text = text_of(inbox.messages[2])
    assert "St. Marien-Hospital Buer GmbH" in text
    assert f"/jobs/{gk.id}" not in text  # each job once
    assert count(services, alert_sent) == 2

    # one-click unsubscribe: cookieless POST; a wrong signature changes nothing
    anonymous = TestClient(app_client.app, raise_server_exceptions=False)
    path = one_click.removeprefix("http://testserver")
    bad = anonymous.post(path[:-4] + "0000", data={"List-Unsubscribe": "One-Click"})
    assert bad.status_code in (403, 404)
    other_id = re.sub(r"/abmelden-1klick/(\d+)/", lambda m: f"/abmelden-1klick/{int(m.group(1)) + 1}/", path)
    assert anonymous.post(other_id, data={"List-Unsubscribe": "One-Click"}).status_code in (403, 404)
    assert alert_status(services) == ["confirmed"]
    ok = anonymous.post(path, data={"List-Unsubscribe": "One-Click"})
    assert ok.status_code == 200 and "abbestellt" in ok.text
    assert alert_status(services) == [] and count(services, alert_sent) == 0

    # no more mails
    ingest_now(
        services,
        [
            raw(
                "gk-3",
                "Pflegefachkraft (m/w/d) Nachtdienst",
                "Bergmannsheil Buer",
                "45894 Gelsenkirchen",
                run1 + timedelta(days=1, hours=1),
            )
        ],
        run1 + timedelta(days=1, hours=1),
    )
    run_worker(alert_settings, run1 + timedelta(days=2))
    assert len(inbox.messages) == 3


def test_confirmation_rate_limit(app_client: TestClient, services: Services, smtp: tuple[Inbox, int]) -> None:
    inbox = smtp[0]
    for i, q in enumerate(("Pflegefachkraft", "Altenpfleger", "Krankenpfleger")):
        assert sign_up(app_client, "tom.becker@beispiel.de", q=q).status_code == 200, i
    assert len(inbox.messages) == 3
    fourth = sign_up(app_client, "Tom.Becker@beispiel.de", q="Hebamme")  # same address, other case
    assert fourth.status_code == 429
    assert "bereits 3 Bestätigungs-E-Mails" in fourth.text
    assert len(inbox.messages) == 3
    assert count(services, alerts) == 3
    # another address is not affected
    assert sign_up(app_client, "anna.wolf@beispiel.de").status_code == 200
    assert len(inbox.messages) == 4


def test_unsubscribe_link_page_needs_button(
    app_client: TestClient, services: Services, smtp: tuple[Inbox, int]
) -> None:
    sign_up(app_client, "jonas.keller@beispiel.de")
    path = link(smtp[0].messages[0], "/alarm/bestaetigen/")
    landing = app_client.get(path)
    m = CSRF.search(landing.text)
    assert m
    confirmed = app_client.post(path, data={"csrf_token": m.group(1)})
    unsub = re.search(r'href="(/alarm/abmelden/\d+/[0-9a-f]+)"', confirmed.text)
    assert unsub
    page = app_client.get(unsub.group(1))
    assert page.status_code == 200 and alert_status(services) == ["confirmed"]
    assert app_client.post(unsub.group(1), data={}).status_code == 403  # no CSRF token → refused
    assert alert_status(services) == ["confirmed"]
    m = CSRF.search(page.text)
    assert m
    assert app_client.post(unsub.group(1), data={"csrf_token": m.group(1)}).status_code == 200
    assert alert_status(services) == []


def test_dsgvo_export_and_delete(app_client: TestClient, services: Services, smtp: tuple[Inbox, int]) -> None:
    inbox = smtp[0]
    sign_up(app_client, "lena.hoffmann@beispiel.de")
    sign_up(app_client, "lena.hoffmann@beispiel.de", q="Altenpflegerin", frequency="weekly")
    sign_up(app_client, "someone.else@beispiel.de")
    token = csrf(app_client, "/alarm/meine-daten")
    sent = app_client.post(
        "/alarm/meine-daten", data={"csrf_token": token, "email": "Lena.Hoffmann@beispiel.de"}
    )
    assert sent.status_code == 200 and "Link geschickt" in sent.text
    data_path = link(inbox.messages[-1], "/alarm/meine-daten/")
    page = app_client.get(data_path)
    assert page.status_code == 200
    assert "„Pflegefachkraft“ in Gelsenkirchen" in page.text and "Altenpflegerin" in page.text
    assert "Bestätigungs-E-Mail" in page.text
    export = app_client.get(data_path + ".json")
    assert export.status_code == 200
    data = export.json()
    assert {a["query"]["q"] for a in data["alerts"]} == {"Pflegefachkraft", "Altenpflegerin"}
    assert {a["frequency"] for a in data["alerts"]} == {"daily", "weekly"}
    assert all(a["created_at"] for a in data["alerts"])
    assert [m["kind"] for m in data["mails"]].count("bestaetigung") == 2
    assert "someone.else" not in export.text

    m = CSRF.search(page.text)
    assert m
    gone = app_client.post(data_path + "/loeschen", data={"csrf_token": m.group(1)})
    assert gone.status_code == 200 and "Alle Daten gelöscht" in gone.text
    with services.engine.connect() as conn:
        for table in (alerts, alert_tokens, alert_mails):
            left = conn.execute(
                select(func.count())
                .select_from(table)
                .where(table.c.email_key == "lena.hoffmann@beispiel.de")
            ).scalar_one()
            assert left == 0, table.name
    assert count(services, alerts) == 1  # the other address keeps its alert
    assert app_client.get(data_path).status_code == 404  # the link died with the data


def test_data_request_for_unknown_address_sends_nothing(
    app_client: TestClient, smtp: tuple[Inbox, int]
) -> None:
    token = csrf(app_client, "/alarm/meine-daten")
    page = app_client.post("/alarm/meine-daten", data={"csrf_token": token, "email": "niemand@beispiel.de"})
    assert page.status_code == 200 and "Link geschickt" in page.text  # same answer as for a known address
    assert smtp[0].messages == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "maria.schmidt@"}, "keine gültige E-Mail-Adresse"),
        ({"email": "maria schmidt@beispiel.de"}, "keine gültige E-Mail-Adresse"),
        ({"email": "maria@beispiel.de\r\nBcc: x@example.org"}, "keine gültige E-Mail-Adresse"),
        ({"email": "a" * 250 + "@beispiel.de"}, "zu lang"),
        ({"email": ""}, "Bitte geben Sie Ihre E-Mail-Adresse an"),
        ({"q": "Pflegefachkraft " * 625}, "Suchbegriff ist zu lang"),
        ({"frequency": "stündlich"}, "täglich oder wöchentlich"),
        ({"consent": ""}, "stimmen Sie der Speicherung"),
        ({"ort": "Atlantis an der Spree"}, "nicht gefunden"),
        ({"umkreis": "9999"}, "Umkreis"),
        ({"arbeitszeit": "nachts"}, "Arbeitszeit"),
        ({"q": "", "ort": "", "beruf": ""}, "mindestens einen Suchbegriff"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    app_client: TestClient, services: Services, smtp: tuple[Inbox, int], fields: dict[str, str], message: str
) -> None:
    page = sign_up(app_client, fields.pop("email", "paul.richter@beispiel.de"), **fields)
    assert page.status_code == 400
    assert message in page.text
    assert (
        count(services, alerts) == 0
        and count(services, alert_tokens) == 0
        and count(services, alert_mails) == 0
    )
    assert smtp[0].messages == []


def test_bad_tokens_are_404(app_client: TestClient) -> None:
    assert app_client.get("/alarm/bestaetigen/" + "x" * 43).status_code == 404
    assert app_client.get("/alarm/bestaetigen/" + "x" * 5000).status_code in (404, 414)
    assert app_client.get("/alarm/meine-daten/" + "y" * 43).status_code == 404
    assert app_client.get("/alarm/meine-daten/" + "y" * 43 + ".json").status_code == 404
    assert app_client.get("/alarm/abmelden/1/deadbeef").status_code == 403


def test_smtp_down_stores_nothing(
    app_client: TestClient, services: Services, smtp: tuple[Inbox, int], alert_settings: Settings
) -> None:
    from tests.alerts.support import free_port  # noqa: PLC0415

    down = TestClient(
        __import__("stellenatlas.web.app", fromlist=["create_app"]).create_app(
            alert_settings.replace(smtp_port=free_port())
        ),
        raise_server_exceptions=False,
    )
    page = sign_up(down, "paul.richter@beispiel.de")
    assert page.status_code == 503 and "gespeichert wurde nichts" in page.text
    assert count(services, alerts) == 0 and count(services, alert_mails) == 0


def test_atom_feed(app_client: TestClient, services: Services) -> None:
    now = datetime.now(UTC)
    ingest_now(
        services,
        [
            raw(
                "gk-1",
                "Pflegefachkraft (m/w/d)",
                "Evangelische Kliniken Gelsenkirchen GmbH & Co. KG",
                "45879 Gelsenkirchen",
                now - timedelta(hours=5),
            ),
            raw(
                "gk-2",
                "Pflegefachkraft <Intensiv> (m/w/d)",
                "St. Marien-Hospital Buer GmbH",
                "45894 Gelsenkirchen",
                now - timedelta(hours=1),
            ),
            raw(
                "hh-1",
                "Pflegefachkraft (m/w/d)",
                "Asklepios Klinik Altona",
                "22763 Hamburg",
                now - timedelta(hours=2),
            ),
        ],
        now,
    )
    res = app_client.get("/suche.atom", params=SEARCH)
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(res.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id", "").startswith("tag:testserver,")
    assert "Pflegefachkraft" in root.findtext(f"{ATOM}title", "")
    assert root.findtext(f"{ATOM}updated")
    self_link = [e for e in root.findall(f"{ATOM}link") if e.get("rel") == "self"]
    assert self_link and self_link[0].get("href", "").startswith("http://testserver/suche.atom?")
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert titles[0] == "Pflegefachkraft <Intensiv> (m/w/d)"  # newest first, escaped and parsed back
    summaries = " ".join(e.findtext(f"{ATOM}summary", "") for e in entries)
    assert "GmbH & Co. KG" in summaries and "Gelsenkirchen" in summaries and "Asklepios" not in summaries
    for e in entries:
        assert (e.findtext(f"{ATOM}id") or "").startswith("tag:testserver,")
        assert e.findtext(f"{ATOM}updated")
        href = e.find(f"{ATOM}link")
        assert href is not None and re.fullmatch(r"http://testserver/jobs/\d+", href.get("href", ""))
    assert app_client.get("/suche.atom", params={"arbeitszeit": "nachts"}).status_code == 400


def test_search_page_partial_renders_hidden_fields_and_feed_link() -> None:
    from stellenatlas.web import render

    form = {
        "q": "Pflegefachkraft",
        "ort": "Gelsenkirchen",
        "umkreis": 25,
        "arbeitszeit": "",
        "remote": "hybrid",
        "beruf": "",
        "sort": "date",
    }
    html = render.make_env().get_template("alarm/_form.html").render(form=form, csrf_token="t" * 43)
    assert 'name="csrf_token" value="' + "t" * 43 in html
    assert '<input type="hidden" name="q" value="Pflegefachkraft">' in html
    assert '<input type="hidden" name="remote" value="hybrid">' in html
    assert 'name="arbeitszeit"' not in html and 'name="sort"' not in html
    assert "/suche.atom?ort=Gelsenkirchen&amp;q=Pflegefachkraft&amp;remote=hybrid&amp;umkreis=25" in html
    assert "style=" not in html and "<script" not in html
