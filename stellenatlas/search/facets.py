"""Exact facet counts for the tantivy index, and a cache of them for queries without free text.

Every facet value is also written as a u64 code (`f_*` fast fields, `facet_code`): digit strings (KldB,
AGS) encode reversibly, words (working time, remote, employer) as a 52-bit hash that is mapped back through
the field's term dictionary. Text queries count with a tantivy terms aggregation over the codes: numeric
buckets avoid the per-bucket term-dictionary lookups that made the employer facet cost ~3 ms even for a
small match set, and a segment size above the number of distinct values keeps the counts exact. Radius
queries with text already hold their exact match set as doc addresses, so they count the codes read from
fast fields with numpy instead of sending the ids back into tantivy; text-free radius queries have their
match set as a tantivy query (`radius.browse_matches`) and are aggregated like any other query.

`FacetCache`: the counts of a query without free text depend only on its filters and on the searcher's
documents, and the same few filter sets ("all active postings", "Vollzeit", a KldB prefix, a city browse)
come back again and again with other pages or sort orders. The cache is keyed by the index's reader epoch
(bumped whenever the searcher may change) plus the normalised filters, like Elasticsearch's shard request
cache; it is bounded (LRU) and emptied on every reload.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache

import numpy as np
import tantivy
from tantivy import Occur, Query

from stellenatlas.search.radius import PLACE_SLOTS, column, slot_subsets, stored_places

Facets = dict[str, list[tuple[str, int]]]

FACET_SIZES = {"working_time": 10, "remote": 10, "kldb": 50, "employer": 50, "city": 50}
# facet name -> the keyword field whose terms name the codes
FACET_FIELDS = {
    "working_time": "working_time",
    "remote": "remote",
    "kldb": "kldb",
    "employer": "employer",
    "city": "ags",
}
# Per segment, tantivy keeps this many buckets before merging: above the distinct values a facet can
# have (employers), so merged counts are exact rather than the usual top-k approximation.
FACET_SEGMENT_SIZE = 1_000_000
HASH_BITS = 52  # aggregation keys travel as JSON doubles: 52 bits survive exactly
# First-place city buckets asked for: enough that the bound in `_city_counts` nearly always holds, few
# enough that looking their names up stays cheap
CITY_FIRST_SIZE = 200
# Matches from which the city facet is counted first place + further places (two aggregation calls)
# instead of over the multi-valued place column: at 200k postings the two cost the same at ~45k matches
# (0.85 ms), the split saves 2x at 150-200k matches and costs 0.4 ms more at 8k.
CITY_SPLIT_MIN = 40_000
FACET_CACHE_SIZE = 512  # entries (each a few KB); one per distinct text-free filter set


@lru_cache(maxsize=200_000)  # the index build asks for the same employers and places again and again
def facet_code(value: str) -> int:
    """u64 code of a facet value: digit strings reversibly (leading "1" keeps leading zeros), else a hash."""
    if value.isdigit() and len(value) <= 15:
        return int("1" + value)
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - HASH_BITS)


def top_counts(codes: np.ndarray, size: int) -> list[tuple[int, int]]:
    """The `size` most frequent codes, most frequent first; ties by code so the order is stable."""
    codes = codes[~np.isnan(codes)]
    if not codes.size:
        return []
    values, counts = np.unique(codes, return_counts=True)  # values ascending
    order = np.argsort(-counts, kind="stable")[:size]
    return [(int(values[i]), int(counts[i])) for i in order]


def aggregate(
    searcher: tantivy.Searcher, query: Query, namer: FacetNamer, multi_place: Query, matches: int
) -> Facets:
    """Exact facet counts of every facet over the match set of `query`, by tantivy.

    One segment (what `rebuild` writes): its top buckets ARE the global top buckets, so tantivy's default
    per-segment cut is exact, and the keyword fields are counted by term ordinal, with only the best
    ~10 x size terms looked up in the dictionary. At 1M postings that is 2.5-3x cheaper per facet than
    hashing the u64 codes (employer 2.7 vs 6.4 ms for all postings). For `matches` >= `CITY_SPLIT_MIN`
    the city facet is counted from its first place and its further places separately (`_city_counts`):
    walking the multi-valued place column of every match was most of a broad query's cost. Below that,
    the second aggregation call costs more than the multi-valued column it avoids.
    Several segments (incremental adds): each segment must return every bucket to keep the merged counts
    exact, and then a dictionary lookup per bucket would be the cost, so the u64 codes are counted.

    `multi_place` matches the postings with more than one place; `matches` is the size of the match set.
    """
    if searcher.num_segments <= 1:
        split = matches >= CITY_SPLIT_MIN
        spec: dict[str, object] = {
            name: {"terms": {"field": FACET_FIELDS[name], "size": size}}
            for name, size in FACET_SIZES.items()
            if name != "city" or not split
        }
        if split:
            spec["city_first"] = _first_place_spec(CITY_FIRST_SIZE)
        raw = searcher.aggregate(query, spec)
        out = {
            name: [(str(b["key"]), int(b["doc_count"])) for b in raw.get(name, {}).get("buckets", [])]
            for name in FACET_SIZES
            if name != "city" or not split
        }
        if split:
            out["city"] = _city_counts(searcher, query, raw, multi_place)
        return out
    spec = {
        name: {"terms": {"field": f"f_{name}", "size": size, "segment_size": FACET_SEGMENT_SIZE}}
        for name, size in FACET_SIZES.items()
    }
    raw = searcher.aggregate(query, spec)
    codes = {
        name: [(int(b["key"]), int(b["doc_count"])) for b in raw.get(name, {}).get("buckets", [])]
        for name in FACET_SIZES
    }
    return namer.name(searcher, codes)


def _first_place_spec(size: int) -> dict[str, object]:
    # one segment: a segment_size of `size` is exact and looks up no more terms than it returns
    return {"terms": {"field": "ags_first", "size": size, "segment_size": size}}


def _buckets(raw: dict[str, object], name: str) -> dict[str, int]:
    agg = raw.get(name)
    buckets = agg.get("buckets", []) if isinstance(agg, dict) else []
    return {str(b["key"]): int(b["doc_count"]) for b in buckets}


def _city_counts(
    searcher: tantivy.Searcher, query: Query, raw: dict[str, object], multi_place: Query
) -> list[tuple[str, int]]:
    """Postings per city (a posting's places are distinct, so its first place and its further places
    never name the same city): first-place counts + further-place counts.

    The further places are counted in full, but only over the matches with more than one place. The
    first places are asked for the top `CITY_FIRST_SIZE` only: a city outside that list has at most
    `floor` first-place postings (the smallest count in the list), so it cannot reach the top
    `FACET_SIZES["city"]` if `floor` plus its further-place count stays at or below the last total kept
    (it could at best tie, and ties may fill the last place either way). Only when that bound fails
    are all first places counted.
    """
    size = FACET_SIZES["city"]
    first = _buckets(raw, "city_first")
    more_query = Query.boolean_query([(Occur.Must, query), (Occur.Must, multi_place)])
    more = _buckets(
        searcher.aggregate(
            more_query, {"more": {"terms": {"field": "ags_more", "size": FACET_SEGMENT_SIZE}}}
        ),
        "more",
    )
    if len(first) >= CITY_FIRST_SIZE and not _bound_holds(first, more, size):
        first = _buckets(searcher.aggregate(query, {"f": _first_place_spec(FACET_SEGMENT_SIZE)}), "f")
        complete = True
    else:
        complete = len(first) < CITY_FIRST_SIZE  # tantivy returned every first place there is
    totals = {ags: n + more.get(ags, 0) for ags, n in first.items()}
    if complete:
        totals.update({ags: n for ags, n in more.items() if ags not in first})
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:size]


def _bound_holds(first: dict[str, int], more: dict[str, int], size: int) -> bool:
    """Whether no city missing from the cut first-place list can beat the top `size` of those in it."""
    totals = sorted((n + more.get(ags, 0) for ags, n in first.items()), reverse=True)
    if len(totals) < size:
        return False
    floor = min(first.values())
    best_outside = max((n for ags, n in more.items() if ags not in first), default=0)
    return floor + best_outside <= totals[size - 1]


def count_codes(
    searcher: tantivy.Searcher,
    addrs: list[tantivy.DocAddress],
    inside: np.ndarray,
    nplaces: np.ndarray,
) -> dict[str, list[tuple[int, int]]]:
    """Exact (code, count) buckets of the match set `addrs[inside]`: fast-field codes counted in numpy."""
    counts: dict[str, list[tuple[int, int]]] = {}
    for name, size in FACET_SIZES.items():
        if name != "city":
            counts[name] = top_counts(column(searcher, f"f_{name}", addrs)[inside], size)
            continue
        kept_places = np.zeros(len(addrs), dtype=bool)
        kept_places[inside] = True
        parts = [column(searcher, "f_city_0", addrs)[inside]]
        for i, sub_addrs, _ in slot_subsets(addrs, np.where(kept_places, nplaces, 0)):
            parts.append(column(searcher, f"f_city_{i}", sub_addrs))
        extra = [
            facet_code(ags)
            for i in np.flatnonzero(kept_places & (nplaces > PLACE_SLOTS))
            for ags, _, _ in stored_places(searcher.doc(addrs[i]))[PLACE_SLOTS:]
        ]
        parts.append(np.array(extra, dtype=np.float64))
        counts[name] = top_counts(np.concatenate(parts), size)
    return counts


class FacetNamer:
    """Maps codes back to values through the keyword fields' term dictionaries (one index generation).

    Codes are a pure function of the value, so entries never go stale: a vanished value just is not
    asked for any more.
    """

    def __init__(self) -> None:
        self._names: dict[str, dict[int, str]] = {}

    def name(self, searcher: tantivy.Searcher, counts: dict[str, list[tuple[int, int]]]) -> Facets:
        out: Facets = {}
        for name, buckets in counts.items():
            field = FACET_FIELDS[name]
            names = self._names.setdefault(field, {})
            if any(code not in names for code, _ in buckets):
                # a value this process has not named yet: re-read the field's term dictionary (cheap: it
                # holds the distinct values only; a live document's value is always in it)
                fresh = {
                    facet_code(term): term for term, _ in searcher.terms_with_prefix(field, "", limit=None)
                }
                names = self._names[field] = {
                    **names,
                    **fresh,
                }  # replaced, not mutated: readers may be iterating
            out[name] = [(names.get(code, str(code)), n) for code, n in buckets]
        return out


def place_names(namer: FacetNamer, searcher: tantivy.Searcher) -> Callable[[list[int]], list[str]]:
    """AGS of city codes (`f_city_*`), for `radius.browse_matches`."""

    def names(codes: list[int]) -> list[str]:
        return [ags for ags, _ in namer.name(searcher, {"city": [(c, 0) for c in codes]})["city"]]

    return names


class FacetCache:
    """Bounded LRU of facet counts; thread-safe (the web runs sync handlers in a thread pool)."""

    def __init__(self, size: int = FACET_CACHE_SIZE) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[Hashable, Facets] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Facets | None:
        if self.size <= 0:
            return None
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
        return _copy(value)

    def put(self, key: Hashable, value: Facets) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = _copy(value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def _copy(facets: Facets) -> Facets:
    """Callers get their own lists: a caller that edits a result must not edit the cached entry."""
    return {name: list(buckets) for name, buckets in facets.items()}
