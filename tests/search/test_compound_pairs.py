"""A query word of several compound parts matches through `title_pairs` terms: the match set must be exactly
"every part somewhere in the title", as the plain intersection of `title_parts` terms defines it."""

from __future__ import annotations

from pathlib import Path

import pytest
from tantivy import Occur, Query

from stellenatlas.search.analysis import (
    COMPOUND_ANALYZER,
    PAIR_MAX_PARTS,
    PAIRS_PARTIAL,
    analyzers,
    part_pairs,
    prepare_text,
)
from stellenatlas.search.base import IndexDoc, SearchQuery
from stellenatlas.search.radius import posting_ids
from stellenatlas.search.tantivy_index import TantivyIndex
from stellenatlas.sources.sample import generate
from tests.search.conftest import make_docs

# More distinct parts than PAIR_MAX_PARTS: indexed with the partial marker instead of pairs.
LONG_TITLE = (
    "Pflegefachkraft, Altenpfleger, Krankenpfleger, Heilerziehungspfleger, Kinderkrankenschwester, "
    "Stationsleitung, Wohnbereichsleitung und Praxisanleitung für Intensivstation, Notaufnahme, Dialyse, "
    "Onkologie, Geriatrie und Palliativversorgung"
)


@pytest.mark.parametrize(
    ("parts", "pairs"),
    [
        (["pfleg", "fach", "kraft"], ["fach kraft", "fach pfleg", "kraft pfleg"]),
        (["it", "projekt", "koordinat"], ["it koordinat", "it projekt", "koordinat projekt"]),
        (["kraft", "fahr", "kraft"], ["fahr kraft"]),  # "Kraftfahrer Kraftverkehr": a part counts once
        (["koch"], []),
        ([], []),
    ],
)
def test_part_pairs(parts: list[str], pairs: list[str]) -> None:
    assert part_pairs(parts) == pairs


def test_a_title_with_too_many_parts_gets_the_marker() -> None:
    parts = analyzers()[COMPOUND_ANALYZER].analyze(prepare_text(LONG_TITLE))
    assert len(set(parts)) > PAIR_MAX_PARTS
    assert part_pairs(parts) == [PAIRS_PARTIAL]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> TantivyIndex:
    docs = make_docs()
    docs += [IndexDoc(id=1000 + i, title=raw.title) for i, raw in enumerate(generate(3000, seed=7))]
    docs.append(IndexDoc(id=9999, title=LONG_TITLE))
    index = TantivyIndex(Path(tmp_path_factory.mktemp("pairs")) / "index")
    index.add(docs)
    index.commit()
    index.reload()
    return index


WORDS = [
    "Pflegefachkraft",
    "Fachkrankenpfleger",
    "Projektkoordinator",
    "IT-Projektkoordination",
    "Softwareentwickler",
    "Kinderpfleger",
    "Fachkraft",
    "Lagerlogistik",
    "Berufskraftfahrer",
    "Industriemechaniker",
    "Verwaltungsfachangestellte",
    "Energieelektroniker",
    "Stationsleitung",
    "Palliativversorgung",
    "Heilerziehungspfleger",
    "Kauffrau",
]


@pytest.mark.parametrize("word", WORDS)
def test_pairs_match_exactly_what_all_parts_match(corpus: TantivyIndex, word: str) -> None:
    parts = analyzers()[COMPOUND_ANALYZER].analyze(prepare_text(word))
    searcher = corpus._index.searcher()
    every_part = Query.boolean_query(
        [(Occur.Must, Query.term_query(corpus._schema, "title_parts", p)) for p in parts]
    )

    def found(query: Query) -> set[int]:
        return set(posting_ids(searcher, [a for _, a in searcher.search(query, limit=10_000).hits]))

    expected = found(every_part)
    assert found(corpus._queries.parts_query(searcher, parts)) == expected
    if len(set(parts)) > 1 and set(parts) <= set(
        analyzers()[COMPOUND_ANALYZER].analyze(prepare_text(LONG_TITLE))
    ):
        assert 9999 in expected  # reached through the marker


def test_the_long_title_is_found_by_a_compound_of_its_parts(corpus: TantivyIndex) -> None:
    res = corpus.search(SearchQuery(text="Pflegefachkraft Palliativversorgung", page_size=100))
    assert 9999 in {h.posting_id for h in res.hits}
