"""Occupation synonyms: a query that names an occupation also finds postings of its KldB code (issue 4).

Semantics under test (TantivyIndex._text_query): (every known word matches) OR (kldb == classified code AND
every known side word such as a city matches); words no posting contains do not zero the result.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from stellenatlas.search.analysis import query_occupation
from stellenatlas.search.base import IndexDoc, SearchQuery
from stellenatlas.search.tantivy_index import TantivyIndex, rebuild
from tests.search.conftest import ESSEN, GE, NOW

# (id, title as in real postings, kldb the pipeline gives it, place, description)
ROWS = [
    (1, "Pflegefachmann / Pflegefachfrau (m/w/d) Intensivstation", "81302", ESSEN, "Schichtdienst in Essen."),
    (2, "Gesundheits- und Krankenpflegerin (m/w/d)", "81302", GE, "Station Innere, Gelsenkirchen."),
    (3, "Pflegefachkraft (m/w/d) ambulante Pflege", "81302", ESSEN, "Tourenplanung in Essen."),
    (4, "Pflegehelfer (m/w/d)", "81301", ESSEN, "Grundpflege in Essen."),
    (5, "Tischler (m/w/d) Möbelbau", "22342", ESSEN, "Massivholz, CNC-Bearbeitung."),
    (6, "Schreiner / Tischler für Innenausbau", "22342", GE, "Montage beim Kunden."),
    (7, "Zerspanungsmechaniker Fräsen (m/w/d)", "24232", GE, "DMG-Mori-Maschinen, Heidenhain."),
    (8, "Softwareentwickler Java (m/w/d)", "43414", ESSEN, "Spring Boot."),
]


@pytest.fixture(scope="module")
def syn_index(tmp_path_factory: pytest.TempPathFactory) -> TantivyIndex:
    root: Path = tmp_path_factory.mktemp("synonym_index")
    docs = [
        IndexDoc(id=i, title=t, description=d, kldb=k, places=(p,), posted_at=NOW - timedelta(days=3))
        for i, t, k, p, d in ROWS
    ]
    return rebuild(docs, root)


def ids(index: TantivyIndex, text: str) -> list[int]:
    return [h.posting_id for h in index.search(SearchQuery(text=text, page_size=50)).hits]


@pytest.mark.parametrize(
    ("text", "kldb", "side"),
    [
        ("Pflegefachkraft", "81302", ()),
        ("Pflegefachkraft Essen", "81302", ("essen",)),
        ("Pflegefachkraft Teilzeit", "81302", ("teilzeit",)),
        ("Gesundheits- und Krankenpfleger", "81302", ()),
        ("Schreiner", "22342", ()),
        ("CNC-Fräser", "24232", ()),
        ("Gelsenkirchen", "", ()),
        ("Teilzeit", "", ()),
    ],
)
def test_query_occupation_splits_title_from_side_words(text: str, kldb: str, side: tuple[str, ...]) -> None:
    occ = query_occupation(text)
    assert occ.kldb == kldb
    if kldb:
        assert occ.side_words == side


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the typed word is in no title of 1/2, their code is the occupation the text names
        ("Pflegefachkraft", {1, 2, 3}),
        ("Gesundheits- und Krankenpfleger", {1, 2, 3}),
        ("Schreiner", {5, 6}),
        ("CNC-Fräser", {7}),
        # the city is a side word: code-matched postings must still mention it
        ("Pflegefachkraft Essen", {1, 3}),
        ("Pflegefachkraft Gelsenkirchen", {2}),
    ],
)
def test_occupation_code_finds_synonym_postings(
    syn_index: TantivyIndex, text: str, expected: set[int]
) -> None:
    assert set(ids(syn_index, text)) == expected


def test_typed_title_ranks_above_synonym(syn_index: TantivyIndex) -> None:
    assert ids(syn_index, "Pflegefachkraft")[0] == 3
    assert ids(syn_index, "Schreiner")[0] == 6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Softwareentwickler @ Xylophonbau", {8}),  # a word no posting contains is dropped
        ("Tischler Quxwerk", {5, 6}),
        ("Xylophonbau", set()),  # nothing known left: nothing matches, not everything
    ],
)
def test_unknown_words_do_not_zero_the_result(syn_index: TantivyIndex, text: str, expected: set[int]) -> None:
    assert set(ids(syn_index, text)) == expected


def test_unclassified_query_keeps_all_words_semantics(syn_index: TantivyIndex) -> None:
    # "Pflegekraft" is no BA title and the classifier stays below its threshold: only the posting whose title
    # holds the words (compound parts of "Pflegefachkraft"), not the other 81302 postings (1, 2).
    assert query_occupation("Pflegekraft").kldb == ""
    assert set(ids(syn_index, "Pflegekraft")) == {3}
    # "Pflegehelfer" is classified (81301, the code of posting 4 only).
    assert query_occupation("Pflegehelfer").kldb == "81301"
    assert set(ids(syn_index, "Pflegehelfer")) == {4}
