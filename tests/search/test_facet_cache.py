"""The facet cache: exact, bounded, and emptied whenever the searcher changes.

The postings are real sample postings (`tools.bench_search.bench_docs`: generator text, ground-truth
occupation, places, working time). Every cached answer is compared with an uncached index on the same
directory AND with counts taken straight from the postings, so a cache that returned another query's
counts, stale counts or a truncated list fails here.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from stellenatlas.refdata import places as refplaces
from stellenatlas.search.base import IndexDoc, IndexPlace, SearchQuery
from stellenatlas.search.facets import FACET_SIZES
from stellenatlas.search.tantivy_index import TantivyIndex, haversine_km, rebuild
from tools.bench_search import NOW, bench_docs

DOCS = list(bench_docs(1500, seed=3))
BERLIN = refplaces.municipalities()["11000000"]

TEXT_FREE = [
    SearchQuery(),
    SearchQuery(working_time="vollzeit"),
    SearchQuery(working_time="teilzeit", remote="hybrid"),
    SearchQuery(kldb_prefix=DOCS[0].kldb[:2]),
    SearchQuery(kldb_prefix=DOCS[1].kldb[:3], sort="date"),
    SearchQuery(salary_min_monthly=3500.0, posted_since=NOW - timedelta(days=30)),
    SearchQuery(lat=BERLIN.lat, lon=BERLIN.lon, radius_km=50.0, sort="distance"),
    SearchQuery(lat=BERLIN.lat, lon=BERLIN.lon, radius_km=300.0, working_time="vollzeit"),
    SearchQuery(text="und für", working_time="vollzeit"),  # stop words only: no text condition
]


def _matches(q: SearchQuery, d: IndexDoc) -> bool:
    """The meaning of a text-free query, straight from the posting."""
    top = d.salary_monthly_max if d.salary_monthly_max is not None else d.salary_monthly_min
    return (
        d.kldb.startswith(q.kldb_prefix)
        and (q.working_time is None or d.working_time == q.working_time)
        and (q.remote is None or d.remote == q.remote)
        and (q.salary_min_monthly is None or (top is not None and top >= q.salary_min_monthly))
        and (q.posted_since is None or (d.posted_at is not None and d.posted_at >= q.posted_since))
        and (
            q.lat is None
            or q.lon is None
            or q.radius_km is None
            or any(haversine_km(q.lat, q.lon, p.lat, p.lon) <= q.radius_km for p in d.places)
        )
    )


def _expected(docs: list[IndexDoc]) -> dict[str, Counter[str]]:
    return {
        "working_time": Counter(d.working_time for d in docs),
        "remote": Counter(d.remote for d in docs),
        "kldb": Counter(d.kldb for d in docs),
        "employer": Counter(d.employer for d in docs),
        "city": Counter(a for d in docs for a in {p.ags for p in d.places}),
    }


def _assert_exact(facets: dict[str, list[tuple[str, int]]], docs: list[IndexDoc]) -> None:
    for name, expected in _expected(docs).items():
        got = facets[name]
        assert [n for _, n in got] == sorted(expected.values(), reverse=True)[: FACET_SIZES[name]], name
        assert all(expected[value] == n for value, n in got), name


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path: Path = tmp_path_factory.mktemp("facet-cache")
    rebuild(DOCS, path)
    return path


@pytest.mark.parametrize("query", TEXT_FREE, ids=range(len(TEXT_FREE)))
def test_cached_counts_are_exact_and_equal_uncached(root: Path, query: SearchQuery) -> None:
    cached_ix = TantivyIndex(root)
    plain_ix = TantivyIndex(root, facet_cache_size=0)
    expected_docs = [d for d in DOCS if _matches(query, d)]
    assert expected_docs, "the query should match something"
    cold = cached_ix.search(query)
    assert cached_ix.facet_cache.misses == 1 and cached_ix.facet_cache.hits == 0
    # another page and another sort order of the same filters: the same match set, so the entry is used
    warm = cached_ix.search(dataclasses.replace(query, page=2, sort="date"))
    assert cached_ix.facet_cache.hits == 1
    plain = plain_ix.search(query)
    assert cold.total == warm.total == plain.total == len(expected_docs)
    assert cold.facets == warm.facets == plain.facets
    _assert_exact(warm.facets, expected_docs)
    assert len(plain_ix.facet_cache) == 0


def test_text_queries_are_cached_per_text(root: Path) -> None:
    """A text query's counts serve its other pages and sort orders; another text is another entry."""
    ix = TantivyIndex(root)
    plain = TantivyIndex(root, facet_cache_size=0)
    word = DOCS[0].title.split()[0]
    first = ix.search(SearchQuery(text=word))
    again = ix.search(SearchQuery(text=word, page=2, sort="date"))
    assert (
        ix.facet_cache.hits == 1
        and again.facets == first.facets == plain.search(SearchQuery(text=word)).facets
    )
    other = ix.search(SearchQuery(text=word, working_time="teilzeit"))
    assert ix.facet_cache.hits == 1 and len(ix.facet_cache) == 2
    assert other.facets == plain.search(SearchQuery(text=word, working_time="teilzeit")).facets


def test_facets_off_neither_reads_nor_fills_the_cache(root: Path) -> None:
    ix = TantivyIndex(root)
    assert ix.search(SearchQuery(facets=False)).facets == {}
    assert len(ix.facet_cache) == 0 and ix.facet_cache.misses == 0


def test_cache_is_bounded_and_returns_copies(root: Path) -> None:
    ix = TantivyIndex(root, facet_cache_size=2)
    first = ix.search(TEXT_FREE[1]).facets
    first["working_time"].clear()  # a caller editing its result must not edit the cache
    for q in TEXT_FREE[2:5]:
        ix.search(q)
    assert len(ix.facet_cache) == 2
    again = ix.search(TEXT_FREE[1])  # evicted meanwhile: counted afresh
    assert again.facets["working_time"] and ix.facet_cache.hits == 0


def _new_posting(pid: int) -> IndexDoc:
    kiel = refplaces.municipalities()["01002000"]
    return IndexDoc(
        id=pid,
        title="Hafenlotsin (m/w/d)",
        description="Lotsendienst im Kieler Hafen.",
        employer="Lotsenbrüderschaft Testförde eG",
        kldb="52412",
        places=(IndexPlace(kiel.ags, kiel.name, kiel.lat, kiel.lon),),
        working_time="minijob",
        remote="vor_ort",
        posted_at=NOW,
    )


def _count(facets: dict[str, list[tuple[str, int]]], name: str, value: str) -> int:
    return dict(facets[name]).get(value, 0)


def test_a_new_posting_is_counted_after_reload(tmp_path: Path) -> None:
    root = tmp_path / "ix"
    rebuild(DOCS[:400], root)
    reader = TantivyIndex(root)
    q = SearchQuery(working_time="minijob")
    before = reader.search(q)
    assert reader.search(q).facets == before.facets and reader.facet_cache.hits == 1
    epoch = reader.epoch
    reader.reload()  # nothing committed (web workers reload every 2 s): the cache stays
    assert reader.epoch == epoch
    reader.search(q)
    assert reader.facet_cache.hits == 2

    new = [_new_posting(10_001), dataclasses.replace(_new_posting(10_002), kldb="52413")]
    writer = TantivyIndex(root)
    writer.add(new)
    writer.commit()
    writer.close_writer()

    # the reader keeps its searcher until it reloads: total and counts stay consistent with each other
    assert reader.search(q).total == before.total
    epoch = reader.epoch
    reader.reload()
    assert reader.epoch > epoch and len(reader.facet_cache) == 0
    after = reader.search(q)
    assert after.total == before.total + 2
    assert (
        _count(after.facets, "working_time", "minijob")
        == _count(before.facets, "working_time", "minijob") + 2
    )
    assert _count(after.facets, "employer", "Lotsenbrüderschaft Testförde eG") == 2
    assert _count(after.facets, "city", "01002000") == _count(before.facets, "city", "01002000") + 2
    assert after.facets == TantivyIndex(root, facet_cache_size=0).search(q).facets
    _assert_exact(after.facets, [d for d in [*DOCS[:400], *new] if _matches(q, d)])


def test_the_writers_own_commit_and_a_delete_invalidate(tmp_path: Path) -> None:
    ix = TantivyIndex(tmp_path / "ix")
    ix.add(DOCS[:300])
    ix.commit()
    q = SearchQuery(lat=BERLIN.lat, lon=BERLIN.lon, radius_km=1000.0, sort="distance")
    before = ix.search(q)
    ix.add([_new_posting(20_001)])
    ix.commit()
    assert ix.search(q).total == before.total + 1
    ix.delete([20_001, DOCS[0].id])
    ix.commit()
    after = ix.search(q)
    assert after.total == before.total - 1
    _assert_exact(after.facets, [d for d in DOCS[1:300] if d.places])


def test_a_rebuilt_generation_invalidates(tmp_path: Path) -> None:
    root = tmp_path / "ix"
    rebuild(DOCS[:200], root)
    reader = TantivyIndex(root)
    first = reader.search(SearchQuery())
    rebuild(DOCS[:250], root)
    assert reader.search(SearchQuery()).facets == first.facets  # not yet reloaded
    reader.reload()
    again = reader.search(SearchQuery())
    assert again.total == 250
    _assert_exact(again.facets, DOCS[:250])


def test_counts_stay_exact_across_segments(tmp_path: Path) -> None:
    """Several commits leave several segments; then no segment's employer list may be cut short (with one
    segment, its top buckets are the global ones and tantivy's default per-segment size is exact)."""
    docs = list(bench_docs(4000, seed=5))
    ix = TantivyIndex(tmp_path / "ix", facet_cache_size=0)
    for part in (docs[:2000], docs[2000:]):
        ix.add(part)
        ix.commit()
    assert ix._index.searcher().num_segments > 1
    # more employers per segment than tantivy keeps by default (10 x size): a cut would show
    assert len({d.employer for d in docs[2000:]}) > 10 * FACET_SIZES["employer"]
    for query in (SearchQuery(page_size=1), SearchQuery(working_time="vollzeit", page_size=1)):
        res = ix.search(query)
        matched = [d for d in docs if _matches(query, d)]
        assert res.total == len(matched)
        _assert_exact(res.facets, matched)
