"""Facets from u64 code columns and distances from per-place fast-field slots, against brute-force counts.

The bigger index in conftest covers ranking; here a seeded set of postings with real municipalities, many
employers and postings with up to seven places (more than `PLACE_SLOTS`) checks that every facet count is
exact on both paths: the tantivy aggregation (text/filter queries) and the numpy count (radius queries).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stellenatlas.refdata import places as refplaces
from stellenatlas.search.base import IndexDoc, IndexPlace, SearchQuery
from stellenatlas.search.tantivy_index import (
    FACET_SIZES,
    PLACE_SLOTS,
    TantivyIndex,
    facet_code,
    haversine_km,
    rebuild,
)

# Gelsenkirchen, Essen, Bochum, Dortmund, Duisburg, Hamburg, München, Berlin, Kiel (AGS with a leading 0)
AGS = [
    "05513000",
    "05113000",
    "05911000",
    "05913000",
    "05112000",
    "02000000",
    "09162000",
    "11000000",
    "01002000",
]
TITLES = ["Pflegefachkraft (m/w/d)", "Erzieherin", "IT-Projektkoordinator", "Fachkraft für Lagerlogistik"]
KLDB = ["81302", "83112", "43412", "51312", "01104"]
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _docs(n: int = 400, seed: int = 7) -> list[IndexDoc]:
    munis = refplaces.municipalities()
    pool = [IndexPlace(a, munis[a].name, munis[a].lat, munis[a].lon) for a in AGS]
    rnd = random.Random(seed)
    docs = []
    for i in range(1, n + 1):
        k = rnd.choice([0, 1, 1, 1, 1, 2, 3, PLACE_SLOTS + 3])
        docs.append(
            IndexDoc(
                id=i,
                title=rnd.choice(TITLES),
                employer=f"Stadtwerke {rnd.randint(1, 120)} GmbH",
                kldb=rnd.choice(KLDB),
                places=tuple(rnd.sample(pool, k)),
                working_time=rnd.choice(["vollzeit", "teilzeit", "minijob"]),
                remote=rnd.choice(["vor_ort", "hybrid", "remote", "unbekannt"]),
                posted_at=NOW - timedelta(days=rnd.randint(0, 60)),
            )
        )
    return docs


DOCS = _docs()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> TantivyIndex:
    root: Path = tmp_path_factory.mktemp("facet-columns")
    return rebuild(DOCS, root)


def _expected(docs: list[IndexDoc]) -> dict[str, Counter[str]]:
    return {
        "working_time": Counter(d.working_time for d in docs),
        "remote": Counter(d.remote for d in docs),
        "kldb": Counter(d.kldb for d in docs),
        "employer": Counter(d.employer for d in docs),
        "city": Counter(p.ags for d in docs for p in d.places),
    }


def _assert_exact(facets: dict[str, list[tuple[str, int]]], docs: list[IndexDoc]) -> None:
    for name, expected in _expected(docs).items():
        got = facets[name]
        assert [n for _, n in got] == sorted(expected.values(), reverse=True)[: FACET_SIZES[name]], name
        assert all(expected[value] == n for value, n in got), name


def _nearest(doc: IndexDoc, lat: float, lon: float) -> float:
    return min(haversine_km(lat, lon, p.lat, p.lon) for p in doc.places)


@pytest.mark.parametrize("value", ["05513000", "01104", "0", "vollzeit", "Stadtwerke Gelsenkirchen GmbH", ""])
def test_facet_code_fits_a_double_and_is_stable(value: str) -> None:
    code = facet_code(value)
    assert 0 <= code < 2**53 and float(code) == code  # aggregation keys come back as JSON numbers
    assert code == facet_code(value)


def test_digit_codes_keep_leading_zeros() -> None:
    assert facet_code("05513000") != facet_code("5513000")


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(page_size=1),
        SearchQuery(text="Pflegefachkraft", page_size=1),
        SearchQuery(working_time="teilzeit", page_size=1),
    ],
)
def test_aggregated_facets_are_exact(index: TantivyIndex, query: SearchQuery) -> None:
    res = index.search(query)
    matched = [d for d in DOCS if d.id in _all_ids(index, query)]
    assert res.total == len(matched)
    _assert_exact(res.facets, matched)


def _all_ids(index: TantivyIndex, query: SearchQuery) -> set[int]:
    out: set[int] = set()
    page = 1
    while True:
        res = index.search(SearchQuery(**{**_fields(query), "page": page, "page_size": 100, "facets": False}))
        out.update(h.posting_id for h in res.hits)
        if page >= res.pages:
            return out
        page += 1


def _fields(q: SearchQuery) -> dict[str, object]:
    return {f: getattr(q, f) for f in q.__slots__}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("ags", "radius", "sort"),
    [
        ("05513000", 10.0, "distance"),  # Gelsenkirchen: Essen and Bochum seats inside
        ("01002000", 5.0, "date"),  # Kiel: often a postings' 5th+ place, read from the stored list
        ("09162000", 700.0, "relevance"),  # München: nearly everything
    ],
)
def test_radius_distances_and_facets_are_exact(
    index: TantivyIndex, ags: str, radius: float, sort: str
) -> None:
    center = refplaces.municipalities()[ags]
    q = SearchQuery(lat=center.lat, lon=center.lon, radius_km=radius, sort=sort, page_size=100)  # type: ignore[arg-type]
    res = index.search(q)
    inside = [d for d in DOCS if d.places and _nearest(d, center.lat, center.lon) <= radius]
    assert res.total == len(inside)
    _assert_exact(res.facets, inside)
    by_id = {d.id: d for d in inside}
    for hit in res.hits:
        assert hit.distance_km == round(_nearest(by_id[hit.posting_id], center.lat, center.lon), 2)
    if sort == "distance":
        assert [h.distance_km for h in res.hits] == sorted(h.distance_km or 0.0 for h in res.hits)


def test_a_posting_is_found_by_its_last_place(index: TantivyIndex) -> None:
    many = next(d for d in DOCS if len(d.places) > PLACE_SLOTS)
    last = many.places[-1]
    res = index.search(SearchQuery(lat=last.lat, lon=last.lon, radius_km=1, page_size=100))
    hit = next(h for h in res.hits if h.posting_id == many.id)
    assert hit.distance_km == 0.0


def test_an_index_with_an_older_schema_asks_for_a_rebuild(tmp_path: Path) -> None:
    import tantivy

    from stellenatlas.search.tantivy_index import IndexSchemaError

    old = tantivy.SchemaBuilder()
    old.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    (tmp_path / "gen-1").mkdir()
    tantivy.Index(old.build(), path=str(tmp_path / "gen-1"))
    (tmp_path / "CURRENT").write_text("gen-1\n", encoding="utf-8")
    with pytest.raises(IndexSchemaError, match="index rebuild"):
        TantivyIndex(tmp_path)
