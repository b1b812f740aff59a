"""schema.org JobPosting: parsing of real-style career pages, and the crawler against a local server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from stellenatlas.sources.http import HttpClient
from stellenatlas.sources.ingest import ingest
from stellenatlas.sources.jsonld import JsonLdCrawler, parse_page
from stellenatlas.sources.jsonld.html import html_to_text
from stellenatlas.sources.jsonld.parse import salary, working_time
from tests.sources.localserver import Canned, LocalServer, real_store_and_index, serve

FIX = Path(__file__).resolve().parents[3] / "stellenatlas" / "sources" / "jsonld" / "fixtures"
NOW = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)
HTML = "text/html; charset=utf-8"


def page(name: str) -> str:
    return (FIX / name).read_text(encoding="utf-8")


@pytest.fixture()
def server() -> Iterator[LocalServer]:
    yield from serve()


class FakeTime:
    """A clock that only moves when the client sleeps: politeness waits become exact numbers."""

    def __init__(self, sleeps: list[float]) -> None:
        self.now = 1000.0
        self.sleeps = sleeps

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def crawler(sleeps: list[float] | None = None) -> JsonLdCrawler:
    t = FakeTime(sleeps if sleeps is not None else [])
    return JsonLdCrawler(
        HttpClient(allow_networks=("127.0.0.1/32",), min_interval=0.0, sleep=t.sleep, clock=t.clock)
    )


def site(server: LocalServer, robots: Canned | None = None) -> None:
    server.add("/robots.txt", robots or Canned(body=page("robots.txt").encode(), content_type="text/plain"))
    for path, name in [
        ("/stellen/it-projektkoordinator", "stadtwerke_it_projektkoordinator.html"),
        ("/stellen/klinikum", "klinikum_stellen_microdata.html"),
        ("/stellen/logistik", "jobportal_liste_mit_fehler.html"),
        ("/stellen/archiv/hausmeister-2019", "stadtwerke_it_projektkoordinator.html"),
        ("/intern/entwurf", "stadtwerke_it_projektkoordinator.html"),
    ]:
        server.add(path, Canned(body=page(name).encode(), content_type=HTML))
    for path, name in [
        ("/sitemap.xml", "sitemap_index.xml"),
        ("/sitemap-stellen.xml", "sitemap_stellen.xml"),
    ]:
        body = page(name).replace("{base}", server.base).encode()
        server.add(path, Canned(body=body, content_type="application/xml"))


# --- parsing --------------------------------------------------------------------------------------------


def test_json_ld_graph_maps_all_properties() -> None:
    result = parse_page(
        page("stadtwerke_it_projektkoordinator.html"), "https://karriere.stadtwerke-emscher-lippe.de/stellen"
    )
    assert result.errors == []
    [raw] = result.postings
    assert raw.source == "jsonld"
    assert raw.source_id == "karriere.stadtwerke-emscher-lippe.de:SWEL-2026-017"
    assert raw.title == "IT-Projektkoordinator (m/w/d)"
    assert raw.employer == "Stadtwerke Emscher-Lippe GmbH"
    assert raw.location == "45879 Gelsenkirchen"
    assert raw.salary_text == "3.500–4.200 EUR pro Monat"
    assert raw.extra["salary"] == {"min": 3500.0, "max": 4200.0, "currency": "EUR", "unit": "MONTH"}
    assert raw.working_time_text == "Vollzeit, Teilzeit"
    assert raw.posted_at is not None and raw.posted_at.isoformat() == "2026-03-02T08:00:00+01:00"
    assert raw.valid_through == date(2026, 4, 30)
    assert raw.url == "https://karriere.stadtwerke-emscher-lippe.de/stellen/it-projektkoordinator"
    assert (
        "- Planung von Ressourcen, Terminen und Budgets mit MS Project und Jira"
        in raw.description.splitlines()
    )
    assert "<" not in raw.description and "tracking" not in raw.description


def test_microdata_postings() -> None:
    result = parse_page(page("klinikum_stellen_microdata.html"), "https://www.klinikum-vest-ruhr.de/stellen")
    assert result.errors == []
    pf, mfa = result.postings
    assert (pf.source_id, pf.title, pf.employer, pf.location) == (
        "klinikum-vest-ruhr.de:KVR-PF-0815",
        "Pflegefachkraft (m/w/d) Intensivstation",
        "Klinikum Vest-Ruhr gGmbH",
        "45657 Recklinghausen",
    )
    assert pf.salary_text == "3.650–4.480 EUR pro Monat" and pf.working_time_text == "Vollzeit"
    assert (
        pf.valid_through == date(2026, 3, 31)
        and pf.url == "https://www.klinikum-vest-ruhr.de/stellen/kvr-pf-0815"
    )
    assert pf.description.splitlines()[1] == "Vergütung nach TVöD-K P 8"
    assert (mfa.salary_text, mfa.working_time_text, mfa.employer) == (
        "18,50 EUR pro Stunde",
        "Teilzeit",
        "Klinikum Vest-Ruhr gGmbH",
    )


def test_broken_block_is_reported_and_good_ones_still_parse() -> None:
    result = parse_page(page("jobportal_liste_mit_fehler.html"), "https://jobs.emscher-logistik.de/")
    assert len(result.errors) == 1 and "JSON-LD-Block 1 ist ungültig" in result.errors[0]
    lager, dispo = result.postings
    assert (
        lager.location == "45881 Gelsenkirchen; 44787 Bochum" and lager.salary_text == "17,80 EUR pro Stunde"
    )
    assert (
        lager.description == "Kommissionierung und Verladung im Schichtbetrieb, Staplerschein erforderlich."
    )
    assert lager.source_id == "jobs.emscher-logistik.de:4711"
    assert dispo.location == "Remote" and dispo.extra["remote"] is True
    assert dispo.salary_text == "48.000–56.000 EUR pro Jahr"


@pytest.mark.parametrize(
    ("base_salary", "expected"),
    [
        (
            {
                "@type": "MonetaryAmount",
                "currency": "EUR",
                "value": {"minValue": "3.500", "maxValue": "4.200", "unitText": "MONTH"},
            },
            "3.500–4.200 EUR pro Monat",
        ),
        ({"currency": "EUR", "value": {"value": 15.5, "unitText": "HOUR"}}, "15,50 EUR pro Stunde"),
        ({"currency": "EUR", "value": {"minValue": 65000, "unitText": "YEAR"}}, "ab 65.000 EUR pro Jahr"),
        ({"currency": "EUR", "value": {"minValue": 120, "maxValue": 150, "unitText": "DAY"}}, ""),
        ({"currency": "EUR", "value": 4000}, ""),
    ],
)
def test_base_salary(base_salary: dict[str, Any], expected: str) -> None:
    assert salary({"baseSalary": base_salary})[0] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FULL_TIME", "Vollzeit"),
        (["PART_TIME", "TEMPORARY"], "Teilzeit, Befristet"),
        ("FULL_TIME, PART_TIME", "Vollzeit, Teilzeit"),
        ("Minijob", "Minijob"),
    ],
)
def test_employment_type(value: Any, expected: str) -> None:
    assert working_time({"employmentType": value}) == expected


def test_nested_and_typed_variants() -> None:
    doc = """<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebPage",
    "mainEntity":{"@type":"schema:JobPosting","title":"Erzieher (m/w/d)","hiringOrganization":"Stadt Gelsenkirchen",
    "jobLocation":{"@type":"Place","address":"Gelsenkirchen"},"description":"Kita &amp; Familienzentrum"}}</script>"""
    [raw] = parse_page(doc, "https://www.gelsenkirchen.de/karriere/1").postings
    assert (raw.title, raw.employer, raw.location, raw.description) == (
        "Erzieher (m/w/d)",
        "Stadt Gelsenkirchen",
        "Gelsenkirchen",
        "Kita & Familienzentrum",
    )
    assert raw.source_id == "https://www.gelsenkirchen.de/karriere/1"  # no identifier: the page URL


def test_html_to_text_strips_markup_safely() -> None:
    text = html_to_text(
        '<div onclick="x()">Wir <b>bieten</b>:<ul><li>Jobticket</li></ul><img src=x onerror=alert(1)><style>p{}</style></div>'
    )
    assert text == "Wir bieten:\n\n- Jobticket"


# --- crawler against a local server ---------------------------------------------------------------------


def test_sitemap_crawl_honours_robots_and_imports_idempotently(server: LocalServer, tmp_path: Path) -> None:
    site(server)
    sleeps: list[float] = []
    c = crawler(sleeps)
    raws = list(c.crawl(sitemap=server.url("/sitemap.xml")))
    assert "/stellen/archiv/hausmeister-2019" not in server.paths()  # Disallow for stellenatlas honoured
    assert c.stats.disallowed == [server.url("/stellen/archiv/hausmeister-2019")]
    assert c.stats.pages == 3 and len(c.stats.errors) == 1  # the broken JSON-LD block
    assert [r.title for r in raws] == [
        "IT-Projektkoordinator (m/w/d)",
        "Pflegefachkraft (m/w/d) Intensivstation",
        "Medizinische Fachangestellte (m/w/d) Ambulanz",
        "Fachkraft für Lagerlogistik (m/w/d)",
        "Disponent (m/w/d) – 100 % remote",
    ]
    # Crawl-delay: 2 for our agent: a pause before each of the 5 requests after robots.txt (2 sitemaps, 3 pages)
    assert sleeps == [2.0] * 5
    assert server.paths().count("/robots.txt") == 1

    store, index = real_store_and_index(tmp_path)
    first = ingest(raws, store, index, source="jsonld", full_sync=True, now=NOW)
    assert (first.new, first.rejected) == (5, 0)
    again = list(crawler().crawl(sitemap=server.url("/sitemap.xml")))
    second = ingest(again, store, index, source="jsonld", full_sync=True, now=NOW)
    assert (second.new, second.updated, second.unchanged, second.expired) == (0, 0, 5, 0)
    p = store.get_by_source("jsonld", "127.0.0.1:SWEL-2026-017")
    assert p is not None and p.place_ags == ("05513000",) and p.salary is not None and p.salary.max == 4200


def test_disallowed_url_given_directly_is_not_fetched(server: LocalServer) -> None:
    site(server)
    c = crawler()
    assert list(c.crawl([server.url("/intern/entwurf")])) == []
    assert "/intern/entwurf" not in server.paths() and c.stats.disallowed == [server.url("/intern/entwurf")]


@pytest.mark.parametrize(("robots_status", "fetched"), [(404, True), (503, False)])
def test_robots_unavailable_vs_unreachable(server: LocalServer, robots_status: int, fetched: bool) -> None:
    site(server, robots=Canned(robots_status, b"", content_type="text/plain"))
    raws = list(crawler().crawl([server.url("/stellen/klinikum")]))
    assert ("/stellen/klinikum" in server.paths()) is fetched
    assert len(raws) == (2 if fetched else 0)


def test_crawler_without_allow_list_refuses_loopback(server: LocalServer) -> None:
    site(server)
    c = JsonLdCrawler(HttpClient(min_interval=0.0, sleep=lambda s: None))
    assert list(c.crawl([server.url("/stellen/klinikum")])) == []
    assert server.requests == []  # refused before connecting, robots.txt included
    assert c.stats.disallowed == [server.url("/stellen/klinikum")]  # robots unreachable → nothing fetched
