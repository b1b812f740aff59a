"""Exact facet counts for the tantivy index, and a cache of them.

Every facet value is also written as a u64 code (`f_*` fast fields, `facet_code`): digit strings (KldB,
AGS) encode reversibly, words (working time, remote, employer) as a 52-bit hash that is mapped back through
the field's term dictionary. One segment (what `rebuild` writes) counts the keyword fields by term ordinal,
except the employer below `EMPLOYER_ORDINAL_MIN` matches, whose ordinal count costs per distinct employer;
several segments count the codes, with a segment size above the number of distinct values so the counts stay
exact. Radius queries are tantivy queries like any other (the circle is a set of cells and places, see
`radius.py`), so they are aggregated the same way; a distance-sorted one gets its facets from the same
aggregation as its per-place counts (`place_counts`).

`FacetCache`: the counts of a query depend only on its words (as the searcher's vocabulary reads them), the
occupation they name, its filters and the searcher's documents, and the same queries come back with other
pages or sort orders, and the same few filter sets ("all active postings", "Vollzeit", a KldB prefix, a city
browse) again and again. The cache is keyed by the index's reader epoch (bumped whenever the searcher may
change) plus the normalised query, like Elasticsearch's shard request cache; it is bounded (LRU) and emptied
on every reload.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from functools import lru_cache
from typing import Any

import tantivy
from tantivy import Occur, Query

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
EMPLOYER_ORDINAL_MIN = 40_000
FACET_CACHE_SIZE = 512  # entries (each a few KB); one per distinct text-free filter set


@lru_cache(maxsize=200_000)  # the index build asks for the same employers and places again and again
def facet_code(value: str) -> int:
    """u64 code of a facet value: digit strings reversibly (leading "1" keeps leading zeros), else a hash."""
    if value.isdigit() and len(value) <= 15:
        return int("1" + value)
    digest = hashlib.blake2b(value.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> (64 - HASH_BITS)


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
        # employers by their u64 code below EMPLOYER_ORDINAL_MIN matches: counting by term ordinal has a
        # cost per distinct employer in the index (1M postings, 13k matches: 0.72 vs 0.18 ms); the same
        # holds for the ~10k places below the city split (1M, 9k matches: 0.28 vs 0.18 ms)
        by_code = {"employer"} if matches < EMPLOYER_ORDINAL_MIN else set()
        if not split:
            by_code.add("city")
        spec: dict[str, object] = {
            name: _terms_spec(f"f_{name}" if name in by_code else FACET_FIELDS[name], size)
            for name, size in FACET_SIZES.items()
            if name != "city" or not split
        }
        if split:
            spec["city_first"] = _terms_spec("ags_first", CITY_FIRST_SIZE)
        raw = searcher.aggregate(query, spec)
        out = {
            name: _bucket_list(raw, name)
            for name in FACET_SIZES
            if (name != "city" or not split) and name not in by_code
        }
        if by_code:
            codes = {
                name: [(int(b["key"]), int(b["doc_count"])) for b in _raw_buckets(raw, name)]
                for name in by_code
            }
            out |= namer.name(searcher, codes)
        if split:
            out["city"] = _city_counts(searcher, query, raw, multi_place)
        return {name: out[name] for name in FACET_SIZES}
    spec = {
        name: {"terms": {"field": f"f_{name}", "size": size, "segment_size": FACET_SEGMENT_SIZE}}
        for name, size in FACET_SIZES.items()
    }
    raw = searcher.aggregate(query, spec)
    codes = {
        name: [(int(b["key"]), int(b["doc_count"])) for b in _raw_buckets(raw, name)] for name in FACET_SIZES
    }
    return namer.name(searcher, codes)


def _terms_spec(field: str, size: int) -> dict[str, object]:
    # one segment: its top `size` buckets are the result, so it need not keep (and name) more
    return {"terms": {"field": field, "size": size, "segment_size": size}}


def place_counts(
    searcher: tantivy.Searcher, query: Query, places: int, namer: FacetNamer, facets: bool
) -> tuple[dict[str, int], int, Facets | None]:
    """Matches per AGS (every place of a match, `places` = how many the index has), the number of matches
    and, with `facets`, the facet counts, in one pass over the match set (one segment; else facets are
    None and left to `aggregate`). The city facet is the top of the per-place counts."""
    every = max(1, places)
    spec: dict[str, object] = {
        "places": {"terms": {"field": "ags", "size": every, "segment_size": every}},
        "total": {"value_count": {"field": "id"}},
    }
    one_segment = searcher.num_segments <= 1
    if facets and one_segment:
        spec |= {
            name: _terms_spec(FACET_FIELDS[name], size)
            for name, size in FACET_SIZES.items()
            if name != "city"
        }
    raw = searcher.aggregate(query, spec)
    counts = _buckets(raw, "places")
    total = int(raw.get("total", {}).get("value", 0) or 0)
    if not (facets and one_segment):
        return counts, total, None
    out: Facets = {name: _bucket_list(raw, name) for name in FACET_SIZES if name != "city"}
    out["city"] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: FACET_SIZES["city"]]
    return counts, total, {name: out[name] for name in FACET_SIZES}


def _raw_buckets(raw: dict[str, object], name: str) -> list[dict[str, Any]]:
    agg = raw.get(name)
    return list(agg.get("buckets", [])) if isinstance(agg, dict) else []


def _bucket_list(raw: dict[str, object], name: str) -> list[tuple[str, int]]:
    """(key, count) of a terms aggregation's buckets, in tantivy's order (most frequent first)."""
    return [(str(b["key"]), int(b["doc_count"])) for b in _raw_buckets(raw, name)]


def _buckets(raw: dict[str, object], name: str) -> dict[str, int]:
    return dict(_bucket_list(raw, name))


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
        first = _buckets(searcher.aggregate(query, {"f": _terms_spec("ags_first", FACET_SEGMENT_SIZE)}), "f")
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
