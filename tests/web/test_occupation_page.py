"""The occupation × city page over HTTP: sections, narrative numbers against the displayed values, JSON-LD,
sharing metadata, CSV export, salary fallback labelling and a page with thin data."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from stellenatlas.insights.export import COLUMNS, to_csv
from stellenatlas.insights.factsheet import fact_sheet, number_tokens
from stellenatlas.settings import Settings
from stellenatlas.web.render import json_for_script

GE_PAGE = "/beruf/it-projektkoordinator/gelsenkirchen"
SECTIONS = (
    "kennzahlen",
    "stellen",
    "trend",
    "gehalt",
    "arbeitgeber",
    "anforderungen",
    "beruf",
    "umgebung",
    "ratgeber",
    "daten",
)


def jsonld_blocks(page: str) -> list[dict[str, Any]]:
    return [
        json.loads(m) for m in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    ]


def visible_text(fragment: str) -> str:
    fragment = re.sub(r"<(script|style)\b.*?</\1>", " ", fragment, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def split_page(page: str) -> tuple[str, str]:
    """(text of the narrative section, text of the rest of <main>)."""
    main = re.search(r"<main>(.*)</main>", page, re.S)
    assert main
    body = main.group(1)
    guide = re.search(r'<section id="ratgeber">.*?</section>', body, re.S)
    assert guide
    return visible_text(guide.group(0)), visible_text(body.replace(guide.group(0), " "))


@pytest.fixture(scope="module")
def ge(client: TestClient) -> dict[str, Any]:
    r = client.get(GE_PAGE)
    assert r.status_code == 200
    facts = client.get(GE_PAGE + ".json").json()
    return {"html": r.text, "facts": facts}


def test_page_has_every_section(ge: dict[str, Any]) -> None:
    for section in SECTIONS:
        assert f'<section id="{section}"' in ge["html"] or f'id="{section}"' in ge["html"], section
    assert 'id="quereinstieg"' in ge["html"] and 'id="bildung"' in ge["html"] and 'id="tarif"' in ge["html"]


def test_narrative_numbers_all_appear_elsewhere_on_the_page(ge: dict[str, Any]) -> None:
    guide, rest = split_page(ge["html"])
    shown = number_tokens(rest)
    in_text = number_tokens(guide)
    assert len(in_text) >= 10
    assert in_text <= shown, in_text - shown


def test_every_fact_sheet_value_is_displayed(ge: dict[str, Any]) -> None:
    _, rest = split_page(ge["html"])
    flat = " ".join(rest.split())
    missing = [
        (label, value) for label, value in fact_sheet(ge["facts"]) if " ".join(value.split()) not in flat
    ]
    assert not missing


def test_jsonld_blocks_are_valid(ge: dict[str, Any]) -> None:
    blocks = jsonld_blocks(ge["html"])
    by_type: dict[str, list[dict[str, Any]]] = {}
    for b in blocks:
        assert b["@context"] == "https://schema.org/"
        by_type.setdefault(b["@type"], []).append(b)
    assert set(by_type) == {"BreadcrumbList", "Occupation", "JobPosting"}

    (crumbs,) = by_type["BreadcrumbList"]
    items = crumbs["itemListElement"]
    assert [i["position"] for i in items] == list(range(1, len(items) + 1)) and len(items) == 3
    assert all(i["@type"] == "ListItem" and i["name"] and i["item"].startswith("http") for i in items)
    assert items[-1]["item"] == ge["facts"]["canonical"]

    (occ,) = by_type["Occupation"]
    facts = ge["facts"]
    assert occ["name"] == facts["occupation"]["title"]
    assert occ["occupationLocation"][0]["name"] == "Gelsenkirchen"
    assert occ["occupationalCategory"]["codeValue"] == "43323"
    sal = facts["salary"]
    if sal["level"]:
        (dist,) = occ["estimatedSalary"]
        assert dist["@type"] == "MonetaryAmountDistribution"
        assert dist["currency"] == "EUR" and dist["duration"] == "P1M"
        assert (dist["percentile25"], dist["median"], dist["percentile75"]) == (
            sal["q25"],
            sal["median"],
            sal["q75"],
        )
    else:
        assert "estimatedSalary" not in occ

    jobs = by_type["JobPosting"]
    listed = re.findall(r'<li><a href="(/jobs/\d+)">', ge["html"])
    assert len(jobs) == len(listed) >= 1
    for job in jobs:
        assert job["title"] and job["description"] and job["datePosted"]
        assert job["hiringOrganization"]["@type"] == "Organization" and job["hiringOrganization"]["name"]
        assert job["jobLocation"] or job.get("jobLocationType") == "TELECOMMUTE"
        assert job["url"].split("/jobs/")[1].isdigit()


@pytest.mark.parametrize(
    "payload",
    ["</script><script>alert(1)</script>", "<!-- x", "a & b > c"],
)
def test_jsonld_cannot_break_out_of_its_script(payload: str) -> None:
    text = json_for_script({"title": payload})
    assert "<" not in text and ">" not in text
    assert json.loads(text)["title"] == payload


def test_sharing_metadata(ge: dict[str, Any]) -> None:
    page, facts = ge["html"], ge["facts"]
    assert f'<link rel="canonical" href="{facts["canonical"]}">' in page
    assert (
        '<meta property="og:title" content="IT-Projektkoordinator Jobs und Stellenangebote in Gelsenkirchen">'
        in page
    )
    description = re.search(r'<meta name="description" content="([^"]+)">', page)
    og = re.search(r'<meta property="og:description" content="([^"]+)">', page)
    assert description and og and description.group(1) == og.group(1)
    assert "offene Stellen als IT-Projektkoordinator in Gelsenkirchen" in html.unescape(description.group(1))
    assert f'<meta property="og:url" content="{facts["canonical"]}">' in page


def test_csv_export_route_and_link(client: TestClient, ge: dict[str, Any]) -> None:
    assert f'href="{GE_PAGE}.csv"' in ge["html"]
    r = client.get(GE_PAGE + ".csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert tuple(rows[0]) == COLUMNS
    assert r.text == to_csv(client.get(GE_PAGE + ".json").json())
    assert client.get("/beruf/qqqqqq/zzzzzz.csv").status_code == 404


def test_salary_fallback_is_labelled_on_the_page(ge: dict[str, Any]) -> None:
    sal = ge["facts"]["salary"]
    if sal["level"] and sal["fallback"]:
        assert f'data-fallback="{sal["level"]}"' in ge["html"]
        assert "zu wenige Gehaltsangaben" in ge["html"] and sal["region"] in ge["html"]
    elif sal["level"] is None:
        assert 'data-fallback="none"' in ge["html"]
    else:
        assert "data-fallback" not in ge["html"]


@pytest.fixture(scope="module")
def thin_page(client: TestClient, sample_settings: Settings) -> str:
    """URL of a page whose occupation has exactly one posting in the city within a year."""
    from stellenatlas.insights.pages import _canonical_title, page_url
    from stellenatlas.refdata import places as refplaces
    from stellenatlas.services import open_services

    svc = open_services(sample_settings)
    since = datetime.combine(datetime.now(UTC).date() - timedelta(days=365), time.min, tzinfo=UTC)
    municipalities = refplaces.municipalities()
    try:
        for kldb, ags, n in sorted(svc.store.kldb_place_counts(min_count=1, since=since)):
            place = municipalities.get(ags)
            if n != 1 or place is None or place.population < 100_000:
                continue
            _title, slug = _canonical_title(svc.store, kldb)
            url = page_url(slug, place)
            data = client.get(url + ".json")
            if data.status_code == 200 and data.json()["occupation"]["kldb"] == kldb:
                return url
    finally:
        svc.close()
    pytest.fail("no occupation with a single posting in a big city in the sample data")


def test_thin_data_page_says_so(client: TestClient, thin_page: str) -> None:
    r = client.get(thin_page)
    assert r.status_code == 200
    facts = client.get(thin_page + ".json").json()
    assert facts["postings"]["thin"] and facts["postings"]["last_12_months"] <= 1
    assert 'id="duenne-daten"' in r.text
    guide, rest = split_page(r.text)
    assert "kleine Datenbasis" in guide
    assert number_tokens(guide) <= number_tokens(rest)
    for block in jsonld_blocks(r.text):
        if block["@type"] == "Occupation" and not facts["salary"]["level"]:
            assert "estimatedSalary" not in block
