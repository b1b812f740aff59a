"""The city facet counted from first places and further places, against brute-force counts.

`facets._city_counts` asks tantivy for the top first places only and trusts that cut when no city outside
it can reach the facet's top list. Here the cut is forced small so that both branches run: the bound
holds for some cut sizes and fails (all first places are counted) for others. The postings use real
municipalities with skewed frequencies, some name the same city twice (it must count once), some have
more places than `PLACE_SLOTS`, and one city is frequent as a further place but rare as a first place,
which is exactly the city a wrong bound would lose.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from pathlib import Path

import pytest

from stellenatlas.refdata import places as refplaces
from stellenatlas.search import facets
from stellenatlas.search.base import IndexDoc, IndexPlace, SearchQuery
from stellenatlas.search.facets import FACET_SIZES
from stellenatlas.search.tantivy_index import PLACE_SLOTS, TantivyIndex, haversine_km, rebuild

_MUNIS = refplaces.municipalities()
POOL = [IndexPlace(a, m.name, m.lat, m.lon) for a, m in list(_MUNIS.items())[:60]]
SECOND_CITY = POOL[-1]  # rare first place, frequent further place


def _docs(n: int = 900, seed: int = 11) -> list[IndexDoc]:
    rnd = random.Random(seed)
    weights = [1.0 / (i + 1) for i in range(len(POOL))]
    docs = []
    for i in range(1, n + 1):
        k = rnd.choice([0, 1, 1, 1, 2, 2, 3, PLACE_SLOTS + 2])
        places = rnd.choices(POOL, weights=weights, k=k)
        if k >= 2 and rnd.random() < 0.2:
            places.insert(1, SECOND_CITY)
        if places and rnd.random() < 0.15:
            places.append(places[0])  # the same city twice: still one posting for it
        docs.append(
            IndexDoc(
                id=i,
                title="Pflegefachkraft (m/w/d)",
                kldb="81302",
                places=tuple(places),
                working_time=rnd.choice(["vollzeit", "teilzeit"]),
                remote="vor_ort",
            )
        )
    return docs


DOCS = _docs()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> TantivyIndex:
    root: Path = tmp_path_factory.mktemp("city-facet")
    rebuild(DOCS, root)
    return TantivyIndex(root, facet_cache_size=0)  # every search counts afresh under the patched sizes


def _expected(docs: list[IndexDoc]) -> Counter[str]:
    return Counter(a for d in docs for a in {p.ags for p in d.places})


def _assert_exact(got: list[tuple[str, int]], docs: list[IndexDoc], size: int) -> None:
    expected = _expected(docs)
    assert [n for _, n in got] == sorted(expected.values(), reverse=True)[:size]
    assert all(expected[ags] == n for ags, n in got)
    assert len({ags for ags, _ in got}) == len(got)


def test_the_data_covers_the_hard_cases() -> None:
    assert any(len(d.places) > PLACE_SLOTS for d in DOCS)
    assert any(len({p.ags for p in d.places}) < len(d.places) for d in DOCS)
    as_first = sum(1 for d in DOCS if d.places and d.places[0] == SECOND_CITY)
    assert _expected(DOCS)[SECOND_CITY.ags] > 5 * as_first


@pytest.mark.parametrize(
    "query", [SearchQuery(page_size=1), SearchQuery(working_time="teilzeit", page_size=1)]
)
@pytest.mark.parametrize(("cut", "size"), [(2, 3), (4, 3), (8, 3), (12, 5), (25, 10), (3, 50), (200, 50)])
def test_city_counts_are_exact_with_any_cut(
    index: TantivyIndex, monkeypatch: pytest.MonkeyPatch, query: SearchQuery, cut: int, size: int
) -> None:
    monkeypatch.setattr(facets, "CITY_FIRST_SIZE", cut)
    monkeypatch.setattr(facets, "CITY_SPLIT_MIN", 0)  # first + further places for any match set
    monkeypatch.setitem(facets.FACET_SIZES, "city", size)
    res = index.search(query)
    matched = [d for d in DOCS if query.working_time in (None, d.working_time)]
    assert res.total == len(matched)
    _assert_exact(res.facets["city"], matched, size)


def test_both_branches_of_the_bound_run(index: TantivyIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes: list[bool] = []
    bound = facets._bound_holds

    def spy(first: dict[str, int], more: dict[str, int], size: int) -> bool:
        outcomes.append(bound(first, more, size))
        return outcomes[-1]

    monkeypatch.setattr(facets, "_bound_holds", spy)
    monkeypatch.setattr(facets, "CITY_SPLIT_MIN", 0)
    monkeypatch.setitem(facets.FACET_SIZES, "city", 3)
    for cut in (2, 4, 8, 12):
        monkeypatch.setattr(facets, "CITY_FIRST_SIZE", cut)
        _assert_exact(index.search(SearchQuery(page_size=1)).facets["city"], DOCS, 3)
    assert True in outcomes and False in outcomes


def _nearest(doc: IndexDoc, lat: float, lon: float) -> float | None:
    return min((haversine_km(lat, lon, p.lat, p.lon) for p in doc.places), default=None)


def _all_pages(ix: TantivyIndex, q: SearchQuery) -> list[tuple[int, float | None]]:
    out: list[tuple[int, float | None]] = []
    page = 1
    while True:
        res = ix.search(dataclasses.replace(q, page=page))
        out += [(h.posting_id, h.distance_km) for h in res.hits]
        if page >= res.pages:
            return out
        page += 1


@pytest.mark.parametrize("split_min", [0, 10**9])
@pytest.mark.parametrize(("center", "radius_km"), [(POOL[0], 60.0), (POOL[5], 150.0), (SECOND_CITY, None)])
def test_a_text_free_browse_by_distance_is_exact_on_every_page(
    index: TantivyIndex,
    monkeypatch: pytest.MonkeyPatch,
    center: IndexPlace,
    radius_km: float | None,
    split_min: int,
) -> None:
    """The circle as a set of places (`radius.distance_page`): the order is (distance, posting id), across
    pages, and the facets count exactly the postings inside (with the city facet split into first and
    further places, and without)."""
    monkeypatch.setattr(facets, "CITY_SPLIT_MIN", split_min)
    q = SearchQuery(lat=center.lat, lon=center.lon, radius_km=radius_km, sort="distance", page_size=37)
    near = [(d, doc) for doc in DOCS if (d := _nearest(doc, center.lat, center.lon)) is not None]
    inside = sorted((d, doc.id) for d, doc in near if radius_km is None or d <= radius_km)
    assert 37 < len(inside) < len(DOCS)  # several pages, and the radius leaves postings out
    res = index.search(q)
    assert res.total == len(inside) and not res.truncated
    by_id = {doc.id: doc for doc in DOCS}
    _assert_exact(res.facets["city"], [by_id[i] for _, i in inside], FACET_SIZES["city"])
    assert _all_pages(index, q) == [(i, round(d, 2)) for d, i in inside]


@pytest.mark.parametrize("page_size", [1, 7, 100])
def test_text_and_distance_order_is_exact_on_every_page(index: TantivyIndex, page_size: int) -> None:
    """With a text condition too, and page sizes that end pages inside a place, between places and beyond
    the last match."""
    center = POOL[2]
    q = SearchQuery(
        text="Pflegefachkraft",
        working_time="teilzeit",
        lat=center.lat,
        lon=center.lon,
        radius_km=120.0,
        sort="distance",
        page_size=page_size,
    )
    inside = sorted(
        (d, doc.id)
        for doc in DOCS
        if doc.working_time == "teilzeit"
        and (d := _nearest(doc, center.lat, center.lon)) is not None
        and d <= 120.0
    )
    assert len(inside) > 100
    res = index.search(q)
    assert res.total == len(inside)
    if page_size == 1:
        assert [(h.posting_id, h.distance_km) for h in res.hits] == [(inside[0][1], round(inside[0][0], 2))]
        return
    assert _all_pages(index, q) == [(i, round(d, 2)) for d, i in inside]


def test_a_text_free_browse_by_date_pages_the_exact_set(index: TantivyIndex) -> None:
    center = POOL[3]
    q = SearchQuery(lat=center.lat, lon=center.lon, radius_km=80.0, sort="date", page_size=50)
    expected = {
        doc.id: round(d, 2)
        for doc in DOCS
        if (d := _nearest(doc, center.lat, center.lon)) is not None and d <= 80.0
    }
    got = _all_pages(index, q)
    assert dict(got) == expected and len(got) == len(expected)


def test_a_place_code_with_two_positions_stays_exact(tmp_path: Path) -> None:
    """A place code indexed at two positions (reference data changed between two ingests) is two places:
    each posting is measured at the position it was indexed with."""
    moved = IndexPlace(POOL[0].ags, POOL[0].name, POOL[0].lat + 0.2, POOL[0].lon)
    docs = [*DOCS[:300], dataclasses.replace(DOCS[300], id=5000, places=(moved,))]
    rebuild(docs, tmp_path)
    ix = TantivyIndex(tmp_path, facet_cache_size=0)
    q = SearchQuery(lat=POOL[0].lat, lon=POOL[0].lon, radius_km=40.0, sort="distance", page_size=100)
    inside = sorted(
        (round(d, 2), doc.id)
        for doc in docs
        if (d := _nearest(doc, POOL[0].lat, POOL[0].lon)) is not None and d <= 40.0
    )
    assert any(i == 5000 for _, i in inside)
    got = _all_pages(ix, q)
    assert sorted((d, i) for i, d in got) == inside
    assert [d for _, d in got] == sorted(d for d, _ in inside)
    near = ix.search(dataclasses.replace(q, radius_km=1.0)).hits
    assert {h.posting_id for h in near} == {i for d, i in inside if d <= 1.0} and 5000 not in {
        h.posting_id for h in near
    }
