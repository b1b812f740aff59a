"""Reference tables (places, occupations) filled from refdata; the CLI calls `seed_reference` after migrating."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from stellenatlas.domain.models import Occupation, Place
from stellenatlas.store.mapping import check_kldb
from stellenatlas.store.repo import Store, dialect_insert
from stellenatlas.store.schema import occupations, places

_BATCH = 1000


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while chunk := list(islice(it, _BATCH)):
        yield chunk


def _place_row(p: Place) -> dict[str, Any]:
    return {
        "ags": p.ags,
        "name": p.name,
        "kreis_ags": p.kreis_ags,
        "kreis": p.kreis,
        "land": p.land,
        "rb_ags": p.rb_ags,
        "rb": p.rb,
        "lat": p.lat,
        "lon": p.lon,
        "population": p.population,
        "plz": p.plz,
        # Place has no region yet; the column is ready for when refdata provides one
        "region": getattr(p, "region", "") or "",
    }


def _occupation_row(o: Occupation) -> dict[str, Any]:
    return {
        "kldb": check_kldb(o.kldb),
        "title": o.title,
        "short_title": o.short_title,
        "isco": o.isco,
        "esco_uri": o.esco_uri,
        "esco_label": o.esco_label,
    }


def seed_reference(
    store: Store, places_in: Iterable[Place], occupations_in: Iterable[Occupation]
) -> tuple[int, int]:
    """Upsert places and occupations (idempotent; changed reference data overwrites). Returns the counts.

    One transaction: a bad record leaves the previous reference data untouched.
    """
    n_places = n_occupations = 0
    with store.engine.begin() as conn:
        for table, key, rows in (
            (places, "ags", (_place_row(p) for p in places_in)),
            (occupations, "kldb", (_occupation_row(o) for o in occupations_in)),
        ):
            for chunk in _batches(rows):
                stmt = dialect_insert(conn, table)
                cols = [c for c in chunk[0] if c != key]
                stmt = stmt.on_conflict_do_update(
                    index_elements=[key], set_={c: getattr(stmt.excluded, c) for c in cols}
                )
                conn.execute(stmt, chunk)
                if table is places:
                    n_places += len(chunk)
                else:
                    n_occupations += len(chunk)
    return n_places, n_occupations
