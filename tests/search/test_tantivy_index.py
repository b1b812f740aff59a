from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from stellenatlas.domain.models import Employer, Place, Posting, Salary, SalaryPeriod, Sector, WorkingTime
from stellenatlas.search import radius
from stellenatlas.search.base import IndexDoc, IndexPlace, SearchQuery, SearchQueryError, doc_from_posting
from stellenatlas.search.tantivy_index import TantivyIndex, haversine_km, haversine_np, rebuild
from tests.search.conftest import BOCHUM, ESSEN, EXPIRED, GE, MUENCHEN, NOW, ROWS, make_docs

ACTIVE = [r for r in ROWS if r[0] not in EXPIRED]


def ids(index: TantivyIndex, **kw: object) -> list[int]:
    res = index.search(SearchQuery(page_size=100, **kw))  # type: ignore[arg-type]
    return [h.posting_id for h in res.hits]


# -- text matching ---------------------------------------------------------------------------------------

IT_PROJECT_COORDINATION = {1, 2, 3, 4, 5, 6}


@pytest.mark.parametrize(
    "text",
    [
        "IT Projektkoordinator",
        "IT-Projektkoordinator",
        "Projektkoordination IT",
        "it-projektkoordinatorin",
        "Projektkoordinator:in IT",
        "IT-Projektkoordinator (m/w/d)",
        "Koordinator IT-Projekte",
    ],
)
def test_title_variants_find_the_same_jobs(index: TantivyIndex, text: str) -> None:
    assert set(ids(index, text=text)) == IT_PROJECT_COORDINATION


@pytest.mark.parametrize(
    ("variants", "must_contain"),
    [
        (["Erzieher", "Erzieherin", "Erzieher*in", "Erzieher:innen", "ErzieherIn"], {13, 14, 15}),
        (["Pflegefachkraft", "Pflegefachkräfte", "Pflegefachkraft (w/m/d)"], {7, 8, 9}),
        (["Koordinator", "Koordinatorin"], {1, 3, 50}),
        (["Kaufmann Büromanagement", "Kauffrau für Büromanagement"], {23, 24}),
        (["Softwareentwickler", "Softwareentwicklerin", "Software-Entwickler"], {17, 18}),
        (["Buchhalter", "Buchhalterin"], {26}),
    ],
)
def test_gender_and_inflection_variants_agree(
    index: TantivyIndex, variants: list[str], must_contain: set[int]
) -> None:
    results = [set(ids(index, text=v)) for v in variants]
    assert must_contain <= results[0]
    assert all(r == results[0] for r in results), dict(zip(variants, results, strict=True))


def test_compound_query_does_not_match_unrelated_titles(index: TantivyIndex) -> None:
    found = set(ids(index, text="Pflegefachkraft"))
    assert found.isdisjoint(
        {10, 12, 16, 30}
    )  # Altenpflegerin, Pflegehelfer, Kinderpflegerin, Fachkraft Lager


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Pflegefachkraft", {7}),
        ("IT-Projektkoordinator", {1, 4, 6}),
        ("Controller", {43}),
        ("Mechatroniker", {33}),
    ],
)
def test_exact_title_ranks_first(index: TantivyIndex, text: str, first: set[int]) -> None:
    assert set(ids(index, text=text)[: len(first)]) == first


@pytest.mark.parametrize(("typo", "expected"), [("Softwareentwikler", {17, 18}), ("Mechatronicker", {33})])
def test_one_typo_is_tolerated(index: TantivyIndex, typo: str, expected: set[int]) -> None:
    assert expected <= set(ids(index, text=typo))


def test_short_words_are_not_fuzzy(index: TantivyIndex) -> None:
    assert ids(index, text="Kich") == []  # "Koch" is one edit away but the word is too short


def test_expired_postings_hidden_by_default(index: TantivyIndex) -> None:
    assert 51 not in ids(index, text="Pflegefachkraft")
    assert 51 in ids(index, text="Pflegefachkraft", status="")


# -- filters ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["4", "43", "434", "4341", "43412", "8", "81302"])
def test_kldb_prefix(index: TantivyIndex, prefix: str) -> None:
    assert set(ids(index, kldb_prefix=prefix)) == {r[0] for r in ACTIVE if r[3].startswith(prefix)}


@pytest.mark.parametrize(
    ("kw", "pred"),
    [
        ({"working_time": "teilzeit"}, lambda r: r[5] == "teilzeit"),
        ({"remote": "remote"}, lambda r: r[6] == "remote"),
        ({"employer": "stadt gelsenkirchen"}, lambda r: r[2] == "Stadt Gelsenkirchen"),
        ({"salary_min_monthly": 5000.0}, lambda r: (r[7][1] or r[7][0] or 0) >= 5000),
        # bounds inside a bucket of the indexed copy (100 EUR, one day) take the exact test at the edge
        ({"salary_min_monthly": 4150.5}, lambda r: (r[7][1] or r[7][0] or 0) >= 4150.5),
        ({"salary_min_monthly": 0.0}, lambda r: (r[7][1] or r[7][0]) is not None),
        ({"posted_since": NOW - timedelta(days=5)}, lambda r: r[8] <= 5),
        ({"posted_since": NOW - timedelta(days=5, hours=1)}, lambda r: r[8] <= 5),
        ({"posted_since": NOW - timedelta(days=4, hours=23)}, lambda r: r[8] <= 4),
    ],
)
def test_filters(index: TantivyIndex, kw: dict[str, object], pred: object) -> None:
    expected = {r[0] for r in ACTIVE if pred(r)}  # type: ignore[operator]
    assert expected
    assert set(ids(index, **kw)) == expected


# -- radius ----------------------------------------------------------------------------------------------


def _nearest(row: tuple, lat: float, lon: float) -> float:  # type: ignore[type-arg]
    return min(haversine_km(lat, lon, p.lat, p.lon) for p in row[4])


def test_real_distances_between_ruhr_cities() -> None:
    assert haversine_km(GE.lat, GE.lon, ESSEN.lat, ESSEN.lon) == pytest.approx(8.5, abs=0.2)
    assert haversine_km(GE.lat, GE.lon, MUENCHEN.lat, MUENCHEN.lon) == pytest.approx(494, abs=5)


@pytest.mark.parametrize("radius", [5.0, 10.0, 20.0, 30.0, 50.0, 500.0])
def test_radius_matches_exact_haversine(index: TantivyIndex, radius: float) -> None:
    res = index.search(SearchQuery(lat=GE.lat, lon=GE.lon, radius_km=radius, page_size=100))
    expected = {r[0] for r in ACTIVE if _nearest(r, GE.lat, GE.lon) <= radius}
    assert {h.posting_id for h in res.hits} == expected
    assert res.total == len(expected)
    by_id = {r[0]: r for r in ACTIVE}
    for h in res.hits:
        assert h.distance_km == pytest.approx(_nearest(by_id[h.posting_id], GE.lat, GE.lon), abs=0.01)


@pytest.mark.parametrize("radius_km", [10.0, 30.0, 500.0])
def test_a_circle_of_many_terms_as_a_term_set_finds_the_same(
    index: TantivyIndex, monkeypatch: pytest.MonkeyPatch, radius_km: float
) -> None:
    """Above UNION_MAX_TERMS terms the circle is a term-set query instead of a union: same postings."""
    q = SearchQuery(lat=GE.lat, lon=GE.lon, radius_km=radius_km, page_size=100, sort="distance")
    as_union = index.search(q)
    monkeypatch.setattr(radius, "UNION_MAX_TERMS", 0)
    fresh = TantivyIndex(index.root, facet_cache_size=0)  # no circle kept from the union run
    as_set = fresh.search(q)
    assert as_set.total == as_union.total > 0
    assert [(h.posting_id, h.distance_km) for h in as_set.hits] == [
        (h.posting_id, h.distance_km) for h in as_union.hits
    ]


@pytest.mark.parametrize(
    ("lat", "lon"), [(GE.lat, GE.lon), (MUENCHEN.lat, MUENCHEN.lon), (54.78, 9.43), (47.39, 10.28)]
)
def test_vectorised_haversine_agrees_with_scalar(lat: float, lon: float) -> None:
    pts = [ESSEN, BOCHUM, MUENCHEN, GE]
    got = haversine_np(lat, lon, np.array([p.lat for p in pts]), np.array([p.lon for p in pts]))
    for p, d in zip(pts, got, strict=True):
        assert d == pytest.approx(haversine_km(lat, lon, p.lat, p.lon), abs=1e-9)


@pytest.mark.parametrize("sort", ["relevance", "date", "distance"])
def test_radius_with_text_is_exact_for_every_sort(index: TantivyIndex, sort: str) -> None:
    q = SearchQuery(text="Projekte", lat=GE.lat, lon=GE.lon, radius_km=30, sort=sort, page_size=100)  # type: ignore[arg-type]
    res = index.search(q)
    everywhere = {h.posting_id for h in index.search(SearchQuery(text="Projekte", page_size=100)).hits}
    by_id = {r[0]: r for r in ACTIVE}
    expected = {i for i in everywhere if by_id[i][4] and _nearest(by_id[i], GE.lat, GE.lon) <= 30}
    assert 0 < len(expected) < len(everywhere)
    assert {h.posting_id for h in res.hits} == expected and res.total == len(expected)


def test_radius_examples(index: TantivyIndex) -> None:
    within10 = set(ids(index, lat=GE.lat, lon=GE.lon, radius_km=10))
    assert 4 in within10  # Essen seat is 8.5 km from the Gelsenkirchen seat
    assert 22 in within10  # the Bochum seat is 8.9 km away
    assert 27 not in within10  # Dortmund: 25.6 km
    assert 27 in set(ids(index, lat=GE.lat, lon=GE.lon, radius_km=30))
    within50 = set(ids(index, lat=GE.lat, lon=GE.lon, radius_km=50))
    assert {6, 15, 19}.isdisjoint(within50)  # München
    assert 40 in set(ids(index, lat=BOCHUM.lat, lon=BOCHUM.lon, radius_km=1))  # multi-place posting


def test_text_and_radius_combine(index: TantivyIndex) -> None:
    found = ids(index, text="IT Projektkoordinator", lat=GE.lat, lon=GE.lon, radius_km=25, sort="distance")
    assert found[:2] in ([1, 2], [2, 1])
    assert set(found) == {1, 2, 3, 4}


# -- sorting, pagination, facets -------------------------------------------------------------------------


def test_sort_by_date(index: TantivyIndex) -> None:
    got = ids(index, text="Pflege", sort="date")
    days = {r[0]: r[8] for r in ROWS}
    assert [days[i] for i in got] == sorted(days[i] for i in got)


def test_sort_by_salary_puts_unknown_last(index: TantivyIndex) -> None:
    got = ids(index, kldb_prefix="8", sort="salary")
    sal = {r[0]: r[7] for r in ROWS}
    mids = [
        (lo + hi) / 2 if (lo := sal[i][0]) is not None and (hi := sal[i][1]) is not None else None
        for i in got
    ]
    known = [m for m in mids if m is not None]
    assert known == sorted(known, reverse=True)
    assert mids[len(known) :] == [None] * (len(mids) - len(known))


def test_sort_by_distance(index: TantivyIndex) -> None:
    res = index.search(
        SearchQuery(lat=ESSEN.lat, lon=ESSEN.lon, radius_km=40, sort="distance", page_size=100)
    )
    dists = [h.distance_km for h in res.hits]
    assert dists == sorted(dists)  # type: ignore[type-var]
    assert dists[0] == 0.0


def test_pagination_is_complete_and_disjoint(index: TantivyIndex) -> None:
    seen: list[int] = []
    page = 1
    while True:
        res = index.search(SearchQuery(page=page, page_size=7, sort="date"))
        assert res.total == len(ACTIVE)
        if not res.hits:
            break
        seen += [h.posting_id for h in res.hits]
        page += 1
    assert sorted(seen) == sorted(r[0] for r in ACTIVE)
    assert page - 1 == res.pages


def test_page_is_capped(index_dir: Path) -> None:
    capped = TantivyIndex(index_dir, max_page=3)
    res = capped.search(SearchQuery(page=10_000, page_size=5))
    assert res.page == 3 and len(res.hits) == 5


def test_facets_count_the_full_match_set(index: TantivyIndex) -> None:
    res = index.search(SearchQuery(page_size=1))
    wt = dict(res.facets["working_time"])
    for value in ("vollzeit", "teilzeit", "minijob"):
        assert wt[value] == sum(1 for r in ACTIVE if r[5] == value)
    city = dict(res.facets["city"])
    assert city["05513000"] == sum(1 for r in ACTIVE if GE in r[4])
    assert dict(res.facets["kldb"])["43412"] == sum(1 for r in ACTIVE if r[3] == "43412")


def test_facets_of_a_radius_query_are_exact(index: TantivyIndex) -> None:
    res = index.search(SearchQuery(lat=GE.lat, lon=GE.lon, radius_km=10, page_size=1))
    inside = [r for r in ACTIVE if _nearest(r, GE.lat, GE.lon) <= 10]
    assert sum(n for _, n in res.facets["remote"]) == len(inside)
    assert dict(res.facets["remote"]).get("hybrid", 0) == sum(1 for r in inside if r[6] == "hybrid")


# -- bad input -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   ", "!!!", "?!.,;:-", "C++ (m/w/d)", 'AND OR NOT "', "title:foo*", "x" * 10_000, "und für die"],
)
def test_odd_text_never_crashes(index: TantivyIndex, text: str) -> None:
    res = index.search(SearchQuery(text=text))
    assert res.total >= 0


def test_long_text_is_truncated_not_rejected(index: TantivyIndex) -> None:
    assert 7 in ids(index, text="Pflegefachkraft " * 700)


@pytest.mark.parametrize(
    ("radius", "expected"),
    [(0.0, {r[0] for r in ACTIVE if GE in r[4]}), (10_000.0, {r[0] for r in ACTIVE})],
)
def test_radius_is_clamped(index: TantivyIndex, radius: float, expected: set[int]) -> None:
    assert set(ids(index, lat=GE.lat, lon=GE.lon, radius_km=radius)) == expected


@pytest.mark.parametrize(
    "kw",
    [
        {"lat": GE.lat, "lon": GE.lon, "radius_km": -5.0},
        {"lat": GE.lat, "lon": GE.lon, "radius_km": float("nan")},
        {"lat": GE.lat},
        {"radius_km": 10.0},
        {"lat": 123.0, "lon": 7.0},
        {"kldb_prefix": "abc"},
        {"kldb_prefix": "123456"},
        {"sort": "distance"},
        {"sort": "beliebt"},
        {"salary_min_monthly": -1.0},
    ],
)
def test_invalid_queries_raise_german_error(index: TantivyIndex, kw: dict[str, object]) -> None:
    with pytest.raises(SearchQueryError) as err:
        index.search(SearchQuery(**kw))  # type: ignore[arg-type]
    assert any(
        w in str(err.value)
        for w in ("Umkreis", "Koordinaten", "Suchort", "Ziffern", "Sortier", "gehalt", "Breiten")
    )


# -- writing, reloading, rebuilding ----------------------------------------------------------------------


def test_add_replace_delete_and_reload_across_instances(tmp_path: Path) -> None:
    writer = TantivyIndex(tmp_path / "ix")
    reader = TantivyIndex(tmp_path / "ix")
    docs = make_docs()[:10]
    assert writer.add(docs) == 10
    writer.commit()
    reader.reload()
    assert reader.count() == 10
    writer.add([IndexDoc(id=1, title="Hausmeister (m/w/d)", places=(GE,))])  # replaces posting 1
    writer.delete([2, 3])
    writer.commit()
    reader.reload()
    assert reader.count() == 8
    assert ids(reader, text="Hausmeister") == [1]
    assert 1 not in ids(reader, text="IT Projektkoordinator")


def test_a_new_place_is_found_by_radius_after_reload(tmp_path: Path) -> None:
    """The reader's table of places (what a radius query is made of) follows the index, epoch by epoch."""
    kiel = IndexPlace("01002000", "Kiel", 54.3233, 10.1228)
    writer = TantivyIndex(tmp_path / "ix")
    reader = TantivyIndex(tmp_path / "ix")
    writer.add(make_docs()[:10])
    writer.commit()
    reader.reload()
    near_kiel = SearchQuery(lat=kiel.lat, lon=kiel.lon, radius_km=20)
    assert reader.search(near_kiel).total == 0
    writer.add([IndexDoc(id=500, title="Hafenlotse (m/w/d)", places=(kiel,))])
    writer.commit()
    reader.reload()
    assert [h.posting_id for h in reader.search(near_kiel).hits] == [500]
    assert [h.posting_id for h in writer.search(dataclasses.replace(near_kiel, sort="distance")).hits] == [
        500
    ]


def test_rebuild_swaps_atomically_for_readers(tmp_path: Path) -> None:
    root = tmp_path / "ix"
    first = rebuild(make_docs()[:5], root)
    reader = TantivyIndex(root)
    assert reader.count() == 5
    second = rebuild(make_docs(), root)
    assert second.generation != first.generation
    assert reader.count() == 5  # still on its generation until it reloads
    reader.reload()
    assert reader.generation == second.generation and reader.count() == len(ROWS)
    rebuild(make_docs()[:3], root)
    gens = sorted(p.name for p in root.iterdir() if p.is_dir())
    assert len(gens) == 2  # live + the one before


def test_doc_from_posting() -> None:
    posting = Posting(
        source="ba",
        source_id="10000-1",
        title="Erzieher*in",
        employer=Employer("Stadt Gelsenkirchen", Sector.PUBLIC),
        description="Kita",
        location_text="Gelsenkirchen / Essen",
        place_ags=("05513000", "05113000", "99999999"),
        kldb="83112",
        salary=Salary(18.5, None, SalaryPeriod.HOUR),
        working_time=WorkingTime.PART_TIME,
        posted_at=datetime(2025, 3, 1, 8, 0),
        id=77,
    )
    places = {p.ags: Place(p.ags, p.name, p.lat, p.lon, 1, p.ags[:5], "", "") for p in (GE, ESSEN)}
    doc = doc_from_posting(posting, places)
    assert doc.id == 77 and doc.kldb == "83112" and doc.working_time == "teilzeit"
    assert [p.ags for p in doc.places] == ["05513000", "05113000"]
    assert doc.places[0] == ("05513000", "Gelsenkirchen", GE.lat, GE.lon)
    assert doc.salary_monthly_min == pytest.approx(18.5 * 40 * 52 / 12, abs=0.01)
    assert doc.employer_sector == "oeffentlicher_dienst"
