"""Every route over HTTP, HTML and JSON twins tested separately, on a real store with generated postings."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

GE_PAGE = "/beruf/it-projektkoordinator/gelsenkirchen"


def jsonld_blocks(html: str) -> list[dict]:
    return [
        json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def test_home_has_search_form_and_sample_label(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert '<form class="search" action="/suche"' in r.text
    assert "Beispieldaten" in r.text
    assert "/beruf/" in r.text  # links to occupation x city pages with data


def test_search_html_finds_it_project_coordinators_near_gelsenkirchen(client: TestClient) -> None:
    r = client.get("/suche", params={"q": "IT Projektkoordinator", "ort": "Gelsenkirchen", "umkreis": 10})
    assert r.status_code == 200
    assert "Treffer" in r.text
    assert re.search(r"Projektkoordinator|Koordinator", r.text)


def test_search_json_twin(client: TestClient) -> None:
    r = client.get(
        "/suche.json", params={"q": "IT-Projektkoordinator", "ort": "45879 Gelsenkirchen", "umkreis": 25}
    )
    assert r.status_code == 200
    data = r.json()
    assert data["place"]["ags"] == "05513000"
    assert data["total"] > 0
    assert all(job["distance_km"] is not None and job["distance_km"] <= 25 for job in data["jobs"])
    assert any("oordinat" in job["title"] for job in data["jobs"])
    assert "working_time" in data["facets"]


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"page": "abc"}, 400),
        ({"umkreis": "10000"}, 400),
        ({"arbeitszeit": "immer"}, 400),
        ({"beruf": "43x"}, 400),
        ({"gehalt": "3.500 €"}, 400),
        ({"gehalt": "1234567"}, 400),
        ({"gehalt": "²"}, 400),  # a digit to str.isdigit, not a number
        ({"seit": "-7"}, 400),
        ({"seit": "9999"}, 400),
        ({"seit": "400"}, 200),  # more than a year: a year
        ({"gehalt": "", "seit": ""}, 200),
        ({"q": "x" * 10_000}, 200),
        ({"q": "!!! ??? ..."}, 200),
        ({"q": ""}, 200),
        ({"page": "1000000"}, 200),
    ],
)
def test_search_bad_input_gets_clear_answer(client: TestClient, params: dict, status: int) -> None:
    r = client.get("/suche.json", params=params)
    assert r.status_code == status
    if status == 400:
        assert "Ungültige Anfrage" in r.json()["error"]
    html = client.get("/suche", params=params)
    assert html.status_code == status
    assert "Traceback" not in html.text


def test_search_unknown_city_says_so(client: TestClient) -> None:
    r = client.get("/suche.json", params={"q": "Pflege", "ort": "Atlantis an der Tiefsee"})
    assert r.status_code == 200
    assert "nicht gefunden" in r.json()["message"]


def _some_job_id(client: TestClient) -> int:
    jobs = client.get("/suche.json", params={"q": "Projektkoordinator"}).json()["jobs"]
    assert jobs
    return int(jobs[0]["id"])


def test_job_detail_html_has_valid_jobposting_jsonld(client: TestClient) -> None:
    job_id = _some_job_id(client)
    r = client.get(f"/jobs/{job_id}")
    assert r.status_code == 200
    blocks = jsonld_blocks(r.text)
    assert blocks and blocks[0]["@type"] == "JobPosting"
    assert blocks[0]["hiringOrganization"]["name"]
    assert "Beispieldaten" in r.text


def test_job_detail_json(client: TestClient) -> None:
    job_id = _some_job_id(client)
    data = client.get(f"/jobs/{job_id}.json").json()
    assert data["id"] == job_id
    assert data["source"] == "sample"
    assert data["title"] and data["employer"]["name"]


@pytest.mark.parametrize("path", ["/jobs/999999999", "/jobs/abc", "/jobs/-1"])
def test_unknown_job_is_404(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert "Stellenanzeige" in r.text
    j = client.get(path + ".json")
    assert j.status_code == 404
    assert "error" in j.json()


def test_occupation_city_page_lists_postings(client: TestClient) -> None:
    r = client.get(GE_PAGE)
    assert r.status_code == 200
    assert "IT-Projektkoordinator Jobs und Stellenangebote in Gelsenkirchen" in r.text
    assert re.search(r'<ul class="jobs">\s*<li><a href="/jobs/\d+">[^<]*oordinat', r.text)
    assert 'rel="canonical"' in r.text


def test_occupation_city_json_twin(client: TestClient) -> None:
    data = client.get(GE_PAGE + ".json").json()
    assert data["occupation"]["kldb"] == "43323"
    assert data["place"]["ags"] == "05513000"
    assert data["postings"]["active"] > 0
    salary = data["salary"]
    assert salary["min_sample"] >= 1
    if salary["level"] is not None:
        assert salary["n"] >= salary["min_sample"]
        assert salary["q25"] <= salary["median"] <= salary["q75"]


@pytest.mark.parametrize(
    ("path", "expect"),
    [
        ("/beruf/it-projektkoordinatr/gelsenkirchen", "Beruf"),
        ("/beruf/it-projektkoordinator/atlantis", "Ort"),
        ("/beruf/qqqqqq/zzzzzz", "nicht gefunden"),
    ],
)
def test_occupation_city_unknown_gives_404_with_message(client: TestClient, path: str, expect: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert expect in r.text
    j = client.get(path + ".json")
    assert j.status_code == 404
    assert expect in j.json()["error"]


def test_unknown_route_is_german_404(client: TestClient) -> None:
    r = client.get("/gibt-es-nicht")
    assert r.status_code == 404
    assert "Seite nicht gefunden" in r.text


def test_sitemap_robots_openapi_static_sources(client: TestClient) -> None:
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    locs = [
        e.text for e in ET.fromstring(sitemap.text).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert any(loc and loc.endswith(GE_PAGE) for loc in locs)
    assert "Sitemap:" in client.get("/robots.txt").text
    spec = client.get("/openapi.json").json()
    assert "/suche.json" in spec["paths"] and "/jobs/{job_id}.json" in spec["paths"]
    assert client.get("/static/style.css").status_code == 200
    sources = client.get("/datenquellen")
    assert sources.status_code == 200 and "Destatis" in sources.text
    assert client.get("/api").status_code == 200


def test_facet_links_narrow_the_search(client: TestClient) -> None:
    base = client.get("/suche.json", params={"q": "Pflegefachkraft"}).json()
    employer, count = base["facets"]["employer"][0]["value"], base["facets"]["employer"][0]["count"]
    html = client.get("/suche", params={"q": "Pflegefachkraft"}).text
    assert re.search(r'href="/suche\?[^"]*arbeitgeber=', html)
    narrowed = client.get("/suche.json", params={"q": "Pflegefachkraft", "arbeitgeber": employer}).json()
    assert narrowed["total"] == count
    assert {job["employer"] for job in narrowed["jobs"]} == {employer}
    wt = base["facets"]["working_time"][0]
    by_time = client.get("/suche.json", params={"q": "Pflegefachkraft", "arbeitszeit": wt["value"]}).json()
    assert by_time["total"] == wt["count"]
    assert {job["working_time"] for job in by_time["jobs"]} == {wt["value"]}


def test_sort_by_date_orders_newest_first(client: TestClient) -> None:
    jobs = client.get("/suche.json", params={"q": "Erzieher", "sort": "date"}).json()["jobs"]
    dates = [j["posted_at"] for j in jobs]
    assert dates == sorted(dates, reverse=True) and len(dates) > 1
    assert "Sortieren:" in client.get("/suche", params={"q": "Erzieher"}).text


def test_home_json_twin(client: TestClient) -> None:
    data = client.get("/.json").json()
    assert data["total"] > 0 and data["sources"][0]["source"] == "sample"
    assert data["top_pages"] and all(
        p["url"].startswith("/beruf/") and p["count"] >= 3 for p in data["top_pages"]
    )
    assert data["total"] == int(
        client.get("/").text.split(" aktive Stellenanzeigen")[0].rsplit(">", 1)[1].replace(".", "")
    )


def test_privacy_page_states_the_enforced_periods(client: TestClient) -> None:
    from stellenatlas.store.alerts_repo import CONFIRM_TOKEN_TTL
    from stellenatlas.web.accounts_auth import SESSION_COOKIE, SESSION_TTL
    from stellenatlas.web.security import CSRF_COOKIE

    page = client.get("/datenschutz")
    assert page.status_code == 200
    text = page.text
    assert CSRF_COOKIE in text and SESSION_COOKIE in text
    assert f"höchstens\n{int(SESSION_TTL.total_seconds() // 3600)} Stunden" in text
    assert f"gilt {CONFIRM_TOKEN_TTL.days} Tage" in text
    assert "Argon2id" in text and 'href="/alarm/meine-daten"' in text
    # reachable from every page's footer and from the consent checkbox of the registration
    assert 'href="/datenschutz"' in client.get("/").text
    assert 'href="/datenschutz"' in client.get("/arbeitgeber/registrieren").text


def test_salary_minimum_keeps_postings_that_pay_at_least_that(client: TestClient) -> None:
    everything = client.get("/suche.json", params={"q": "Pflegefachkraft"}).json()
    paid = client.get("/suche.json", params={"q": "Pflegefachkraft", "gehalt": 3500}).json()
    assert 0 < paid["total"] < everything["total"] and paid["query"]["gehalt"] == 3500
    for job in paid["jobs"]:
        salary = client.get(f"/jobs/{job['id']}.json").json()["salary"]
        top = salary["monthly_max"] if salary["monthly_max"] is not None else salary["monthly_min"]
        assert top >= 3500, job
    html = client.get("/suche", params={"q": "Pflegefachkraft", "gehalt": 3500}).text
    assert "Nur Anzeigen mit Gehaltsangabe ab 3.500 €" in html
    assert '<option value="3500" selected>' in html
    # the alert and the feed of this search keep the minimum
    assert '<input type="hidden" name="gehalt" value="3500">' in html and "gehalt=3500" in html
    feed = client.get("/suche.atom", params={"q": "Pflegefachkraft", "gehalt": 3500})
    assert feed.status_code == 200 and feed.text.count("<entry>") == min(paid["total"], 50)
    assert client.get("/suche.json", params={"gehalt": -1}).status_code == 400
    # the form sends empty values when nothing is chosen
    plain = client.get("/suche.json", params={"q": "Pflegefachkraft", "gehalt": "", "seit": ""})
    assert plain.status_code == 200 and plain.json()["total"] == everything["total"]


def test_recent_postings_only(client: TestClient) -> None:
    from stellenatlas.sources.sample.generate import DEFAULT_NOW

    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    clock = ctx.clock
    ctx.clock = lambda: DEFAULT_NOW  # the generated postings' clock
    try:
        everything = client.get("/suche.json", params={"q": "Erzieher", "sort": "date"}).json()
        recent = client.get("/suche.json", params={"q": "Erzieher", "seit": 7, "sort": "date"}).json()
        html = client.get("/suche", params={"q": "Erzieher", "seit": 7}).text
    finally:
        ctx.clock = clock
    first_day = (DEFAULT_NOW.date() - timedelta(days=7)).isoformat()
    assert 0 < recent["total"] < everything["total"]
    assert all(job["posted_at"] >= first_day for job in recent["jobs"])
    assert '<option value="7" selected>letzte 7 Tage</option>' in html
