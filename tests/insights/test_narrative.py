"""The career-guide text: every number in it is a displayed value, its phrasing varies by page but not by
render, and thin data is said, not papered over."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from stellenatlas.insights.factsheet import fact_sheet, fact_sheet_numbers, number_tokens
from stellenatlas.insights.narrative import choose, narrative, word_count
from stellenatlas.insights.pages import PageRef, page_list
from stellenatlas.refdata import occupations as refocc
from stellenatlas.refdata import places as refplaces
from stellenatlas.store.repo import Store

MIN_SAMPLE = 20


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Median 4.450 € brutto", {"4.450 €"}),
        ("in 44 % der Anzeigen", {"44 %"}),
        ("Faktor 1,5 gegenüber", {"1,5"}),
        ("seit 2025 gestiegen", {"2025"}),
        ("Vorjahr: 20 (−15 %)", {"20", "15 %"}),
        ("Zuwachs +12 %", {"12 %"}),
        ("Essen (8,4 km, 3 Anzeigen)", {"8,4 km", "3"}),
        ("Stand 01.11.2026", {"01.11.2026"}),
        ("Berufserfahren (3–5 Jahre) 4.500 € (n = 30)", {"3", "5", "4.500 €", "30"}),
        ("PRINCE2 und TVöD VKA E 9a", set()),  # digits inside names are no quantities
        ("TVöD VKA E 11 mit 4.153 € bis 6.154 €", {"11", "4.153 €", "6.154 €"}),
        ("4.450\u00a0€ und 44\u202f%", {"4.450 €", "44 %"}),
    ],
)
def test_number_tokens_read_german_formats(text: str, tokens: set[str]) -> None:
    assert number_tokens(text) == tokens


def _facts(store: Store, page: dict[str, Any]) -> dict[str, Any]:
    occupation = refocc.kldb(page["kldb"])
    place = refplaces.municipalities()[page["ags"]]
    assert occupation is not None
    ref = PageRef(
        occupation=occupation, title=page["title"], occupation_slug=page["occupation_slug"], place=place
    )
    return ref.facts(store, min_sample=MIN_SAMPLE)


@pytest.fixture(scope="module")
def pages(sample_store: Store) -> list[dict[str, Any]]:
    listed = page_list(sample_store)
    assert len(listed) >= 20
    # the biggest pages and a spread of smaller ones: rich and thin facts alike
    chosen = listed[:12] + listed[12 :: max(1, len(listed) // 18)]
    return [{"page": p, "facts": _facts(sample_store, p)} for p in chosen[:30]]


def test_every_number_in_the_narrative_is_a_displayed_value(pages: list[dict[str, Any]]) -> None:
    checked = 0
    for item in pages:
        facts = item["facts"]
        sheet = fact_sheet_numbers(facts)
        for paragraph in narrative(facts):
            found = number_tokens(paragraph["text"])
            assert found <= sheet, (item["page"]["url"], paragraph["id"], found - sheet, paragraph["text"])
            checked += len(found)
    assert checked > 100  # the texts do carry numbers


def test_the_check_catches_an_invented_number(pages: list[dict[str, Any]]) -> None:
    facts = pages[0]["facts"]
    sheet = fact_sheet_numbers(facts)
    median = facts["salary"].get("median") or 4000
    invented = f"Im Schnitt verdient man {median + 13:,} €".replace(",", ".")
    assert number_tokens(invented) - sheet


def test_text_is_stable_per_page_and_varies_between_pages(pages: list[dict[str, Any]]) -> None:
    first = pages[0]["facts"]
    assert narrative(first) == narrative(copy.deepcopy(first))
    # the same facts under another page key pick other phrasings in at least one paragraph
    moved = copy.deepcopy(first)
    texts = set()
    for i in range(6):
        moved["key"] = f"page:{first['occupation']['kldb']}:{i:08d}"
        texts.add(" ".join(p["text"] for p in narrative(moved)))
    assert len(texts) >= 3
    assert choose("page:1:2", "slot", ["a", "b", "c"]) == choose("page:1:2", "slot", ["a", "b", "c"])


def test_a_rich_page_reads_like_an_article_of_300_to_600_words(pages: list[dict[str, Any]]) -> None:
    richest = max(pages, key=lambda item: item["facts"]["postings"]["last_12_months"])
    paragraphs = narrative(richest["facts"])
    assert {"rolle", "markt", "gehalt", "arbeitgeber", "einstieg", "weiterbildung"} <= {
        p["id"] for p in paragraphs
    }
    assert 300 <= word_count(paragraphs) <= 600, word_count(paragraphs)


def test_all_page_texts_stay_within_600_words(pages: list[dict[str, Any]]) -> None:
    for item in pages:
        assert word_count(narrative(item["facts"])) <= 600, item["page"]["url"]


def _thin(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts of a page with one posting in a year and no salary anywhere."""
    thin = copy.deepcopy(facts)
    thin["postings"].update(active=1, last_12_months=1, thin=True)
    thin["trend"].update(last_12_months=1, previous_12_months=0, change_vs_previous_year=None)
    thin["salary"] = {
        "n": 0,
        "level": None,
        "region": None,
        "fallback": False,
        "tariff_n": 0,
        "tried": [],
        "min_sample": MIN_SAMPLE,
        "tariff": None,
    }
    thin["employers"] = [{"name": "Stadt Gelsenkirchen", "count": 1}]
    thin["sectors"] = [
        {"sector": "oeffentlicher_dienst", "label": "Öffentlicher Dienst", "count": 1, "share": 1.0}
    ]
    thin["requirements"].update(n=1, skills=[], career_changer_share=0.0, career_changer_count=0)
    thin["nearby"] = []
    return thin


def test_thin_data_is_said_not_invented(pages: list[dict[str, Any]]) -> None:
    thin = _thin(pages[0]["facts"])
    paragraphs = {p["id"]: p["text"] for p in narrative(thin)}
    assert "kleine Datenbasis" in paragraphs["markt"]
    assert "Eine Gehaltsspanne nennen wir" in paragraphs["gehalt"] and "€" not in paragraphs["gehalt"]
    assert "Vorjahresvergleich gibt es nicht" in paragraphs["markt"]
    assert "weiterbildung" not in paragraphs  # no skills -> no training advice
    sheet = fact_sheet_numbers(thin)
    for text in paragraphs.values():
        assert number_tokens(text) <= sheet, text


def test_no_postings_at_all_says_so(pages: list[dict[str, Any]]) -> None:
    empty = _thin(pages[0]["facts"])
    empty["postings"].update(active=0, last_12_months=0)
    empty["trend"].update(last_12_months=0)
    market = next(p["text"] for p in narrative(empty) if p["id"] == "markt")
    assert "keine Stellenanzeige" in market


def test_fact_sheet_lists_labelled_values(pages: list[dict[str, Any]]) -> None:
    labels = dict(fact_sheet(pages[0]["facts"]))
    assert labels["Beruf"] == pages[0]["page"]["title"]
    assert "Aktive Anzeigen" in labels and "Stand" in labels
