"""`SearchIndex` on tantivy.

Layout on disk, writer and readers
----------------------------------
``<root>/CURRENT`` names the live generation directory ``<root>/gen-<ns>/`` (a plain tantivy index).

* One writer at a time: tantivy holds a lock file inside the generation directory, so a second writer
  (``add``/``delete``) in another process fails instead of corrupting the index. The writer uses a
  128 MB heap and publishes with ``commit()``; ``rebuild`` uses one thread with a large budget
  (``REBUILD_HEAP``) so that the new generation is a single segment.
* Readers (web workers) open ``TantivyIndex(root)`` and call ``reload()`` when they want fresh data (e.g.
  once per request or on a timer): it re-reads ``CURRENT`` and either reopens a swapped-in generation or
  refreshes the searcher of the current one.
* ``rebuild(docs, root)`` builds a complete NEW generation beside the live one and then replaces
  ``CURRENT`` with ``os.replace`` (atomic on POSIX), so readers see either the old or the new index, never
  a half-built one. The generation before the live one is kept (a reader may still be on it); older ones
  are removed. Incremental ``add`` after a rebuild must happen through the index returned by ``rebuild``
  (or a fresh ``TantivyIndex(root)``) so the writer works on the live generation.

Queries (plan, filters, text query) are built in `query.py`, never by tantivy's query parser.

Radius search (the circle as grid cells and places, so tantivy counts, sorts and aggregates it) is in
`radius.py`, facet counting (exact) and the facet cache in `facets.py`. The index holds open postings only
(`sources.ingest.index_postings`, `rebuild` callers): a status filter is applied only when another status is
present.

Readers use tantivy's *manual* reload policy: the searcher changes only in `reload()`, `commit()` or when a
new generation is opened, and each of those bumps `epoch`. That is what makes the facet cache safe: an
entry is keyed by the epoch it was computed under, and the cache is emptied whenever the epoch moves.
"""

from __future__ import annotations

import math
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import tantivy
from tantivy import FieldType, Occur, Order, Query

from stellenatlas.domain.models import Remote, WorkingTime
from stellenatlas.search.analysis import (
    COMPOUND_ANALYZER,
    KEYWORD_ANALYZER,
    PLAIN_ANALYZER,
    STEM_ANALYZER,
    analyzers,
    exact_key_of_prepared,
    part_pairs,
    prepare_text,
)
from stellenatlas.search.base import (
    IndexDoc,
    SearchHit,
    SearchQuery,
    SearchResult,
)
from stellenatlas.search.facets import (
    FACET_CACHE_SIZE,
    FACET_SIZES,
    FacetCache,
    FacetNamer,
    Facets,
    aggregate,
    facet_code,
    place_counts,
)
from stellenatlas.search.query import (
    DAY_S,
    QueryBuilder,
    employer_key,
    plan_query,
    salary_bucket,
    timestamp,
)
from stellenatlas.search.radius import (
    CELL_FIELD,
    EARTH_KM,
    PLACE_FIELD,
    PLACE_SLOTS,
    PlaceTable,
    cell_terms,
    distance_page,
    distances_np,
    haversine_km,
    haversine_np,
    place_term,
    places_query,
    posting_ids,
)

__all__ = [  # re-exported: callers and tests import these from here
    "EARTH_KM",
    "FACET_SIZES",
    "PLACE_SLOTS",
    "IndexSchemaError",
    "TantivyIndex",
    "facet_code",
    "haversine_km",
    "haversine_np",
    "rebuild",
]

# A posting's working time and remote mode are searchable as the words that name them: "Pflegefachkraft
# Teilzeit" wants part-time postings whether or not their text says "Teilzeit" (the value may come from
# "halbtags" or "20 Std./Woche"), and "Vollzeit oder Teilzeit" postings keep matching through their text.
# As body words, not as a query-side alternative: an extra clause on the attribute (214k of 1M postings for
# Teilzeit) cost +3 ms per such query; as words, the 1M mix stayed at p50 1.09, p99 4.2 ms.
ATTRIBUTE_WORDS: dict[str, tuple[str, ...]] = {
    WorkingTime.PART_TIME.value: ("Teilzeit",),
    WorkingTime.FULL_TIME.value: ("Vollzeit",),
    WorkingTime.MINIJOB.value: ("Minijob",),
    Remote.HYBRID.value: ("Hybrid", "Homeoffice"),
    Remote.REMOTE.value: ("Remote", "Homeoffice"),
}
WRITER_HEAP = 128_000_000
# `rebuild` indexes everything in one go: with one indexing thread and a heap that holds ~1M postings,
# tantivy writes a single segment and never merges in the background (1M bench postings: one segment). The calling thread (text preparation) is the bottleneck, so a second indexing
# thread only adds segments and merge work; at 100k postings one thread was as fast or faster in
# interleaved runs on the shared machine. The heap is a budget, not an allocation; tantivy caps it at
# ~4.29 GB per thread.
REBUILD_HEAP = 3_000_000_000
REBUILD_THREADS = 1
CIRCLE_CACHE_SIZE = 1024  # radius queries (city, radius) whose cells and places a reader keeps per epoch
RERANK_MARGIN = 50  # hits beyond the page that the freshness re-ranking may move up
FRESHNESS_WEIGHT = 0.25  # a posting from today scores up to 25 % more than an old one
FRESHNESS_HALF_LIFE_DAYS = 14.0
_POINTER = "CURRENT"


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    sb.add_text_field("title", tokenizer_name=STEM_ANALYZER, index_option="freq")
    sb.add_text_field("title_parts", tokenizer_name=COMPOUND_ANALYZER, index_option="freq")
    sb.add_text_field("title_pairs", tokenizer_name=KEYWORD_ANALYZER, index_option="basic")
    sb.add_text_field("title_plain", tokenizer_name=PLAIN_ANALYZER, index_option="basic")
    sb.add_text_field("title_exact", tokenizer_name=KEYWORD_ANALYZER, index_option="basic")
    sb.add_text_field("body", tokenizer_name=STEM_ANALYZER, index_option="freq")
    sb.add_text_field("employer_text", tokenizer_name=STEM_ANALYZER, index_option="freq")
    for raw in ("employer", "employer_key", "kldb", "kldb_prefix", "working_time", "remote", "status", "ags"):
        sb.add_text_field(raw, tokenizer_name=KEYWORD_ANALYZER, index_option="basic", fast=True)
    # indexed: the city facet restricts its second count to postings with more than one place
    sb.add_unsigned_field("nplaces", indexed=True, fast=True)
    # The city facet as two keyword columns: the first place (single-valued, counted by term ordinal like
    # KldB) and the further places (multi-valued, counted over the few postings that have them only).
    sb.add_text_field("ags_first", tokenizer_name=KEYWORD_ANALYZER, index_option="basic", fast=True)
    sb.add_text_field("ags_more", tokenizer_name=KEYWORD_ANALYZER, index_option="basic", fast=True)
    for i in range(PLACE_SLOTS):
        sb.add_float_field(f"lat_{i}", fast=True)
        sb.add_float_field(f"lon_{i}", fast=True)
        sb.add_unsigned_field(f"f_city_{i}", fast=True)
    sb.add_unsigned_field("f_city", fast=True)  # multi-valued: one code per place, for the aggregation
    for name in ("working_time", "remote", "kldb", "employer"):
        sb.add_unsigned_field(f"f_{name}", fast=True)
    sb.add_text_field("geo", stored=True, tokenizer_name=KEYWORD_ANALYZER, index_option="basic")
    # one term per place: its code and exact coordinates (radius.PlaceTable reads the distinct places from here)
    sb.add_text_field(PLACE_FIELD, tokenizer_name=KEYWORD_ANALYZER, index_option="basic")
    # the grid cells of the places, every level (radius.cell_terms): a radius query names a few cells
    # instead of every place inside it
    sb.add_text_field(CELL_FIELD, tokenizer_name=KEYWORD_ANALYZER, index_option="basic")
    sb.add_float_field("sal_max", fast=True)
    sb.add_float_field("sal_sort", fast=True)
    sb.add_integer_field("posted_ts", fast=True)
    # Coarse, indexed copies of the two range filters: a range over a few hundred terms of the inverted
    # index is an exact bitset tantivy can intersect cheaply; a range over a fast field is a scan that
    # made "Vollzeit AND posted in the last 30 days" cost 10x the day range alone at 1M postings.
    sb.add_unsigned_field("posted_day", indexed=True)
    sb.add_unsigned_field("sal_bucket", indexed=True)
    return sb.build()


class IndexSchemaError(RuntimeError):
    """The index on disk has another schema than this code writes; `stellenatlas index rebuild` fixes it."""


class TantivyIndex:
    """A tantivy index under `root` (see module docstring for the generation layout)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        max_page: int = 100,
        writer_threads: int = 0,
        writer_heap: int = WRITER_HEAP,
        facet_cache_size: int = FACET_CACHE_SIZE,
        _generation: str | None = None,
    ) -> None:
        self.root = Path(path)
        self.max_page = max_page
        self._writer_threads = writer_threads
        self._writer_heap = writer_heap
        self._schema = _schema()
        self._queries = QueryBuilder(self._schema)
        self._multi_place = Query.range_query(
            self._schema, "nplaces", FieldType.Unsigned, 2, None, use_inverted_index=True
        )
        self._writer: tantivy.IndexWriter | None = None
        self.epoch = 0  # bumped whenever the searcher may change (see module docstring)
        self._places: tuple[int, PlaceTable] | None = None
        self._circles: dict[tuple[int, tuple[float, float], float | None], Query] = {}
        self.facet_cache = FacetCache(facet_cache_size)
        self.root.mkdir(parents=True, exist_ok=True)
        gen = _generation or self._read_pointer()
        if gen is None:
            gen = _new_generation(self.root)
            _write_pointer(self.root, gen)
        self._open(gen)

    # -- lifecycle -------------------------------------------------------------------------------------

    def _read_pointer(self) -> str | None:
        try:
            return (self.root / _POINTER).read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def _open(self, gen: str) -> None:
        gen_dir = self.root / gen
        gen_dir.mkdir(exist_ok=True)
        try:
            index = tantivy.Index(self._schema, path=str(gen_dir), reuse=True)
        except ValueError as exc:
            if "schema does not match" not in str(exc):
                raise
            # e.g. built before the facet code columns existed: only a rebuild can add fields
            raise IndexSchemaError(
                f"Der Suchindex {gen_dir} stammt von einer älteren Version. "
                "Bitte neu aufbauen: stellenatlas index rebuild"
            ) from exc
        for name, analyzer in analyzers().items():
            index.register_tokenizer(name, analyzer)
        # The searcher must change only where `epoch` is bumped; tantivy's default policy would swap it
        # in the background ~0.5 s after another process commits, under a facet cache entry's feet.
        # meta.json is read first, so the searcher is at least as new as the state it describes.
        self._meta = _read_meta(gen_dir)
        index.config_reader("manual")
        self._index = index
        self._gen = gen
        self._facet_namer = FacetNamer()
        self._new_epoch()

    def _new_epoch(self) -> None:
        self.epoch += 1
        self.facet_cache.clear()
        self._circles = {}

    @property
    def generation(self) -> str:
        return self._gen

    def reload(self) -> None:
        gen = self._read_pointer()
        if gen is not None and gen != self._gen:
            self._writer = None  # a writer on a replaced generation must not keep writing there
            self._open(gen)
            return
        # Web workers call this every few seconds. tantivy rewrites meta.json on every commit (and merge),
        # so while it is unchanged the searcher would not change either and the facet cache stays valid.
        meta = _read_meta(self.root / self._gen)
        if meta != self._meta:
            self._meta = meta
            self._index.reload()
            self._new_epoch()

    def _get_writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self._index.writer(heap_size=self._writer_heap, num_threads=self._writer_threads)
        return self._writer

    def close_writer(self) -> None:
        """Release the writer lock (after waiting for background merges)."""
        if self._writer is not None:
            self._writer.wait_merging_threads()
            self._writer = None

    # -- writing ---------------------------------------------------------------------------------------

    def add(self, docs: Iterable[IndexDoc], *, replace: bool = True) -> int:
        writer = self._get_writer()
        n = 0
        for doc in docs:
            if replace:
                writer.delete_documents_by_query(self._queries.term("id", doc.id))
            writer.add_document(self._to_tantivy(doc))
            n += 1
        return n

    def delete(self, posting_ids: Iterable[int]) -> None:
        writer = self._get_writer()
        for pid in posting_ids:
            # delete_documents_by_term would build a signed-integer term that never matches the u64 field.
            writer.delete_documents_by_query(self._queries.term("id", int(pid)))

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
        self._meta = _read_meta(self.root / self._gen)
        self._index.reload()
        self._new_epoch()

    @staticmethod
    def _to_tantivy(doc: IndexDoc) -> tantivy.Document:
        d = tantivy.Document()
        d.add_unsigned("id", doc.id)
        title = prepare_text(doc.title)
        d.add_text("title", title)
        d.add_text("title_parts", title)
        for pair in part_pairs(analyzers()[COMPOUND_ANALYZER].analyze(title)):
            d.add_text("title_pairs", pair)
        d.add_text("title_plain", title)
        d.add_text("title_exact", exact_key_of_prepared(title))  # the title is prepared once, not twice
        extra = (
            doc.extra_terms + ATTRIBUTE_WORDS.get(doc.working_time, ()) + ATTRIBUTE_WORDS.get(doc.remote, ())
        )
        body = doc.description if not extra else doc.description + "\n" + " ".join(extra)
        d.add_text("body", prepare_text(body))
        if doc.employer:
            d.add_text("employer_text", doc.employer)
            d.add_text("employer", doc.employer)
            d.add_text("employer_key", employer_key(doc.employer))
        if doc.kldb:
            d.add_text("kldb", doc.kldb)
            for i in range(1, min(5, len(doc.kldb)) + 1):
                d.add_text("kldb_prefix", doc.kldb[:i])
        d.add_text("working_time", doc.working_time)
        d.add_text("remote", doc.remote)
        d.add_text("status", doc.status)
        d.add_unsigned("f_working_time", facet_code(doc.working_time))
        d.add_unsigned("f_remote", facet_code(doc.remote))
        if doc.kldb:
            d.add_unsigned("f_kldb", facet_code(doc.kldb))
        if doc.employer:
            d.add_unsigned("f_employer", facet_code(doc.employer))
        # one entry per distinct AGS: a facet counts postings, not places
        places = list({p.ags: p for p in doc.places}.values())
        for cell in dict.fromkeys(c for p in places for c in cell_terms(p.lat, p.lon)):
            d.add_text(CELL_FIELD, cell)
        for i, place in enumerate(places):
            d.add_text("ags", place.ags)
            d.add_text("ags_first" if i == 0 else "ags_more", place.ags)
            d.add_text(PLACE_FIELD, place_term(place.ags, place.lat, place.lon))
            code = facet_code(place.ags)
            d.add_unsigned("f_city", code)
            if i < PLACE_SLOTS:
                d.add_float(f"lat_{i}", float(place.lat))
                d.add_float(f"lon_{i}", float(place.lon))
                d.add_unsigned(f"f_city_{i}", code)
        d.add_unsigned("nplaces", len(places))
        if len(places) > PLACE_SLOTS:
            d.add_text("geo", ";".join(f"{p.ags},{p.lat:.5f},{p.lon:.5f}" for p in places))
        lo, hi = doc.salary_monthly_min, doc.salary_monthly_max
        top = hi if hi is not None else lo
        if top is not None:
            d.add_float("sal_max", float(top))
            d.add_float("sal_sort", float((lo + hi) / 2 if lo is not None and hi is not None else top))
            d.add_unsigned("sal_bucket", salary_bucket(float(top)))
        if doc.posted_at is not None:
            ts = timestamp(doc.posted_at)
            d.add_integer("posted_ts", ts)
            d.add_unsigned("posted_day", max(0, ts // DAY_S))
        return d

    # -- reading ---------------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._index.searcher().num_docs)

    def search(self, q: SearchQuery) -> SearchResult:
        plan = plan_query(q, self.max_page)
        # epoch before searcher: a reload in between files this query's counts under the older epoch,
        # whose entries are never read again, instead of filing older counts under the newer one
        epoch = self.epoch
        searcher = self._index.searcher()
        text_query = self._queries.text_query(searcher, plan.text_words, plan.exact_key, plan.occupation)
        sort = q.sort if (q.sort != "relevance" or text_query is not None) else "date"
        geo = plan.center is not None and (plan.radius_km is not None or sort == "distance")
        clauses = [(Occur.Must, f) for f in self._queries.filters(searcher, q)]
        if text_query is not None:
            clauses.append((Occur.Must, text_query))
        base = Query.boolean_query(clauses) if clauses else Query.all_query()
        near: list[tuple[float, str, str]] = []
        places = 0
        if geo:
            assert plan.center is not None
            table = self._place_table(searcher, epoch)
            places = len(table.terms)
            clauses.append((Occur.Must, self._circle(table, epoch, plan.center, plan.radius_km)))
            if sort == "distance":
                near = table.near(*plan.center, plan.radius_km)
        query = Query.boolean_query(clauses) if clauses else Query.all_query()
        # The match set is a function of the words, the occupation they name and the filters: its counts
        # can be shared with every other page and sort order of the same query until the searcher changes.
        cache_key = self._queries.cache_key(epoch, q, plan, geo) if q.facets else None
        cached = self.facet_cache.get(cache_key) if cache_key is not None else None
        counted: Facets | None = None

        if sort == "distance":
            assert plan.center is not None
            # one pass: per-place counts for the walk, the total, and the facets (city = top places)
            counts, total, counted = place_counts(
                searcher, query, places, self._facet_namer, q.facets and cached is None
            )
            # the walk asks for places inside the circle only: `base` spares it the circle's bitset
            hits = distance_page(
                searcher, self._schema, base, near, counts, plan.center, plan.offset, plan.page_size
            )
        elif sort == "relevance":
            window = plan.offset + plan.page_size + RERANK_MARGIN
            res = searcher.search(query, limit=window, count=True)
            scored = self._rerank_fresh(searcher, res.hits)[plan.offset : plan.offset + plan.page_size]
            hits = self._hits(searcher, scored, plan.center)
            total = int(getattr(res, "count", 0) or 0)  # the bundled type stub lacks `count`
        else:
            field = "posted_ts" if sort == "date" else "sal_sort"
            res = searcher.search(
                query,
                limit=plan.page_size,
                offset=plan.offset,
                count=True,
                order_by_field=field,
                order=Order.Desc,
            )
            scored = [(float(key) if key is not None else 0.0, addr) for key, addr in res.hits]
            hits = self._hits(searcher, scored, plan.center)
            total = int(getattr(res, "count", 0) or 0)
        facets: Facets = {}
        if q.facets:
            facets = (
                cached
                if cached is not None
                else counted
                if counted is not None
                else aggregate(searcher, query, self._facet_namer, self._multi_place, total)
            )
            if cached is None and cache_key is not None:
                self.facet_cache.put(cache_key, facets)
        return SearchResult(total, hits, facets, plan.page, plan.page_size)

    def _circle(
        self, table: PlaceTable, epoch: int, center: tuple[float, float], radius_km: float | None
    ) -> Query:
        """The postings within `radius_km` of `center` as a query (cells and places), kept per epoch: the same
        city and radius come back often, and measuring every place costs ~0.4 ms."""
        key = (epoch, center, radius_km)
        found = self._circles.get(key)
        if found is not None:
            return found
        dist = table.distances(*center)
        inside = dist <= radius_km if radius_km is not None else np.ones(len(dist), dtype=bool)
        cells, terms = table.cover(inside)
        # a constant score: the circle is a filter, it must not rank postings with two places higher
        circle = Query.const_score_query(places_query(self._schema, terms, cells), 1.0)
        if len(self._circles) >= CIRCLE_CACHE_SIZE:
            self._circles.clear()
        self._circles[key] = circle
        return circle

    def _place_table(self, searcher: tantivy.Searcher, epoch: int) -> PlaceTable:
        """The index's places, read once per epoch (the searcher, and so its places, change only with it)."""
        cached = self._places
        if cached is not None and cached[0] == epoch:
            return cached[1]
        table = PlaceTable.read(searcher)
        self._places = (epoch, table)
        return table

    # -- result assembly -------------------------------------------------------------------------------

    def _rerank_fresh(
        self, searcher: tantivy.Searcher, hits: list[tuple[float, tantivy.DocAddress]]
    ) -> list[tuple[float, tantivy.DocAddress]]:
        if not hits:
            return []
        addrs = [a for _, a in hits]
        posted = searcher.fast_field_values("posted_ts", addrs)
        now = time.time()
        out = []
        for (score, addr), ts in zip(hits, posted, strict=True):
            factor = 1.0
            if ts is not None:
                age_days = max(0.0, (now - ts) / 86400)
                factor += FRESHNESS_WEIGHT * 0.5 ** (age_days / FRESHNESS_HALF_LIFE_DAYS)
            out.append((score * factor, addr))
        out.sort(key=lambda x: -x[0])
        return out

    def _hits(
        self,
        searcher: tantivy.Searcher,
        scored: list[tuple[float, tantivy.DocAddress]],
        center: tuple[float, float] | None,
    ) -> list[SearchHit]:
        addrs = [a for _, a in scored]
        ids = posting_ids(searcher, addrs)
        dists: list[float | None] = [None] * len(addrs)
        if center is not None and addrs:
            dists = [None if math.isnan(d) else float(d) for d in distances_np(searcher, addrs, *center)]
        return [
            SearchHit(pid, float(score), None if d is None else round(d, 2))
            for (score, _), pid, d in zip(scored, ids, dists, strict=True)
        ]


def _read_meta(gen_dir: Path) -> bytes:
    """tantivy's meta.json of a generation: segments, deletes and opstamp of the last commit."""
    try:
        return (gen_dir / "meta.json").read_bytes()
    except FileNotFoundError:
        return b""


def _new_generation(root: Path) -> str:
    name = f"gen-{time.time_ns()}-{os.getpid()}"
    (root / name).mkdir(parents=True)
    return name


def _write_pointer(root: Path, gen: str) -> None:
    tmp = root / f"{_POINTER}.tmp-{os.getpid()}"
    tmp.write_text(gen + "\n", encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, root / _POINTER)


def rebuild(
    docs: Iterable[IndexDoc],
    path: str | os.PathLike[str],
    *,
    max_page: int = 100,
    writer_threads: int = REBUILD_THREADS,
    writer_heap: int = REBUILD_HEAP,
) -> TantivyIndex:
    """Build a fresh generation from `docs`, swap it in atomically, drop generations older than the last.

    The Python side (text preparation) runs in the calling thread while tantivy's indexing thread(s)
    analyse and write in parallel; `writer_threads=0` lets tantivy pick (one per core).
    """
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    previous = (root / _POINTER).read_text(encoding="utf-8").strip() if (root / _POINTER).exists() else None
    gen = _new_generation(root)
    builder = TantivyIndex(
        root, max_page=max_page, writer_threads=writer_threads, writer_heap=writer_heap, _generation=gen
    )
    builder.add(docs, replace=False)
    builder.commit()
    builder.close_writer()
    _write_pointer(root, gen)
    keep = {gen, previous}
    for child in root.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
    return TantivyIndex(root, max_page=max_page)
