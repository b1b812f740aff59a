"""BA Jobsuche: the real client against recorded responses on a local HTTP server, into a real store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from stellenatlas.domain import PostingStatus
from stellenatlas.sources.ba import BaBlockedError, BaClient, BaQuery, sync_ba, to_raw
from stellenatlas.sources.ba.client import encode_refnr
from stellenatlas.sources.ba.parse import location_text, salary_text, search_page
from stellenatlas.sources.http import HttpClient
from tests.sources.localserver import Canned, LocalServer, real_store_and_index, serve

FIX = Path(__file__).resolve().parents[3] / "stellenatlas" / "sources" / "ba" / "fixtures"
NOW = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)
QUERY = BaQuery(was="Pflegefachkraft", wo="Gelsenkirchen", umkreis=25)
INTENSIV, AMBULANT, MFA = "10001-1001234567-S", "10000-1199876543-S", "14358-0004455661-S"


def fixture(name: str) -> bytes:
    return (FIX / name).read_bytes()


def load(name: str) -> Any:
    return json.loads(fixture(name))


@pytest.fixture()
def server() -> Iterator[LocalServer]:
    yield from serve()


def ba_client(server: LocalServer, page_size: int = 2, max_window: int = 10_000, **kw: Any) -> BaClient:
    http = HttpClient(
        allow_networks=("127.0.0.1/32",), min_interval=0.0, sleep=kw.pop("sleep", lambda s: None)
    )
    return BaClient(http, base_url=server.base, page_size=page_size, max_window=max_window)


def details_path(refnr: str) -> str:
    return f"/pc/v4/jobdetails/{encode_refnr(refnr)}"


def serve_v6(server: LocalServer, *, gone: tuple[str, ...] = ()) -> None:
    server.add(
        "/pc/v6/jobs?was=Pflegefachkraft&wo=Gelsenkirchen&umkreis=25&page=1&size=2",
        Canned(body=fixture("v6_jobs_page1.json")),
    )
    server.add(
        "/pc/v6/jobs?was=Pflegefachkraft&wo=Gelsenkirchen&umkreis=25&page=2&size=2",
        Canned(body=fixture("v6_jobs_page2.json")),
    )
    for refnr in (INTENSIV, MFA):
        server.add(details_path(refnr), Canned(body=fixture(f"v4_jobdetails_{refnr}.json")))
    # no details recorded for AMBULANT: the search data alone must do, via the shared fallback below
    server.add(details_path(AMBULANT), Canned(body=b'{"refnr": "10000-1199876543-S"}'))
    for refnr in gone:
        server.add(details_path(refnr), Canned(404, fixture("error_404_nicht_gefunden.json")))


# --- pure mapping ---------------------------------------------------------------------------------------


def test_v6_item_with_v4_details_maps_every_field() -> None:
    item = load("v6_jobs_page1.json")["ergebnisliste"][0]
    raw = to_raw(item, load(f"v4_jobdetails_{INTENSIV}.json"))
    assert raw.source == "ba" and raw.source_id == INTENSIV
    assert raw.title == "Pflegefachkraft (m/w/d) Intensivstation"
    assert raw.employer == "Evangelische Kliniken Gelsenkirchen GmbH"
    assert raw.location == "45879 Gelsenkirchen"
    assert raw.salary_text == "3.800–4.300 EUR pro Monat"
    assert raw.working_time_text == "Vollzeit, Schicht/Nachtarbeit/Wochenende, Unbefristet"
    assert raw.posted_at == datetime(2026, 3, 2, tzinfo=UTC)
    assert "interdisziplinäre Intensivstation" in raw.description
    assert "- Dokumentation in der elektronischen Patientenakte" in raw.description.splitlines()
    assert (
        "Beruf laut Bundesagentur für Arbeit: Gesundheits- und Krankenpfleger/in, Pflegefachmann/-frau"
        in raw.description
    )
    assert raw.url == f"https://www.arbeitsagentur.de/jobsuche/jobdetail/{INTENSIV}"
    assert raw.extra["api"] == "v6" and raw.extra["coordinates"] == [(51.5072, 7.0969)]


def test_v4_search_items_map_including_integer_plz() -> None:
    page = search_page(load("v4_jobs_page1.json"))
    assert page.version == "v4" and page.total == 2
    it, elektro = (to_raw(i) for i in page.items)
    assert (it.source_id, it.title, it.employer, it.location) == (
        "10000-1203344556-S",
        "IT-Projektkoordinator (m/w/d)",
        "Emschertal Versorgung GmbH",
        "45879 Gelsenkirchen",
    )
    assert it.posted_at == datetime(2026, 3, 3, tzinfo=UTC) and "Eintritt ab 2026-05-01" in it.description
    assert elektro.location == "01067 Dresden"  # PLZ 1067 as integer: the leading zero is restored
    assert elektro.url == "https://www.elektro-richter-dresden.de/jobs/elektroniker"
    assert elektro.extra["api"] == "v4"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"gehaltsspanneVon": 3800, "gehaltsspanneBis": 4300, "artDerVerguetung": "MONATSGEHALT"},
            "3.800–4.300 EUR pro Monat",
        ),
        (
            {"gehaltsspanneVon": 17.5, "gehaltsspanneBis": 19.25, "artDerVerguetung": "STUNDENLOHN"},
            "17,50–19,25 EUR pro Stunde",
        ),
        ({"gehaltsspanneVon": 52000, "gehaltsspanneBis": 61000}, "52.000–61.000 EUR pro Jahr"),
        ({"gehaltsspanneVon": 3200}, "ab 3.200 EUR pro Monat"),
        ({"verguetungsangabe": "Entgeltgruppe P8 TVöD"}, "Entgeltgruppe P8 TVöD"),
        ({"verguetungsangabe": "KEINE_ANGABEN"}, ""),
    ],
)
def test_salary_text(fields: dict[str, Any], expected: str) -> None:
    assert salary_text(fields, None) == expected


def test_location_text_joins_several_places() -> None:
    places = [
        {"plz": "45879", "ort": "Gelsenkirchen"},
        {"plz": "44787", "ort": "Bochum"},
        {"plz": "45879", "ort": "Gelsenkirchen"},
    ]
    assert location_text(places) == "45879 Gelsenkirchen; 44787 Bochum"


# --- real client, local server --------------------------------------------------------------------------


def test_paging_headers_and_details(server: LocalServer) -> None:
    serve_v6(server)
    client = ba_client(server)
    raws = list(client.fetch(QUERY))
    assert [r.source_id for r in raws] == [INTENSIV, AMBULANT, MFA]
    search = [r for r in server.requests if r.path == "/pc/v6/jobs"]
    assert [r.query["page"] for r in search] == ["1", "2"]
    assert search[0].query == {
        "was": "Pflegefachkraft",
        "wo": "Gelsenkirchen",
        "umkreis": "25",
        "page": "1",
        "size": "2",
    }
    assert all(r.headers["x-api-key"] == "jobboerse-jobsuche" for r in server.requests)
    assert details_path(INTENSIV) == "/pc/v4/jobdetails/MTAwMDEtMTAwMTIzNDU2Ny1T"
    mfa = raws[2]
    assert mfa.salary_text == "17,50–19,25 EUR pro Stunde"
    assert "zwei Tage pro Woche im Homeoffice" in mfa.description and "Homeoffice möglich." in mfa.description
    assert client.stats.complete and client.stats.unique == 3


def test_sync_is_idempotent_in_a_real_store(server: LocalServer, tmp_path: Path) -> None:
    serve_v6(server)
    store, index = real_store_and_index(tmp_path)
    first = sync_ba(ba_client(server), store, index, QUERY, full_sync=True, now=NOW)
    assert (first.report.new, first.report.updated, first.report.rejected) == (3, 0, 0)
    second = sync_ba(ba_client(server), store, index, QUERY, full_sync=True, now=NOW)
    assert (second.report.new, second.report.updated, second.report.unchanged, second.report.expired) == (
        0,
        0,
        3,
        0,
    )
    p = store.get_by_source("ba", INTENSIV)
    assert p is not None and p.place_ags == ("05513000",) and p.salary is not None and p.salary.min == 3800
    assert index.count() == 3


def test_details_404_expires_the_posting(server: LocalServer, tmp_path: Path) -> None:
    serve_v6(server)
    store, index = real_store_and_index(tmp_path)
    sync_ba(ba_client(server), store, index, QUERY, now=NOW)
    serve_v6(server, gone=(AMBULANT,))
    result = sync_ba(ba_client(server), store, index, QUERY, now=NOW)
    assert result.stats.gone == [AMBULANT] and result.expired_gone == 1
    posting = store.get_by_source("ba", AMBULANT)
    assert posting is not None and posting.status is PostingStatus.EXPIRED
    assert index.count() == 2


def test_full_sync_expires_postings_no_longer_listed(server: LocalServer, tmp_path: Path) -> None:
    serve_v6(server)
    store, index = real_store_and_index(tmp_path)
    sync_ba(ba_client(server), store, index, QUERY, full_sync=True, now=NOW)
    shrunk = load("v6_jobs_page1.json")
    shrunk["maxErgebnisse"] = 2
    server.add(
        "/pc/v6/jobs?was=Pflegefachkraft&wo=Gelsenkirchen&umkreis=25&page=1&size=2",
        Canned(body=json.dumps(shrunk).encode()),
    )
    result = sync_ba(ba_client(server), store, index, QUERY, full_sync=True, now=NOW)
    assert result.expired_missing == 1 and result.report.expired == 1
    mfa = store.get_by_source("ba", MFA)
    assert mfa is not None and mfa.status is PostingStatus.EXPIRED


def test_incomplete_or_incremental_sync_expires_nothing(server: LocalServer, tmp_path: Path) -> None:
    serve_v6(server)
    store, index = real_store_and_index(tmp_path)
    sync_ba(ba_client(server), store, index, QUERY, full_sync=True, now=NOW)
    capped = sync_ba(ba_client(server), store, index, QUERY, full_sync=True, max_results=1, now=NOW)
    assert capped.report.seen == 1 and capped.expired_missing == 0 and "unvollständig" in capped.summary()
    server.add("/pc/v6/jobs", Canned(body=json.dumps({"ergebnisliste": [], "maxErgebnisse": 0}).encode()))
    recent = sync_ba(
        ba_client(server),
        store,
        index,
        BaQuery(was="Pflegefachkraft", veroeffentlichtseit=1),
        full_sync=True,
        now=NOW,
    )
    assert recent.expired_missing == 0 and "inkrementell" in recent.summary()
    assert server.requests[-1].query["veroeffentlichtseit"] == "1"
    assert store.count_postings(status="aktiv") == 3


def test_403_explains_the_data_centre_block(server: LocalServer) -> None:
    server.add("/pc/v6/jobs", Canned(403, fixture("error_403.html"), content_type="text/html"))
    with pytest.raises(BaBlockedError) as err:
        list(ba_client(server).fetch(QUERY))
    assert "Rechenzentren" in str(err.value) and "data-centre" in str(err.value)


def test_429_is_retried_after_the_announced_pause(server: LocalServer) -> None:
    server.add(
        "/pc/v6/jobs",
        Canned(429, fixture("error_429.json"), headers={"Retry-After": "3"}),
        Canned(body=fixture("v4_jobs_page1.json")),
    )
    pauses: list[float] = []
    raws = list(
        ba_client(server, page_size=25, sleep=pauses.append).fetch(
            BaQuery(was="IT-Projektkoordinator"), with_details=False
        )
    )
    assert pauses == [3.0]
    assert [r.title for r in raws] == [
        "IT-Projektkoordinator (m/w/d)",
        "Elektroniker für Energie- und Gebäudetechnik (m/w/d)",
    ]


# --- splitting over the 10,000 window -------------------------------------------------------------------


def _backend(postings: list[dict[str, Any]]) -> Any:
    """A tiny stand-in for the BA search: filters by arbeitszeit/angebotsart/wo, pages, counts facets."""

    def handle(path: str, q: dict[str, str]) -> Canned | None:
        if path != "/pc/v6/jobs":
            return None
        hits = [
            p
            for p in postings
            if ("arbeitszeit" not in q or q["arbeitszeit"] in p["_az"])
            and ("angebotsart" not in q or q["angebotsart"] == "1")
            and ("befristung" not in q or q["befristung"] == p["_bef"])
            and ("wo" not in q or q["wo"] == p["stellenlokationen"][0]["adresse"]["ort"])
        ]
        page, size = int(q["page"]), int(q["size"])
        facet: dict[str, int] = {}
        for p in hits:
            ort = p["stellenlokationen"][0]["adresse"]["ort"]
            facet[ort] = facet.get(ort, 0) + 1
        body = {
            "ergebnisliste": hits[(page - 1) * size : page * size],
            "maxErgebnisse": len(hits),
            "facetten": {"arbeitsort": {"counts": facet}},
        }
        return Canned(body=json.dumps(body).encode())

    return handle


def test_queries_over_the_window_are_split_until_each_part_fits(server: LocalServer) -> None:
    orte = ["Gelsenkirchen", "Bochum", "Herne"]
    postings = [
        {
            "referenznummer": f"10000-10000000{i:02d}-S",
            "stellenangebotsTitel": f"Pflegefachkraft (m/w/d) Station {i}",
            "firma": "Klinikverbund Emscher-Lippe",
            "stellenlokationen": [{"adresse": {"plz": "", "ort": orte[i % 3]}}],
            "_az": ["vz", "ho"] if i % 4 == 0 else (["vz"] if i < 11 else ["tz"]),
            "_bef": "2" if i % 2 else "1",
        }
        for i in range(14)
    ]
    server.dynamic = _backend(postings)
    client = ba_client(server, page_size=2, max_window=4)
    found = [i["referenznummer"] for i in client.search(BaQuery(was="Pflegefachkraft"))]
    assert sorted(found) == sorted(p["referenznummer"] for p in postings)  # everything, each once
    assert client.stats.complete and client.stats.truncated_parts == 0
    asked = [r.query for r in server.requests]
    assert all(int(q["page"]) * int(q["size"]) <= 4 for q in asked)
    assert any("befristung" in q for q in asked) and any(q.get("umkreis") == "0" for q in asked)


def test_posting_dates_are_parsed() -> None:
    raw = to_raw(
        {
            "referenznummer": "1-2-S",
            "stellenangebotsTitel": "Koch (m/w/d)",
            "datumErsteVeroeffentlichung": "2026-03-04T09:30:00",
        }
    )
    assert raw.posted_at == datetime(2026, 3, 4, 9, 30, tzinfo=UTC)
    assert raw.valid_through is None and date(2026, 3, 4) == raw.posted_at.date()
