"""Working time and remote mode are searchable as the words that name them ("Pflegefachkraft Teilzeit"),
whether the posting's text says them or the value came from other words ("halbtags", "Home-Office")."""

from __future__ import annotations

from pathlib import Path

import pytest

from stellenatlas.normalize.attributes import remote, working_time
from stellenatlas.search.base import IndexDoc, SearchQuery
from stellenatlas.search.tantivy_index import TantivyIndex
from tests.search.conftest import ESSEN

# (id, title, description): the attributes come from the real normalizer, as in the ingest pipeline
POSTINGS = [
    (1, "Pflegefachkraft (m/w/d)", "Wir suchen Sie halbtags für unsere Station, 20 Std./Woche."),
    (2, "Pflegefachkraft (m/w/d)", "Unbefristete Anstellung in Vollzeit, 39 Stunden."),
    (3, "Pflegefachkraft (w/m/d)", "Die Stelle ist in Vollzeit oder Teilzeit zu besetzen."),
    (4, "Marketing Manager (m/w/d)", "2 Tage pro Woche im Homeoffice, sonst in Essen."),
    (5, "Marketing Manager (m/w/d)", "Präsenz im Büro in Essen."),
    (6, "Softwareentwickler Java (m/w/d)", "100 % remote aus ganz Deutschland."),
    (7, "Aushilfe Kasse", "Auf 556-Euro-Basis, flexible Zeiten."),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> TantivyIndex:
    docs = [
        IndexDoc(
            id=pid,
            title=title,
            description=text,
            places=(ESSEN,),
            working_time=working_time(f"{title} {text}").value,
            remote=remote(f"{title} {text}").value,
        )
        for pid, title, text in POSTINGS
    ]
    ix = TantivyIndex(Path(tmp_path_factory.mktemp("attr")) / "index")
    ix.add(docs)
    ix.commit()
    ix.reload()
    return ix


def found(index: TantivyIndex, text: str) -> set[int]:
    return {h.posting_id for h in index.search(SearchQuery(text=text, page_size=50, facets=False)).hits}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pflegefachkraft Teilzeit", {1, 3}),  # 1 by its attribute ("halbtags"), 3 by its text
        ("Pflegefachkraft Vollzeit", {2, 3}),
        ("Marketing Manager Hybrid", {4}),  # "2 Tage pro Woche im Homeoffice"
        ("Marketing Manager Homeoffice", {4}),
        ("Softwareentwickler Remote", {6}),
        ("Minijob", {7}),  # "556-Euro-Basis"
    ],
)
def test_attribute_words_find_postings_that_do_not_say_them(
    index: TantivyIndex, text: str, expected: set[int]
) -> None:
    assert found(index, text) == expected
