"""`SearchIndex` on tantivy.

Layout on disk, writer and readers
----------------------------------
``<root>/CURRENT`` names the live generation directory ``<root>/gen-<ns>/`` (a plain tantivy index).

* One writer at a time: tantivy holds a lock file inside the generation directory, so a second writer
  (``add``/``delete``) in another process fails instead of corrupting the index. The writer uses a
  128 MB heap and publishes with ``commit()``.
* Readers (web workers) open ``TantivyIndex(root)`` and call ``reload()`` when they want fresh data (e.g.
  once per request or on a timer): it re-reads ``CURRENT`` and either reopens a swapped-in generation or
  refreshes the searcher of the current one.
* ``rebuild(docs, root)`` builds a complete NEW generation beside the live one and then replaces
  ``CURRENT`` with ``os.replace`` (atomic on POSIX), so readers see either the old or the new index, never
  a half-built one. The generation before the live one is kept (a reader may still be on it); older ones
  are removed. Incremental ``add`` after a rebuild must happen through the index returned by ``rebuild``
  (or a fresh ``TantivyIndex(root)``) so the writer works on the live generation.

Query building never hands user text to tantivy's query parser: the text is tokenized with the very
analyzers the index uses (`analysis.py`) and turned into term/boolean queries, so "C++ (m/w/d)" or a
10,000-character paste cannot raise a syntax error.

Radius search: each place's lat/lon is a multi-valued, indexed field. A bounding-box range query
selects candidates inside tantivy; the exact haversine test runs vectorised (numpy) over the candidates'
coordinates, read from single-valued fast fields per place slot (`lat_0`..`lat_3`), so only postings with
more than `PLACE_SLOTS` places read their stored place list. At most `CANDIDATE_CAP` candidates are
materialised; a result built from a capped candidate set says so (`SearchResult.truncated`).

Facets: every facet value is also written as a u64 code (`f_*` fast fields, `facet_code`): digit strings
(KldB, AGS) encode reversibly, words (working time, remote, employer) as a 52-bit hash that is mapped back
through the field's term dictionary. Text queries count with a tantivy terms aggregation over the codes:
numeric buckets avoid the per-bucket term-dictionary lookups that made the employer facet cost ~3 ms even
for a small match set, and a segment size above the number of distinct values keeps the counts exact.
Radius queries already hold their exact match set as doc addresses, so they count the codes read from
fast fields with numpy instead of sending the ids back into tantivy.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import tantivy
from tantivy import FieldType, Occur, Order, Query

from stellenatlas.normalize.text import fold
from stellenatlas.search.analysis import (
    COMPOUND_ANALYZER,
    KEYWORD_ANALYZER,
    NO_OCCUPATION,
    PLAIN_ANALYZER,
    STEM_ANALYZER,
    QueryOccupation,
    analyzers,
    exact_title_key,
    prepare_text,
    query_occupation,
    query_words,
)
from stellenatlas.search.base import (
    SORT_KEYS,
    IndexDoc,
    SearchHit,
    SearchQuery,
    SearchQueryError,
    SearchResult,
)

WRITER_HEAP = 128_000_000
MAX_TEXT_CHARS = 200  # longer input is truncated: no job title or keyword list is longer
MAX_PAGE_SIZE = 100
MIN_RADIUS_KM = 1.0  # the place coordinates are municipality seats: 0 km means "this town"
MAX_RADIUS_KM = 1000.0  # Germany is ~900 km long: more is "everywhere"
CANDIDATE_CAP = 300_000  # radius/distance paths materialise candidates in Python
FIRST_PASS = 2048  # candidates collected together with the count (most text + radius queries)
RERANK_MARGIN = 50
FUZZY_MIN_LEN = 6
FRESHNESS_WEIGHT = 0.25  # a posting from today scores up to 25 % more than an old one
FRESHNESS_HALF_LIFE_DAYS = 14.0
FACET_SIZES = {"working_time": 10, "remote": 10, "kldb": 50, "employer": 50, "city": 50}
# facet name -> the keyword field whose terms name the codes
_FACET_FIELDS = {
    "working_time": "working_time",
    "remote": "remote",
    "kldb": "kldb",
    "employer": "employer",
    "city": "ags",
}
PLACE_SLOTS = 4  # places per posting readable from fast fields; more read the stored place list
# Per segment, tantivy keeps this many buckets before merging: above the distinct values a facet can
# have (employers), so merged counts are exact rather than the usual top-k approximation.
FACET_SEGMENT_SIZE = 1_000_000
_HASH_BITS = 52  # aggregation keys travel as JSON doubles: 52 bits survive exactly
# Field weights: title hits beat description hits; an identical title beats everything.
W_TITLE, W_PARTS, W_BODY, W_EMPLOYER, W_FUZZY, W_EXACT = 3.0, 2.0, 1.0, 0.5, 0.3, 10.0
# Constant score of "the posting's KldB code is the occupation the query names": about one title-word hit,
# so a synonym posting ("Pflegefachmann" for "Pflegefachkraft") ranks below postings with the typed words
# in their title (which, when of the same code, collect both scores).
W_KLDB = 3.0
EARTH_KM = 6371.0088
_POINTER = "CURRENT"


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    sb.add_text_field("title", tokenizer_name=STEM_ANALYZER, index_option="freq")
    sb.add_text_field("title_parts", tokenizer_name=COMPOUND_ANALYZER, index_option="freq")
    sb.add_text_field("title_plain", tokenizer_name=PLAIN_ANALYZER, index_option="basic")
    sb.add_text_field("title_exact", tokenizer_name=KEYWORD_ANALYZER, index_option="basic")
    sb.add_text_field("body", tokenizer_name=STEM_ANALYZER, index_option="freq")
    sb.add_text_field("employer_text", tokenizer_name=STEM_ANALYZER, index_option="freq")
    for raw in ("employer", "employer_key", "kldb", "kldb_prefix", "working_time", "remote", "status", "ags"):
        sb.add_text_field(raw, tokenizer_name=KEYWORD_ANALYZER, index_option="basic", fast=True)
    # indexed: the bounding-box range query walks the term dictionary instead of scanning every document
    sb.add_float_field("lat", indexed=True, fast=True)
    sb.add_float_field("lon", indexed=True, fast=True)
    sb.add_unsigned_field("nplaces", fast=True)
    for i in range(PLACE_SLOTS):
        sb.add_float_field(f"lat_{i}", fast=True)
        sb.add_float_field(f"lon_{i}", fast=True)
        sb.add_unsigned_field(f"f_city_{i}", fast=True)
    sb.add_unsigned_field("f_city", fast=True)  # multi-valued: one code per place, for the aggregation
    for name in ("working_time", "remote", "kldb", "employer"):
        sb.add_unsigned_field(f"f_{name}", fast=True)
    sb.add_text_field("geo", stored=True, tokenizer_name=KEYWORD_ANALYZER, index_option="basic")
    sb.add_float_field("sal_max", fast=True)
    sb.add_float_field("sal_sort", fast=True)
    sb.add_integer_field("posted_ts", fast=True)
    return sb.build()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def facet_code(value: str) -> int:
    """u64 code of a facet value: digit strings reversibly (leading "1" keeps leading zeros), else a hash."""
    if value.isdigit() and len(value) <= 15:
        return int("1" + value)
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - _HASH_BITS)


def _employer_key(name: str) -> str:
    return " ".join(fold(name).split())


def _timestamp(value: datetime) -> int:
    if value.tzinfo is None:  # the pipeline stores naive datetimes as UTC
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


class IndexSchemaError(RuntimeError):
    """The index on disk has another schema than this code writes; `stellenatlas index rebuild` fixes it."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """A validated, clamped query."""

    text_words: list[str]
    exact_key: str
    occupation: QueryOccupation
    center: tuple[float, float] | None
    radius_km: float | None
    offset: int
    page: int
    page_size: int


class TantivyIndex:
    """A tantivy index under `root` (see module docstring for the generation layout)."""

    def __init__(self, path: str | os.PathLike[str], *, max_page: int = 100, writer_threads: int = 0) -> None:
        self.root = Path(path)
        self.max_page = max_page
        self._writer_threads = writer_threads
        self._schema = _schema()
        self._writer: tantivy.IndexWriter | None = None
        self.root.mkdir(parents=True, exist_ok=True)
        gen = self._read_pointer()
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
        self._index = index
        self._gen = gen
        # facet code -> value per keyword field; codes are a pure function of the value, so entries never
        # go stale (a vanished value just is not asked for any more)
        self._facet_names: dict[str, dict[int, str]] = {}

    @property
    def generation(self) -> str:
        return self._gen

    def reload(self) -> None:
        gen = self._read_pointer()
        if gen is not None and gen != self._gen:
            self._writer = None  # a writer on a replaced generation must not keep writing there
            self._open(gen)
        else:
            self._index.reload()

    def _get_writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self._index.writer(heap_size=WRITER_HEAP, num_threads=self._writer_threads)
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
                writer.delete_documents_by_query(self._term("id", doc.id))
            writer.add_document(self._to_tantivy(doc))
            n += 1
        return n

    def delete(self, posting_ids: Iterable[int]) -> None:
        writer = self._get_writer()
        for pid in posting_ids:
            # delete_documents_by_term would build a signed-integer term that never matches the u64 field.
            writer.delete_documents_by_query(self._term("id", int(pid)))

    def commit(self) -> None:
        if self._writer is not None:
            self._writer.commit()
        self._index.reload()

    @staticmethod
    def _to_tantivy(doc: IndexDoc) -> tantivy.Document:
        d = tantivy.Document()
        d.add_unsigned("id", doc.id)
        title = prepare_text(doc.title)
        d.add_text("title", title)
        d.add_text("title_parts", title)
        d.add_text("title_plain", title)
        d.add_text("title_exact", exact_title_key(doc.title))
        body = doc.description if not doc.extra_terms else doc.description + "\n" + " ".join(doc.extra_terms)
        d.add_text("body", prepare_text(body))
        if doc.employer:
            d.add_text("employer_text", doc.employer)
            d.add_text("employer", doc.employer)
            d.add_text("employer_key", _employer_key(doc.employer))
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
        for i, place in enumerate(places):
            d.add_text("ags", place.ags)
            d.add_float("lat", float(place.lat))
            d.add_float("lon", float(place.lon))
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
        if doc.posted_at is not None:
            d.add_integer("posted_ts", _timestamp(doc.posted_at))
        return d

    # -- reading ---------------------------------------------------------------------------------------

    def count(self) -> int:
        return int(self._index.searcher().num_docs)

    def search(self, q: SearchQuery) -> SearchResult:
        plan = self._plan(q)
        searcher = self._index.searcher()
        filters = self._filters(q, plan)
        text_query = self._text_query(searcher, plan.text_words, plan.exact_key, plan.occupation)
        clauses = [(Occur.Must, f) for f in filters]
        if text_query is not None:
            clauses.append((Occur.Must, text_query))
        query = Query.boolean_query(clauses) if clauses else Query.all_query()
        sort = q.sort if (q.sort != "relevance" or text_query is not None) else "date"

        if plan.center is not None and (plan.radius_km is not None or sort == "distance"):
            return self._search_geo(searcher, q, plan, query, sort)

        if sort == "relevance":
            window = plan.offset + plan.page_size + RERANK_MARGIN
            res = searcher.search(query, limit=window, count=True)
            scored = self._rerank_fresh(searcher, res.hits)[plan.offset : plan.offset + plan.page_size]
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
        facets = self._facets_aggregate(searcher, query) if q.facets else {}
        total = int(getattr(res, "count", 0) or 0)  # the bundled type stub lacks `count`
        return SearchResult(total, hits, facets, plan.page, plan.page_size)

    # -- query planning --------------------------------------------------------------------------------

    def _plan(self, q: SearchQuery) -> _Plan:
        if q.sort not in SORT_KEYS:
            raise SearchQueryError(f"Unbekannte Sortierung „{q.sort}“.")
        if q.kldb_prefix and not (q.kldb_prefix.isdigit() and 1 <= len(q.kldb_prefix) <= 5):
            raise SearchQueryError("Der Berufsschlüssel (KldB) muss aus 1 bis 5 Ziffern bestehen.")
        if q.salary_min_monthly is not None and not (0 <= q.salary_min_monthly < 1e7):
            raise SearchQueryError("Das Mindestgehalt muss eine positive Zahl sein.")
        center: tuple[float, float] | None = None
        if (q.lat is None) != (q.lon is None):
            raise SearchQueryError("Für die Umkreissuche werden Breiten- und Längengrad benötigt.")
        if q.lat is not None and q.lon is not None:
            if not (-90 <= q.lat <= 90 and -180 <= q.lon <= 180):  # also rejects NaN
                raise SearchQueryError("Die Koordinaten des Suchorts sind ungültig.")
            center = (q.lat, q.lon)
        radius = q.radius_km
        if radius is not None:
            if center is None:
                raise SearchQueryError("Ein Umkreis braucht einen Suchort.")
            if not radius >= 0:  # negative or NaN
                raise SearchQueryError("Der Umkreis muss 0 km oder mehr betragen.")
            radius = min(max(radius, MIN_RADIUS_KM), MAX_RADIUS_KM)
        if q.sort == "distance" and center is None:
            raise SearchQueryError("Nach Entfernung sortieren geht nur mit einem Suchort.")
        page_size = min(max(int(q.page_size), 1), MAX_PAGE_SIZE)
        page = min(max(int(q.page), 1), self.max_page)
        text = q.text[:MAX_TEXT_CHARS]
        words = query_words(text)
        return _Plan(
            text_words=words,
            exact_key=exact_title_key(text) if words else "",
            occupation=query_occupation(text) if words else NO_OCCUPATION,
            center=center,
            radius_km=radius,
            offset=(page - 1) * page_size,
            page=page,
            page_size=page_size,
        )

    def _term(self, field: str, value: str | int) -> Query:
        return Query.term_query(self._schema, field, value)

    def _filters(self, q: SearchQuery, plan: _Plan) -> list[Query]:
        out: list[Query] = []
        if q.status:
            out.append(self._term("status", q.status))
        if q.kldb_prefix:
            out.append(self._term("kldb_prefix", q.kldb_prefix))
        if q.working_time:
            out.append(self._term("working_time", q.working_time))
        if q.remote:
            out.append(self._term("remote", q.remote))
        if q.employer:
            out.append(self._term("employer_key", _employer_key(q.employer)))
        if q.salary_min_monthly is not None:
            out.append(
                Query.range_query(self._schema, "sal_max", FieldType.Float, float(q.salary_min_monthly))
            )
        if q.posted_since is not None:
            out.append(
                Query.range_query(self._schema, "posted_ts", FieldType.Integer, _timestamp(q.posted_since))
            )
        if plan.center is not None and plan.radius_km is not None:
            lat, lon = plan.center
            dlat = plan.radius_km / (math.pi * EARTH_KM / 180)
            dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
            out.append(Query.range_query(self._schema, "lat", FieldType.Float, lat - dlat, lat + dlat))
            out.append(Query.range_query(self._schema, "lon", FieldType.Float, lon - dlon, lon + dlon))
        return out

    def _text_query(
        self, searcher: tantivy.Searcher, words: list[str], exact_key: str, occupation: QueryOccupation
    ) -> Query | None:
        """Match semantics, with W = the query's words that occur in the index at all:

        (every word of W matches)  OR  (kldb == the classified occupation AND every side word in W matches)

        A side word is one the classifier relates to no occupation (city, "Teilzeit", "CE"), so
        "Pflegefachkraft Berlin" finds "Pflegefachmann" postings that mention Berlin, but not every nursing
        posting. Words in no field's vocabulary ("@" never is a word; a word no posting contains) are
        dropped instead of zeroing the result; if none is left, nothing matches.
        """
        clauses: dict[str, Query] = {}
        for word in dict.fromkeys(words):
            clause = self._word_clause(searcher, word)
            if clause is not None:
                clauses[word] = clause
        if not clauses:
            # stop words only ("für") keep the old meaning (no text condition); unknown words find nothing
            return Query.empty_query() if any(self._is_content_word(w) for w in words) else None
        all_words = Query.boolean_query([(Occur.Must, c) for c in clauses.values()])
        if not occupation.kldb and not exact_key:
            return all_words
        paths: list[tuple[Occur, Query]] = [(Occur.Should, all_words)]
        if occupation.kldb:
            by_code = [(Occur.Must, Query.const_score_query(self._term("kldb", occupation.kldb), W_KLDB))]
            by_code += [
                (Occur.Must, clauses[w]) for w in dict.fromkeys(occupation.side_words) if w in clauses
            ]
            paths.append((Occur.Should, Query.boolean_query(by_code)))
        if exact_key:
            # Should beside the paths: it only adds score, it never lets a posting match on its own
            return Query.boolean_query(
                [
                    (Occur.Must, Query.boolean_query(paths)),
                    (Occur.Should, Query.boost_query(self._term("title_exact", exact_key), W_EXACT)),
                ]
            )
        return Query.boolean_query(paths)

    @staticmethod
    def _is_content_word(word: str) -> bool:
        return bool(analyzers()[STEM_ANALYZER].analyze(word))

    def _word_clause(self, searcher: tantivy.Searcher, word: str) -> Query | None:
        """The alternatives one query word may match, or None for a stop word or a word no posting has."""
        stem = analyzers()[STEM_ANALYZER]
        compound = analyzers()[COMPOUND_ANALYZER]
        tokens = stem.analyze(word)
        if not tokens:  # stop word ("für", "und") or over-long junk
            return None
        token = tokens[0]
        known = any(searcher.doc_freq(f, token) for f in ("title", "body", "employer_text"))
        alts: list[tuple[Occur, Query]] = [
            (Occur.Should, Query.boost_query(self._term("title", token), W_TITLE)),
            (Occur.Should, Query.boost_query(self._term("body", token), W_BODY)),
            (Occur.Should, Query.boost_query(self._term("employer_text", token), W_EMPLOYER)),
        ]
        parts = compound.analyze(word)
        if len(parts) > 1:
            # "projektkoordinat" must meet "Koordinator IT-Projekte": all parts, anywhere in the title.
            parts_q = Query.boolean_query([(Occur.Must, self._term("title_parts", p)) for p in parts])
            alts.append((Occur.Should, Query.boost_query(parts_q, W_PARTS)))
            known = known or all(searcher.doc_freq("title_parts", p) for p in parts)
        elif parts:
            alts.append((Occur.Should, Query.boost_query(self._term("title_parts", parts[0]), W_PARTS)))
            known = known or bool(searcher.doc_freq("title_parts", parts[0]))
        if len(word) >= FUZZY_MIN_LEN:
            # Against unstemmed words: a typo can change what the stemmer cuts off.
            fuzzy = Query.fuzzy_term_query(self._schema, "title_plain", word, distance=1)
            alts.append((Occur.Should, Query.boost_query(fuzzy, W_FUZZY)))
            # only an unknown word pays for this count: a typo ("Schweisser") is known to the fuzzy field only
            known = known or bool(getattr(searcher.search(fuzzy, limit=1, count=True), "count", 0))
        return Query.boolean_query(alts) if known else None

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

    def _distances_np(
        self,
        searcher: tantivy.Searcher,
        addrs: list[tantivy.DocAddress],
        lat: float,
        lon: float,
        nplaces: np.ndarray | None = None,
    ) -> np.ndarray:
        """Nearest-place distance per address in km; NaN for postings without a place."""
        if not addrs:
            return np.empty(0)
        if nplaces is None:
            nplaces = _column(searcher, "nplaces", addrs)
        dist = haversine_np(lat, lon, _column(searcher, "lat_0", addrs), _column(searcher, "lon_0", addrs))
        # further slots only for the few postings that fill them: reading a column costs per address
        for i, sub_addrs, sub in _slot_subsets(addrs, nplaces):
            far = haversine_np(
                lat, lon, _column(searcher, f"lat_{i}", sub_addrs), _column(searcher, f"lon_{i}", sub_addrs)
            )
            dist[sub] = np.fmin(dist[sub], far)
        for i in np.flatnonzero(nplaces > PLACE_SLOTS):
            points = _stored_places(searcher.doc(addrs[i]))
            if points:
                dist[i] = min(haversine_km(lat, lon, a, b) for _, a, b in points)
        return dist

    def _distances(
        self, searcher: tantivy.Searcher, addrs: list[tantivy.DocAddress], lat: float, lon: float
    ) -> list[float | None]:
        return [None if math.isnan(d) else float(d) for d in self._distances_np(searcher, addrs, lat, lon)]

    def _hits(
        self,
        searcher: tantivy.Searcher,
        scored: list[tuple[float, tantivy.DocAddress]],
        center: tuple[float, float] | None,
    ) -> list[SearchHit]:
        addrs = [a for _, a in scored]
        ids = _posting_ids(searcher, addrs)
        dists: list[float | None] = (
            self._distances(searcher, addrs, *center) if center is not None and addrs else [None] * len(addrs)
        )
        return [
            SearchHit(pid, float(score), None if d is None else round(d, 2))
            for (score, _), pid, d in zip(scored, ids, dists, strict=True)
        ]

    def _search_geo(
        self, searcher: tantivy.Searcher, q: SearchQuery, plan: _Plan, query: Query, sort: str
    ) -> SearchResult:
        assert plan.center is not None
        # A top-k heap sized CANDIDATE_CAP for every query would cost more than a second pass: the first
        # pass collects a small heap and counts; only a bigger candidate set is collected again.
        first_limit = min(FIRST_PASS, CANDIDATE_CAP)
        first = searcher.search(query, limit=first_limit, count=True)
        n_candidates = int(getattr(first, "count", 0) or 0)
        truncated = n_candidates > CANDIDATE_CAP
        hits = (
            first.hits
            if n_candidates <= first_limit
            else searcher.search(query, limit=min(n_candidates, CANDIDATE_CAP), count=False).hits
        )
        # Columns are read for all candidates and then narrowed with numpy: cheaper than building a
        # second address list for the ones inside the circle.
        addrs = [a for _, a in hits]
        nplaces = _column(searcher, "nplaces", addrs)
        dists = self._distances_np(searcher, addrs, *plan.center, nplaces=nplaces)
        radius = plan.radius_km if plan.radius_km is not None else math.inf
        inside = np.flatnonzero(dists <= radius)  # NaN compares False: postings without a place drop out
        kept_dist = dists[inside]
        scores = np.fromiter((h[0] for h in hits), dtype=np.float64, count=len(hits))[inside]
        if sort == "distance":
            order = np.argsort(kept_dist, kind="stable")
        elif sort in ("date", "salary"):
            values = _column(searcher, "posted_ts" if sort == "date" else "sal_sort", addrs)[inside]
            missing = np.isnan(values)
            order = np.lexsort((-np.where(missing, 0.0, values), missing))  # stable: ties keep hit order
        else:
            scores = scores * _freshness(_column(searcher, "posted_ts", addrs)[inside], time.time())
            order = np.argsort(-scores, kind="stable")
        page = order[plan.offset : plan.offset + plan.page_size]
        page_ids = _posting_ids(searcher, [addrs[inside[i]] for i in page])
        page_hits = [
            SearchHit(pid, float(scores[i]), round(float(kept_dist[i]), 2))
            for i, pid in zip(page, page_ids, strict=True)
        ]
        facets: dict[str, list[tuple[str, int]]] = {}
        if q.facets:
            facets = self._facets_counted(searcher, addrs, inside, nplaces)
        return SearchResult(len(inside), page_hits, facets, plan.page, plan.page_size, truncated=truncated)

    # -- facets ----------------------------------------------------------------------------------------

    def _facets_aggregate(self, searcher: tantivy.Searcher, query: Query) -> dict[str, list[tuple[str, int]]]:
        spec = {
            name: {"terms": {"field": f"f_{name}", "size": size, "segment_size": FACET_SEGMENT_SIZE}}
            for name, size in FACET_SIZES.items()
        }
        raw = searcher.aggregate(query, spec)
        counts = {
            name: [(int(b["key"]), int(b["doc_count"])) for b in raw.get(name, {}).get("buckets", [])]
            for name in FACET_SIZES
        }
        return self._named(searcher, counts)

    def _facets_counted(
        self,
        searcher: tantivy.Searcher,
        addrs: list[tantivy.DocAddress],
        inside: np.ndarray,
        nplaces: np.ndarray,
    ) -> dict[str, list[tuple[str, int]]]:
        """Exact facet counts of the match set `addrs[inside]`: fast-field codes counted in numpy."""
        counts: dict[str, list[tuple[int, int]]] = {}
        for name, size in FACET_SIZES.items():
            if name != "city":
                counts[name] = _top_counts(_column(searcher, f"f_{name}", addrs)[inside], size)
                continue
            kept_places = np.zeros(len(addrs), dtype=bool)
            kept_places[inside] = True
            parts = [_column(searcher, "f_city_0", addrs)[inside]]
            for i, sub_addrs, _ in _slot_subsets(addrs, np.where(kept_places, nplaces, 0)):
                parts.append(_column(searcher, f"f_city_{i}", sub_addrs))
            extra = [
                facet_code(ags)
                for i in np.flatnonzero(kept_places & (nplaces > PLACE_SLOTS))
                for ags, _, _ in _stored_places(searcher.doc(addrs[i]))[PLACE_SLOTS:]
            ]
            parts.append(np.array(extra, dtype=np.float64))
            counts[name] = _top_counts(np.concatenate(parts), size)
        return self._named(searcher, counts)

    def _named(
        self, searcher: tantivy.Searcher, counts: dict[str, list[tuple[int, int]]]
    ) -> dict[str, list[tuple[str, int]]]:
        out: dict[str, list[tuple[str, int]]] = {}
        for name, buckets in counts.items():
            field = _FACET_FIELDS[name]
            names = self._facet_names.setdefault(field, {})
            if any(code not in names for code, _ in buckets):
                # a value this process has not named yet: re-read the field's term dictionary (cheap: it
                # holds the distinct values only; a live document's value is always in it)
                for term, _ in searcher.terms_with_prefix(field, "", limit=None):
                    names[facet_code(term)] = term
            out[name] = [(names.get(code, str(code)), n) for code, n in buckets]
        return out


def _column(searcher: tantivy.Searcher, field: str, addrs: list[tantivy.DocAddress]) -> np.ndarray:
    """One fast field for many documents as float64; a missing value is NaN."""
    if not addrs:
        return np.empty(0)
    return np.array(searcher.fast_field_values(field, addrs), dtype=np.float64)


def _slot_subsets(
    addrs: list[tantivy.DocAddress], nplaces: np.ndarray
) -> Iterable[tuple[int, list[tantivy.DocAddress], np.ndarray]]:
    """(slot, addresses, their indexes) for the place slots after the first, each only for the postings
    that have a place there."""
    sub = np.flatnonzero(nplaces > 1)
    for i in range(1, PLACE_SLOTS):
        sub = sub[nplaces[sub] > i]
        if not sub.size:
            return
        yield i, [addrs[j] for j in sub], sub


def _stored_places(doc: tantivy.Document) -> list[tuple[str, float, float]]:
    """(ags, lat, lon) of every place, from the stored list of a posting with many places."""
    out = []
    for item in (doc.get_first("geo") or "").split(";"):
        parts = item.split(",")
        if len(parts) == 3:
            out.append((parts[0], float(parts[1]), float(parts[2])))
    return out


def _top_counts(codes: np.ndarray, size: int) -> list[tuple[int, int]]:
    """The `size` most frequent codes, most frequent first; ties by code so the order is stable."""
    codes = codes[~np.isnan(codes)]
    if not codes.size:
        return []
    values, counts = np.unique(codes, return_counts=True)  # values ascending
    order = np.argsort(-counts, kind="stable")[:size]
    return [(int(values[i]), int(counts[i])) for i in order]


def _freshness(posted_ts: np.ndarray, now: float) -> np.ndarray:
    """Score factor per posting: up to 1 + FRESHNESS_WEIGHT for today, 1.0 without a date."""
    age_days = np.maximum(0.0, (now - posted_ts) / 86400)
    factor = 1.0 + FRESHNESS_WEIGHT * np.power(0.5, age_days / FRESHNESS_HALF_LIFE_DAYS)
    return np.where(np.isnan(posted_ts), 1.0, factor)


def haversine_np(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """`haversine_km` from one point to many (same formula, so the radius test agrees to the metre)."""
    p1, p2 = math.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _posting_ids(searcher: tantivy.Searcher, addrs: list[tantivy.DocAddress]) -> list[int]:
    if not addrs:
        return []
    return [int(v) if v is not None else -1 for v in searcher.fast_field_values("id", addrs)]


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
    docs: Iterable[IndexDoc], path: str | os.PathLike[str], *, max_page: int = 100, writer_threads: int = 0
) -> TantivyIndex:
    """Build a fresh generation from `docs`, swap it in atomically, drop generations older than the last.

    The Python side (text preparation) runs in the calling thread while tantivy's indexing threads
    analyse and write in parallel; `writer_threads=0` lets tantivy pick (one per core).
    """
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    previous = (root / _POINTER).read_text(encoding="utf-8").strip() if (root / _POINTER).exists() else None
    gen = _new_generation(root)
    builder = TantivyIndex.__new__(TantivyIndex)
    builder.root, builder.max_page, builder._writer_threads = root, max_page, writer_threads
    builder._schema, builder._writer = _schema(), None
    builder._open(gen)
    builder.add(docs, replace=False)
    builder.commit()
    builder.close_writer()
    _write_pointer(root, gen)
    keep = {gen, previous}
    for child in root.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
    return TantivyIndex(root, max_page=max_page)
