"""The circle as cells and places (`radius.PlaceTable.cover`), checked on the real municipality list."""

from __future__ import annotations

import random

import numpy as np
import pytest

from stellenatlas.refdata import places as refplaces
from stellenatlas.search import radius
from stellenatlas.search.radius import CELL_KM, PlaceTable, cell_terms, place_term

MUNIS = sorted(refplaces.municipalities().values(), key=lambda m: m.ags)


def _table() -> PlaceTable:
    class Searcher:  # the one method PlaceTable.read uses, answered from the reference list
        def terms_with_prefix(self, field: str, prefix: str, limit: object = None) -> list[tuple[str, int]]:
            return sorted((place_term(m.ags, m.lat, m.lon), 1) for m in MUNIS)

    return PlaceTable.read(Searcher())  # type: ignore[arg-type]


TABLE = _table()


def test_index_and_query_compute_the_same_cells() -> None:
    """Index time computes a place's cells one by one, query time for all places at once: they must agree."""
    by_term = {t: i for i, t in enumerate(TABLE.terms)}
    for m in MUNIS:
        i = by_term[place_term(m.ags, m.lat, m.lon)]
        assert cell_terms(m.lat, m.lon) == [level.cells[level.slot[i]] for level in TABLE.levels]
    assert len(cell_terms(MUNIS[0].lat, MUNIS[0].lon)) == len(CELL_KM)


CENTERS = [("09162000", 30.0), ("05513000", 100.0), ("11000000", 250.0), ("01001000", 8.0), ("08222000", 1.0)]


@pytest.mark.parametrize(("ags", "radius_km"), CENTERS)
def test_cover_is_exactly_the_places_inside(ags: str, radius_km: float) -> None:
    center = refplaces.municipalities()[ags]
    dist = TABLE.distances(center.lat, center.lon)
    inside = dist <= radius_km
    cells, places = TABLE.cover(inside)
    got = set(places)
    for name in cells:
        level = next(lv for lv in TABLE.levels if name in lv.cells)
        slot = level.cells.index(name)
        got |= {TABLE.terms[i] for i in np.flatnonzero(level.slot == slot)}
    assert got == {TABLE.terms[i] for i in np.flatnonzero(inside)}
    assert len(cells) + len(places) <= max(1, int(inside.sum()))
    if radius_km >= 100:  # the point of the cells: far fewer terms than places
        assert len(cells) + len(places) < inside.sum() / 4


def test_random_circles() -> None:
    rnd = random.Random(3)
    for _ in range(40):
        lat, lon = rnd.uniform(47.3, 55.0), rnd.uniform(6.0, 15.0)
        r = rnd.choice([1.0, 5.0, 17.5, 60.0, 333.0])
        inside = TABLE.distances(lat, lon) <= r
        cells, places = TABLE.cover(inside)
        members = {TABLE.terms[i] for i in np.flatnonzero(inside)}
        got = set(places)
        for level in TABLE.levels:
            wanted = {level.cells.index(c) for c in cells if c in level.cells}
            got |= {TABLE.terms[i] for i in np.flatnonzero(np.isin(level.slot, list(wanted)))}
        assert got == members


def test_a_term_not_written_by_place_term_is_skipped() -> None:
    class Searcher:
        def terms_with_prefix(self, field: str, prefix: str, limit: object = None) -> list[tuple[str, int]]:
            return [("05513000|51.5|7.1", 3), ("kaputt", 1), ("x|y|z", 1)]

    table = PlaceTable.read(Searcher())  # type: ignore[arg-type]
    assert table.ags == ["05513000"] and radius.haversine_km(51.5, 7.1, 51.5, 7.1) == 0.0
