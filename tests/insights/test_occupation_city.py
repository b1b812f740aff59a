"""Facts of the occupation × city page: salary fallback labelling, tariff groups, education and career-changer
shares, related occupations with their pages, precomputed facts and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stellenatlas.insights.export import COLUMNS, to_csv
from stellenatlas.insights.occupation_city import FACTS_VERSION, page_key, region_chain, tariff_groups
from stellenatlas.insights.pages import find_page
from stellenatlas.insights.precompute import is_fresh, load_facts, refresh_all_pages, refresh_pages_for
from stellenatlas.refdata import places as refplaces
from stellenatlas.store.repo import Store

GE = "05513000"


@pytest.fixture(scope="module")
def ge_facts(sample_store: Store) -> dict[str, Any]:
    return find_page("it-projektkoordinator", "gelsenkirchen").facts(sample_store, min_sample=20)


def test_region_chain_of_gelsenkirchen_goes_ruhrgebiet_land_germany() -> None:
    chain = region_chain(refplaces.municipalities()[GE])
    assert [r.level for r in chain] == ["gemeinde", "region", "land", "deutschland"]  # kreisfreie Stadt
    assert chain[1].label == "Ruhrgebiet" and chain[2].label == "Nordrhein-Westfalen"
    assert chain[-1].ags is None


@pytest.mark.parametrize("min_sample", [1, 3, 10, 20, 10**6])
def test_salary_is_shown_for_the_narrowest_region_with_enough_salaries(
    sample_store: Store, min_sample: int
) -> None:
    sal = find_page("it-projektkoordinator", "gelsenkirchen").facts(sample_store, min_sample=min_sample)[
        "salary"
    ]
    tried = sal["tried"]
    assert tried[0]["level"] == "gemeinde" and tried[0]["label"] == "Gelsenkirchen"
    assert all(t["n"] < min_sample for t in tried[:-1])  # every narrower region was too small
    if sal["level"] is None:
        assert sal["n"] == 0 and [t["level"] for t in tried] == ["gemeinde", "region", "land", "deutschland"]
        assert tried[-1]["n"] < min_sample
    else:
        assert sal["level"] == tried[-1]["level"] and sal["n"] == tried[-1]["n"] >= min_sample
        assert sal["fallback"] is (sal["level"] != "gemeinde")
        assert sal["region"] == tried[-1]["label"]


@pytest.mark.parametrize(
    ("rows", "expect"),
    [
        (
            [
                (3800.12, 5640.0, "TVöD VKA E 11 (gültig ab 01.04.2025)"),
                (4153.0, 6154.4, "TVöD VKA E 11 (gültig ab 01.04.2025)"),
                (4065.0, 5886.0, "TV-L E 11 (gültig ab 01.02.2025)"),
            ],
            [
                {"tariff": "TVöD VKA E 11", "valid_from": "01.04.2025", "n": 2, "min": 3800, "max": 6154},
                {"tariff": "TV-L E 11", "valid_from": "01.02.2025", "n": 1, "min": 4065, "max": 5886},
            ],
        ),
        (
            [(12.82, None, "gesetzlicher Mindestlohn (gültig ab 01.01.2025)")],
            [
                {
                    "tariff": "gesetzlicher Mindestlohn",
                    "valid_from": "01.01.2025",
                    "n": 1,
                    "min": 13,
                    "max": 13,
                }
            ],
        ),
    ],
)
def test_tariff_groups_range_and_count(rows: list[Any], expect: list[dict[str, Any]]) -> None:
    assert tariff_groups(rows) == expect


def test_tariff_salaries_are_kept_apart_from_advertised_ones(ge_facts: dict[str, Any]) -> None:
    sal = ge_facts["salary"]
    tariff = sal["tariff"]
    assert tariff is not None, "the sample data has TVöD postings for IT coordinators in Gelsenkirchen"
    assert tariff["n"] == sum(g["n"] for g in tariff["groups"]) > 0
    assert all(g["min"] <= g["max"] for g in tariff["groups"])
    assert any(g["tariff"].startswith(("TVöD", "TV-L")) for g in tariff["groups"])
    if sal["level"] == "gemeinde":
        assert sal["tariff_n"] == tariff["n"]  # same region: the tariff postings are exactly those left out


def test_education_and_career_changer_shares(ge_facts: dict[str, Any]) -> None:
    req = ge_facts["requirements"]
    levels = [e["level"] for e in req["education"]]
    assert levels == ["studium", "ausbildung", "keine", ""]
    assert sum(e["count"] for e in req["education"]) == req["n"] > 0
    assert abs(sum(e["share"] for e in req["education"]) - 1) < 0.001
    assert 0 <= req["career_changer_share"] <= 1
    assert req["career_changer_count"] <= req["n"]


def test_role_has_description_and_related_with_links_only_where_pages_exist(
    sample_store: Store, ge_facts: dict[str, Any]
) -> None:
    role = ge_facts["role"]
    assert "IT-Koordination" in role["description"] and role["description_source"].startswith("KldB")
    assert role["related"] and all(r["kldb"] != "43323" for r in role["related"])
    from stellenatlas.insights.precompute import pages_by_place

    here = pages_by_place(sample_store).get(GE, {})
    for r in role["related"]:
        assert (r["url"] is not None) == (r["kldb"] in here)


def test_related_pages_are_linked_in_a_city_with_many_pages(sample_store: Store) -> None:
    from stellenatlas.insights.pages import PageRef
    from stellenatlas.insights.precompute import pages_by_place
    from stellenatlas.refdata import occupations as refocc

    by_place = pages_by_place(sample_store)
    ags, pages = max(by_place.items(), key=lambda kv: len(kv[1]))
    for kldb, page in pages.items():
        occupation = refocc.kldb(kldb)
        assert occupation is not None
        ref = PageRef(occupation, page["title"], page["occupation_slug"], refplaces.municipalities()[ags])
        linked = [
            r for r in ref.facts(sample_store, min_sample=20, pages_here=pages)["role"]["related"] if r["url"]
        ]
        if linked:
            assert all(r["url"].startswith("/beruf/") and r["count"] >= 1 for r in linked)
            return
    pytest.fail(f"no page in {ags} links a related occupation")


def test_csv_export_is_tidy(ge_facts: dict[str, Any]) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(ge_facts))))
    assert tuple(rows[0].keys()) == COLUMNS
    sections = {r["section"] for r in rows}
    assert {
        "anzeigen",
        "trend_stadt",
        "trend_land",
        "trend_deutschland",
        "arbeitgeber",
        "branchen",
    } <= sections
    assert {"anforderungen", "bildung", "tarif", "gehalt"} <= sections
    assert len([r for r in rows if r["section"] == "trend_stadt"]) == 24
    active = next(r for r in rows if r["section"] == "anzeigen" and r["key"] == "aktiv")
    assert int(active["value"]) == ge_facts["postings"]["active"]
    assert all(r["basis"] for r in rows if r["section"] not in ("seite",))
    sal = ge_facts["salary"]
    if sal["level"]:
        median = next(r for r in rows if r["section"] == "gehalt" and r["key"] == "median")
        assert float(median["value"]) == sal["median"] and int(median["n"]) == sal["n"]
        assert sal["region"] in median["basis"]


def test_precomputed_facts_are_read_when_fresh_and_recomputed_when_stale(sample_store: Store) -> None:
    ref = find_page("it-projektkoordinator", "gelsenkirchen")
    key = page_key("43323", GE)
    assert refresh_pages_for(sample_store, [("43323", GE), ("43323", GE), ("", GE), ("43323", "05")]) == 1
    stamp, stored = sample_store.get_insight_entry(key) or (None, None)
    assert stored is not None and stored["version"] == FACTS_VERSION
    facts, cached = load_facts(sample_store, ref, min_sample=20)
    assert cached and facts["postings"] == stored["postings"]
    # another minimum sample, an old version or a day-old computation -> recomputed
    _, cached = load_facts(sample_store, ref, min_sample=21)
    assert not cached
    now = datetime.now(UTC)
    assert stamp is not None
    assert not is_fresh({**stored, "version": 0}, stamp, min_sample=20, now=now)
    assert not is_fresh(stored, stamp, min_sample=20, now=now + timedelta(days=1))
    # restore the entry the other tests read (min_sample 20)
    load_facts(sample_store, ref, min_sample=20)


def test_refresh_all_pages_stores_every_listed_page(sample_store: Store) -> None:
    from stellenatlas.insights.pages import page_list

    n = refresh_all_pages(sample_store, min_sample=20, limit=5)
    assert n == 5
    for page in page_list(sample_store)[:5]:
        assert sample_store.get_insight(page_key(page["kldb"], page["ags"])) is not None
