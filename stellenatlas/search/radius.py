"""Radius search on tantivy: exact haversine over the candidates of a bounding-box query.

Each place's lat/lon is a multi-valued, indexed field, so a bounding-box range query (on the inverted
index) selects candidates inside tantivy. Two ways to the exact match set from there:

* `browse_matches`, queries without free text (browse by distance, date or salary): one-place postings are
  counted per place by an aggregation and measured once per place; only several-place postings come back
  to Python. Their match set becomes a tantivy query ("one of these places") for facets and sorting.
* `geo_matches`, text queries (and the fallback): every candidate is materialised and the haversine test
  runs vectorised (numpy) over coordinates read from single-valued fast fields per place slot
  (`lat_0`..`lat_3`); only postings with more than `PLACE_SLOTS` places read their stored place list. At
  most `CANDIDATE_CAP` candidates are materialised; a result built from a capped candidate set says so
  (`SearchResult.truncated`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import tantivy
from tantivy import FieldType, Occur, Order, Query

from stellenatlas.search.base import SearchHit

EARTH_KM = 6371.0088
PLACE_SLOTS = 4  # places per posting readable from fast fields; more read the stored place list
CANDIDATE_CAP = 300_000  # radius/distance paths materialise candidates in Python
FIRST_PASS = 2048  # candidates collected together with the count (most text + radius queries)
# terms aggregations that must return every bucket (exact counts), above any number of distinct places
ALL_BUCKETS = 1_000_000
MIN_RADIUS_KM = 1.0  # the place coordinates are municipality seats: 0 km means "this town"
MAX_RADIUS_KM = 1000.0  # Germany is ~900 km long: more is "everywhere"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def haversine_np(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """`haversine_km` from one point to many (same formula, so the radius test agrees to the metre)."""
    p1, p2 = math.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - lon)
    a = np.sin(dp / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def box_filters(schema: tantivy.Schema, lat: float, lon: float, radius_km: float) -> list[Query]:
    """Range queries on the indexed place coordinates that every posting within `radius_km` passes.

    On the inverted index: tantivy's default range query scans the fast-field column of every document
    (Berlin 50 km box over 200k postings: 3.3 ms to count), the term dictionary of the coordinates (a few
    thousand municipality seats) is walked in 0.8 ms.
    """
    dlat = radius_km / (math.pi * EARTH_KM / 180)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    return [
        Query.range_query(schema, "lat", FieldType.Float, lat - dlat, lat + dlat, use_inverted_index=True),
        Query.range_query(schema, "lon", FieldType.Float, lon - dlon, lon + dlon, use_inverted_index=True),
    ]


def column(searcher: tantivy.Searcher, field: str, addrs: list[tantivy.DocAddress]) -> np.ndarray:
    """One fast field for many documents as float64; a missing value is NaN."""
    if not addrs:
        return np.empty(0)
    return np.array(searcher.fast_field_values(field, addrs), dtype=np.float64)


def slot_subsets(
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


def stored_places(doc: tantivy.Document) -> list[tuple[str, float, float]]:
    """(ags, lat, lon) of every place, from the stored list of a posting with many places."""
    out = []
    for item in (doc.get_first("geo") or "").split(";"):
        parts = item.split(",")
        if len(parts) == 3:
            out.append((parts[0], float(parts[1]), float(parts[2])))
    return out


def distances_np(
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
        nplaces = column(searcher, "nplaces", addrs)
    dist = haversine_np(lat, lon, column(searcher, "lat_0", addrs), column(searcher, "lon_0", addrs))
    # further slots only for the few postings that fill them: reading a column costs per address
    for i, sub_addrs, sub in slot_subsets(addrs, nplaces):
        far = haversine_np(
            lat, lon, column(searcher, f"lat_{i}", sub_addrs), column(searcher, f"lon_{i}", sub_addrs)
        )
        dist[sub] = np.fmin(dist[sub], far)
    for i in np.flatnonzero(nplaces > PLACE_SLOTS):
        points = stored_places(searcher.doc(addrs[i]))
        if points:
            dist[i] = min(haversine_km(lat, lon, a, b) for _, a, b in points)
    return dist


def freshness(posted_ts: np.ndarray, now: float, weight: float, half_life_days: float) -> np.ndarray:
    """Score factor per posting: up to 1 + weight for today, 1.0 without a date."""
    age_days = np.maximum(0.0, (now - posted_ts) / 86400)
    factor = 1.0 + weight * np.power(0.5, age_days / half_life_days)
    return np.where(np.isnan(posted_ts), 1.0, factor)


def posting_ids(searcher: tantivy.Searcher, addrs: list[tantivy.DocAddress]) -> list[int]:
    if not addrs:
        return []
    return [int(v) if v is not None else -1 for v in searcher.fast_field_values("id", addrs)]


@dataclass(frozen=True, slots=True)
class GeoMatches:
    """The exact match set of a radius/distance query and the page of it that was asked for."""

    total: int
    page: list[SearchHit]
    addrs: list[tantivy.DocAddress]  # every candidate the box query returned
    inside: np.ndarray  # indexes into `addrs` of the postings within the radius
    nplaces: np.ndarray  # places per candidate
    truncated: bool


def geo_matches(
    searcher: tantivy.Searcher,
    query: Query,
    center: tuple[float, float],
    radius_km: float | None,
    sort: str,
    offset: int,
    page_size: int,
    rank: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> GeoMatches:
    """Candidates of `query`, narrowed to the circle, sorted by `sort`, sliced to the page.

    `rank(scores, posted_ts)` turns BM25 scores into the relevance order's scores (freshness).
    """
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
    nplaces = column(searcher, "nplaces", addrs)
    dists = distances_np(searcher, addrs, *center, nplaces=nplaces)
    radius = radius_km if radius_km is not None else math.inf
    inside = np.flatnonzero(dists <= radius)  # NaN compares False: postings without a place drop out
    kept_dist = dists[inside]
    if sort == "relevance":
        scores = np.fromiter((h[0] for h in hits), dtype=np.float64, count=len(hits))[inside]
        scores = rank(scores, column(searcher, "posted_ts", addrs)[inside])
        order = np.argsort(-scores, kind="stable")
        page = order[offset : offset + page_size]
        page_scores = [float(scores[i]) for i in page]
    else:
        if sort == "distance":
            order = np.argsort(kept_dist, kind="stable")
        else:
            values = column(searcher, "posted_ts" if sort == "date" else "sal_sort", addrs)[inside]
            missing = np.isnan(values)
            order = np.lexsort((-np.where(missing, 0.0, values), missing))  # stable: ties keep hit order
        page = order[offset : offset + page_size]
        # only the page needs its (unranked) score: a browse of 90k postings skips a 90k-element pass
        page_scores = [float(hits[inside[i]][0]) for i in page]
    page_ids = posting_ids(searcher, [addrs[inside[i]] for i in page])
    page_hits = [
        SearchHit(pid, score, round(float(kept_dist[i]), 2))
        for i, pid, score in zip(page, page_ids, page_scores, strict=True)
    ]
    return GeoMatches(len(inside), page_hits, addrs, inside, nplaces, truncated)


@dataclass(frozen=True, slots=True)
class Browse:
    """A text-free radius/distance query's exact match set, without a doc address per match."""

    total: int
    exact: Query  # matches exactly the postings within the radius (for facets and the date/salary sort)
    page: list[SearchHit] | None  # the page, when sorted by distance


def browse_matches(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: Query,
    center: tuple[float, float],
    radius_km: float | None,
    sort: str,
    offset: int,
    page_size: int,
    one_place: Query,
    multi_place: Query,
    place_names: Callable[[list[int]], list[str]],
) -> Browse | None:
    """`geo_matches` for queries without free text, where every candidate would otherwise come back to
    Python (Berlin 50 km at 1M postings: ~89k addresses, ~100 ms).

    A posting with one place lies at that place's distance, so the one-place candidates are counted per
    place by a terms aggregation on the first place, with the place's coordinates as min/max
    sub-aggregations, and each distance is computed once per place. Only the postings with several
    places (a few percent) are materialised and measured as in `geo_matches`. A posting is within the
    radius iff one of its places is, so "the query AND one of these places" is the exact match set as a
    tantivy query (facets, date/salary order). The distance order is (distance, posting id); a page reads
    at most offset + page_size postings of each of the nearest places.

    None (use `geo_matches`) if one place code has different coordinates in different candidates (the
    per-place shortcut would be wrong) or the several-place candidates exceed `CANDIDATE_CAP`.
    `place_names` maps place codes (`f_city_*`) back to AGS.
    """
    radius = radius_km if radius_km is not None else math.inf
    single = Query.boolean_query([(Occur.Must, query), (Occur.Must, one_place)])
    spec = {
        "c": {
            "terms": {"field": "ags_first", "size": ALL_BUCKETS, "segment_size": ALL_BUCKETS},
            "aggs": {"lat": {"stats": {"field": "lat_0"}}, "lon": {"stats": {"field": "lon_0"}}},
        }
    }
    buckets = searcher.aggregate(single, spec).get("c", {}).get("buckets", [])
    if any(b["lat"]["min"] != b["lat"]["max"] or b["lon"]["min"] != b["lon"]["max"] for b in buckets):
        return None
    where = {str(b["key"]): (float(b["lat"]["min"]), float(b["lon"]["min"])) for b in buckets}
    counts = {str(b["key"]): int(b["doc_count"]) for b in buckets}

    multi = Query.boolean_query([(Occur.Must, query), (Occur.Must, multi_place)])
    first = searcher.search(multi, limit=FIRST_PASS, count=True)
    n_multi = int(getattr(first, "count", 0) or 0)
    if n_multi > CANDIDATE_CAP:
        return None
    hits = first.hits if n_multi <= FIRST_PASS else searcher.search(multi, limit=n_multi, count=False).hits
    addrs = [a for _, a in hits]
    nplaces = column(searcher, "nplaces", addrs)
    if not _add_places(searcher, addrs, nplaces, where, place_names):
        return None
    dists = distances_np(searcher, addrs, *center, nplaces=nplaces)
    inside = np.flatnonzero(dists <= radius)
    multi_ids = posting_ids(searcher, [addrs[i] for i in inside])

    names = list(where)
    place_dist = haversine_np(
        center[0],
        center[1],
        np.array([where[a][0] for a in names], dtype=np.float64),
        np.array([where[a][1] for a in names], dtype=np.float64),
    )
    near = [(float(d), a) for a, d in zip(names, place_dist, strict=True) if d <= radius]
    total = sum(counts.get(a, 0) for _, a in near) + len(multi_ids)
    if len(near) == len(names):  # no candidate lies outside: the candidates are the match set
        exact = (
            query
            if radius_km is not None
            else Query.boolean_query(
                [
                    (Occur.Must, query),
                    (
                        Occur.Must,
                        Query.boolean_query([(Occur.Should, one_place), (Occur.Should, multi_place)]),
                    ),
                ]
            )
        )
    elif near:
        by_place = Query.term_set_query(schema, "ags", sorted(a for _, a in near))
        exact = Query.boolean_query([(Occur.Must, query), (Occur.Must, by_place)])
    else:
        exact = Query.empty_query()
    if sort != "distance":
        return Browse(total, exact, None)
    # (distance, id) of every several-place match and of enough one-place matches of the nearest places:
    # a posting beyond the first `need` of its place, or in a place farther than the places that already
    # hold `need` postings, has at least `need` postings before it
    need = offset + page_size
    ranked = [(float(dists[i]), pid) for i, pid in zip(inside, multi_ids, strict=True)]
    held, last = 0, -1.0
    for dist, ags in sorted(near):
        n = counts.get(ags, 0)
        if not n:
            continue
        if held >= need and dist > last:
            break
        at_place = Query.boolean_query(
            [(Occur.Must, single), (Occur.Must, Query.term_query(schema, "ags_first", ags))]
        )
        res = searcher.search(at_place, limit=min(n, need), order_by_field="id", order=Order.Asc)
        ranked += [(dist, int(pid)) for pid, _ in res.hits]
        held, last = held + n, dist
    ranked.sort()
    page = [SearchHit(pid, 0.0, round(dist, 2)) for dist, pid in ranked[offset:need]]
    return Browse(total, exact, page)


def _add_places(
    searcher: tantivy.Searcher,
    addrs: list[tantivy.DocAddress],
    nplaces: np.ndarray,
    where: dict[str, tuple[float, float]],
    place_names: Callable[[list[int]], list[str]],
) -> bool:
    """Adds every place of the several-place postings `addrs` to `where` (AGS -> lat, lon); False if a
    place code turns up with two positions."""
    found: list[tuple[str, float, float]] = []
    sub = np.arange(len(addrs))
    for i in range(PLACE_SLOTS):
        sub = sub[nplaces[sub] > i]
        if not sub.size:
            break
        sub_addrs = [addrs[j] for j in sub]
        codes = column(searcher, f"f_city_{i}", sub_addrs)
        lats = column(searcher, f"lat_{i}", sub_addrs)
        lons = column(searcher, f"lon_{i}", sub_addrs)
        uniq, first, back = np.unique(codes, return_index=True, return_inverse=True)
        if not (np.array_equal(lats, lats[first][back]) and np.array_equal(lons, lons[first][back])):
            return False
        names = place_names([int(c) for c in uniq])
        found += [(a, float(lats[j]), float(lons[j])) for a, j in zip(names, first, strict=True)]
    for j in np.flatnonzero(nplaces > PLACE_SLOTS):
        found += stored_places(searcher.doc(addrs[j]))[PLACE_SLOTS:]
    return all(where.setdefault(ags, (lat, lon)) == (lat, lon) for ags, lat, lon in found)
