"""Radius search on tantivy: the circle as a set of places, so tantivy alone finds, counts and sorts.

A posting's places are municipality seats, and a posting lies within a radius iff one of its places does.
Every place is indexed once more as a keyword term of its code and exact coordinates (`place_term`, field
`place_geo`), and the index's distinct places are read from that field's term dictionary once per reader
epoch (`PlaceTable`, ~0.7 µs per place). A radius query is then "the query AND one of the places within the
radius": the distances are computed once per place (a few thousand at most) instead of once per posting, and
the match set is an ordinary tantivy query that counts, scores, sorts by date or salary and aggregates facets
inside tantivy. Because the term carries the coordinates, a place code indexed with two positions (reference
data changed between two ingests) is measured at each position, so the result stays exact.

Order by distance (`distance_page`): the postings' order is (distance of the nearest place, posting id). The
places are walked nearest first; per-place match counts (an aggregation, an upper bound because a posting
with several places counts at each) say how many places the page needs. The postings of all but the last of
those places are read completely (fewer than the page needs), those of the last place (or the places tied at
its distance) in id order only as far as the page needs. Only the page's postings come back to Python.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import tantivy
from tantivy import Occur, Order, Query

from stellenatlas.search.base import SearchHit

EARTH_KM = 6371.0088
PLACE_SLOTS = 4  # places per posting readable from fast fields; more read the stored place list
PLACE_FIELD = "place_geo"
# Grid cells over Germany in plain km (equirectangular at 51° N; a cell is a latitude/longitude box, its
# exact shape does not matter: a cell is used for a radius only when every indexed place in it is inside).
# Each level halves the one before, so the cells nest exactly (indexes are divided, not coordinates).
CELL_FIELD = "geo_cell"
CELL_KM = (256, 128, 64, 32, 16, 8)
_CELL_FACTORS = tuple(km // CELL_KM[-1] for km in CELL_KM)
_LAT0, _LON0 = 47.0, 5.5
_KM_PER_DEG_LAT = 111.2
_KM_PER_DEG_LON = 111.2 * math.cos(math.radians(51.0))
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


def place_term(ags: str, lat: float, lon: float) -> str:
    """The `place_geo` term of a place: code and coordinates, which `repr` writes so they read back exactly."""
    return f"{ags}|{float(lat)!r}|{float(lon)!r}"


def _fine_cell(lat: float, lon: float) -> tuple[int, int]:
    # the same arithmetic as `_fine_cells`, element by element, so index and query agree on every cell
    return (
        math.floor((lon - _LON0) * _KM_PER_DEG_LON / CELL_KM[-1]),
        math.floor((lat - _LAT0) * _KM_PER_DEG_LAT / CELL_KM[-1]),
    )


def _fine_cells(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.floor((lon - _LON0) * _KM_PER_DEG_LON / CELL_KM[-1]).astype(np.int64),
        np.floor((lat - _LAT0) * _KM_PER_DEG_LAT / CELL_KM[-1]).astype(np.int64),
    )


def _cell_name(level: int, x: int, y: int) -> str:
    return f"{CELL_KM[level]}:{x}:{y}"


def cell_terms(lat: float, lon: float) -> list[str]:
    """The `geo_cell` terms of a place: the grid cell holding it at every level, coarse to fine."""
    fx, fy = _fine_cell(lat, lon)
    return [_cell_name(i, fx // f, fy // f) for i, f in enumerate(_CELL_FACTORS)]


@dataclass(frozen=True, slots=True)
class _Level:
    cells: list[str]  # cell names of this level, one per slot
    slot: np.ndarray  # per place: its cell's slot


@dataclass(frozen=True, slots=True)
class PlaceTable:
    """The distinct places of an index (one searcher), with coordinates and grid cells."""

    terms: list[str]
    ags: list[str]
    lat: np.ndarray
    lon: np.ndarray
    levels: tuple[_Level, ...]

    @classmethod
    def read(cls, searcher: tantivy.Searcher) -> PlaceTable:
        terms: list[str] = []
        ags: list[str] = []
        lats: list[float] = []
        lons: list[float] = []
        for term, _ in searcher.terms_with_prefix(PLACE_FIELD, "", limit=None):
            code, _, rest = term.partition("|")
            lat, _, lon = rest.partition("|")
            try:
                lats.append(float(lat))
                lons.append(float(lon))
            except ValueError:  # not written by `place_term`: cannot be measured
                continue
            terms.append(term)
            ags.append(code)
        lat_a = np.array(lats, dtype=np.float64)
        lon_a = np.array(lons, dtype=np.float64)
        fx, fy = _fine_cells(lat_a, lon_a)
        levels = []
        for i, f in enumerate(_CELL_FACTORS):
            keys = np.stack([fx // f, fy // f], axis=1)
            uniq, slot = np.unique(keys, axis=0, return_inverse=True)
            levels.append(_Level([_cell_name(i, int(x), int(y)) for x, y in uniq], slot.reshape(-1)))
        return cls(terms, ags, lat_a, lon_a, tuple(levels))

    def distances(self, lat: float, lon: float) -> np.ndarray:
        return haversine_np(lat, lon, self.lat, self.lon)

    def near(self, lat: float, lon: float, radius_km: float | None) -> list[tuple[float, str, str]]:
        """(distance km, term, AGS) of every place within `radius_km` (None: every place), nearest first;
        ties by term, so the walk order is fixed."""
        if not self.terms:
            return []
        dist = self.distances(lat, lon)
        keep = np.flatnonzero(dist <= radius_km) if radius_km is not None else np.arange(len(self.terms))
        found = [(float(dist[i]), self.terms[i], self.ags[i]) for i in keep.tolist()]
        found.sort()
        return found

    def cover(self, inside: np.ndarray) -> tuple[list[str], list[str]]:
        """(cell terms, place terms) whose postings are exactly the postings with a place in `inside`
        (a boolean per place): the coarsest cells all of whose places are inside, and the inside places
        in no such cell. 100 km around Mannheim: 1,460 places -> ~100 terms."""
        cells: list[str] = []
        covered = np.zeros(len(self.terms), dtype=bool)
        outside = (~inside).astype(np.float64)
        for level in self.levels:
            n = len(level.cells)
            has_in = np.bincount(level.slot, weights=inside.astype(np.float64), minlength=n) > 0
            has_out = np.bincount(level.slot, weights=outside, minlength=n) > 0
            done = np.bincount(level.slot, weights=covered.astype(np.float64), minlength=n) > 0
            full = has_in & ~has_out & ~done
            if full.any():
                cells += [level.cells[i] for i in np.flatnonzero(full).tolist()]
                covered |= full[level.slot]
        rest = np.flatnonzero(inside & ~covered)
        return cells, [self.terms[i] for i in rest.tolist()]


# Up to this many terms a circle is a union of term queries: tantivy intersects that lazily with the rest
# of the query, while a term-set query first builds a bitset of every posting in the circle (1M postings,
# Essen 25 km = 154k postings: "Pflegefachkraft" in it 3.9 ms as a term set, 2.9 ms as a union).
UNION_MAX_TERMS = 512


def places_query(schema: tantivy.Schema, terms: Iterable[str], cells: Iterable[str] = ()) -> Query:
    """Postings with one of these places (`place_geo` terms) or in one of these cells (`geo_cell` terms)."""
    wanted = [(CELL_FIELD, c) for c in cells] + [(PLACE_FIELD, t) for t in terms]
    if not wanted:
        return Query.empty_query()
    if len(wanted) <= UNION_MAX_TERMS:
        return Query.boolean_query([(Occur.Should, Query.term_query(schema, f, v)) for f, v in wanted])
    parts = [
        Query.term_set_query(schema, field, [v for f, v in wanted if f == field])
        for field in (CELL_FIELD, PLACE_FIELD)
        if any(f == field for f, _ in wanted)
    ]
    return parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Should, p) for p in parts])


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


def posting_ids(searcher: tantivy.Searcher, addrs: list[tantivy.DocAddress]) -> list[int]:
    if not addrs:
        return []
    return [int(v) if v is not None else -1 for v in searcher.fast_field_values("id", addrs)]


def distance_page(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    query: Query,
    near: list[tuple[float, str, str]],
    counts: dict[str, int],
    center: tuple[float, float],
    offset: int,
    page_size: int,
) -> list[SearchHit]:
    """The page of `query` (already restricted to the places `near`) in (distance, posting id) order.

    `counts` is matches per AGS (a posting counts at each of its places, so the sums are upper bounds).
    """
    need = offset + page_size
    # places at one distance: (distance, terms, count); a code at two positions has one count, and each of
    # its places gets it (an upper bound again)
    groups: list[tuple[float, list[str], int]] = []
    for dist, term, ags in near:
        n = counts.get(ags, 0)
        if not n:
            continue
        if groups and groups[-1][0] == dist:
            groups[-1] = (dist, [*groups[-1][1], term], groups[-1][2] + n)
        else:
            groups.append((dist, [term], n))
    if not groups:
        return []
    target = need
    while True:
        held, k = 0, 0
        while k < len(groups) and held < target:
            held += groups[k][2]
            k += 1
        # every posting of the places before the last group is on the page or before it
        before = [t for _, terms, _ in groups[: k - 1] for t in terms]
        first_addrs: list[tantivy.DocAddress] = []
        if before:
            limit = max(1, held - groups[k - 1][2])
            q = Query.boolean_query([(Occur.Must, query), (Occur.Must, places_query(schema, before))])
            res = searcher.search(q, limit=limit, count=True)
            found = int(getattr(res, "count", 0) or 0)  # the bundled type stub lacks `count`
            if found > limit:  # counts are upper bounds: cannot happen
                res = searcher.search(q, limit=found, count=False)
            first_addrs = [a for _, a in res.hits]
        last_addrs: list[tantivy.DocAddress] = []
        if k:
            q = Query.boolean_query(
                [(Occur.Must, query), (Occur.Must, places_query(schema, groups[k - 1][1]))]
            )
            res = searcher.search(q, limit=need + len(first_addrs), order_by_field="id", order=Order.Asc)
            last_addrs = [a for _, a in res.hits]
        ranked = _ranked(searcher, first_addrs, center)
        seen = {pid for _, pid in ranked}
        tail = [(d, pid) for d, pid in _ranked(searcher, last_addrs, center) if pid not in seen]
        # the last group's postings have no nearer place (those are all in `before`): one distance, id order
        ranked += sorted(tail, key=lambda x: x[1])
        if len(ranked) >= need or k >= len(groups):
            return [SearchHit(pid, 0.0, round(d, 2)) for d, pid in ranked[offset:need]]
        target = max(target * 2, held + 1)


def _ranked(
    searcher: tantivy.Searcher, addrs: list[tantivy.DocAddress], center: tuple[float, float]
) -> list[tuple[float, int]]:
    dists = distances_np(searcher, addrs, *center)
    return sorted(zip(dists.tolist(), posting_ids(searcher, addrs), strict=True))
