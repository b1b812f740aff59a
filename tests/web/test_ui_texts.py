"""What a visitor reads: German error texts instead of FastAPI's English ones, confirmations after saving,
ending and logging out, and the accessibility basics every page shares."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stellenatlas.web.app import create_app
from tests.accounts.helpers import csrf_token, fresh_settings, login, post_job, register_employer
from tests.support import smtp_server


@pytest.mark.parametrize(
    ("url", "expect"),
    [
        ("/suche?umkreis=10000", "Umkreis: höchstens 200 erlaubt"),
        ("/suche?umkreis=-5", "Umkreis: mindestens 0 nötig"),
        ("/suche?page=abc", "Seite: muss eine ganze Zahl sein"),
        ("/suche?ort=" + "x" * 300, "Ort: höchstens 200 Zeichen erlaubt"),
        ("/suche?arbeitszeit=immer", "Arbeitszeit: ungültiger Wert"),
    ],
)
def test_bad_request_is_explained_in_german(client: TestClient, url: str, expect: str) -> None:
    html = client.get(url)
    assert html.status_code == 400
    assert expect in html.text and "Input should" not in html.text and "should" not in html.text
    assert 'href="/suche"' in html.text  # a way back to the search
    json_url = url.replace("/suche?", "/suche.json?")
    assert expect in client.get(json_url).json()["error"]


@pytest.mark.parametrize(
    "path", ["/", "/suche?q=Pflege", "/beruf/it-projektkoordinator/gelsenkirchen", "/alarm"]
)
def test_pages_share_skip_link_and_labelled_navigation(client: TestClient, path: str) -> None:
    html = client.get(path).text
    assert '<a class="skip" href="#inhalt">Zum Inhalt springen</a>' in html and 'id="inhalt"' in html
    assert '<nav aria-label="Hauptnavigation">' in html
    assert ' style="' not in html  # the CSP forbids inline styles


def test_job_page_offers_ways_on(client: TestClient) -> None:
    job = re.search(r'href="(/jobs/\d+)"', client.get("/suche?q=Pflegefachkraft").text)
    assert job
    html = client.get(job.group(1)).text
    assert 'aria-label="Brotkrumen"' in html
    similar = re.search(r'<a href="(/suche\?q=[^"]+&amp;ort=[^"]+)">Ähnliche Stellen in der Nähe</a>', html)
    assert similar, "no link to similar jobs"
    assert client.get(similar.group(1).replace("&amp;", "&")).status_code == 200


def test_employer_sees_confirmations_after_save_end_and_logout(tmp_path: Path) -> None:
    with smtp_server() as (inbox, port):
        app = create_app(fresh_settings(tmp_path, port))
        client = TestClient(app, raise_server_exceptions=False)
        register_employer(client, inbox, "Stadtwerke Gelsenkirchen GmbH", "personal@stadtwerke-ge.example")
        assert login(client, "personal@stadtwerke-ge.example").status_code == 303
        assert "Sie haben noch keine Stellen ausgeschrieben." in client.get("/arbeitgeber/konto").text
        pid = post_job(client)
        saved = client.get(f"/arbeitgeber/konto?gespeichert={pid}").text
        assert "„IT-Projektkoordinator (m/w/d)“ ist gespeichert. Wir prüfen sie" in saved
        # another account's id or garbage gives no confirmation (and no error)
        assert 'class="success"' not in client.get("/arbeitgeber/konto?gespeichert=999999").text
        assert client.get("/arbeitgeber/konto?gespeichert=abc").status_code == 200
        r = client.post(
            f"/arbeitgeber/stellen/{pid}/beenden",
            data={"csrf_token": csrf_token(client)},
            follow_redirects=True,
        )
        assert "ist beendet und erscheint nicht mehr in der Jobsuche" in r.text
        r = client.post(
            "/arbeitgeber/abmelden", data={"csrf_token": csrf_token(client)}, follow_redirects=True
        )
        assert "Sie sind abgemeldet." in r.text
        # the notice cannot be faked for a visitor who is still logged in
        login(client, "personal@stadtwerke-ge.example")
        assert "Sie sind abgemeldet." not in client.get("/arbeitgeber?abgemeldet=1").text
        app.state.ctx.services.close()
