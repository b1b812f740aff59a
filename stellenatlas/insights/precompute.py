"""Precomputed page facts in the store: one insight per occupation × municipality (key `page:<kldb>:<ags>`).

`insights refresh` computes every page of the page list; after an ingest, `refresh_pages_for` recomputes the
pages the ingested postings touch. A request reads the stored facts when they are fresh and otherwise computes
them on the fly and stores them, so a page is slow at most once per day.

Fresh means: same facts version, same minimum salary sample, computed today (the trend months and the
12-month window move with the date) and not older than MAX_AGE. A page the ingest runner did not refresh may
show Land and Germany comparison figures up to MAX_AGE old.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from stellenatlas.insights.occupation_city import FACTS_VERSION, FactCache, page_key
from stellenatlas.insights.pages import PageRef, _canonical_title, display_title, page_list
from stellenatlas.refdata import occupations as refocc
from stellenatlas.refdata import places as refplaces
from stellenatlas.store.repo import Store

MAX_AGE = timedelta(hours=6)
log = logging.getLogger(__name__)


def pages_by_place(store: Store) -> dict[str, dict[str, dict[str, Any]]]:
    """{ags: {kldb: page-list entry}}: which occupations have a page in a city."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for p in page_list(store):
        out.setdefault(p["ags"], {})[p["kldb"]] = p
    return out


def is_fresh(payload: dict[str, Any], computed_at: datetime, *, min_sample: int, now: datetime) -> bool:
    return (
        payload.get("version") == FACTS_VERSION
        and payload.get("as_of") == now.date().isoformat()
        and payload.get("salary", {}).get("min_sample") == min_sample
        and now - computed_at <= MAX_AGE
    )


def compute_and_store(
    store: Store,
    ref: PageRef,
    *,
    min_sample: int,
    today: date | None = None,
    pages_here: dict[str, dict[str, Any]] | None = None,
    cache: FactCache | None = None,
) -> dict[str, Any]:
    if pages_here is None:
        pages_here = pages_by_place(store).get(ref.place.ags, {})
    facts = ref.facts(store, min_sample=min_sample, today=today, pages_here=pages_here, cache=cache)
    store.put_insight(page_key(ref.occupation.kldb, ref.place.ags), facts)
    return facts


def load_facts(
    store: Store, ref: PageRef, *, min_sample: int, now: datetime | None = None
) -> tuple[dict[str, Any], bool]:
    """(facts, True) from the store when fresh, else (freshly computed and stored facts, False).

    The stored facts carry the occupation title and slug of the page list; the request's own (it may have come
    in under another title of the same occupation) replace them.
    """
    now = now or datetime.now(UTC)
    entry = store.get_insight_entry(page_key(ref.occupation.kldb, ref.place.ags))
    if entry is not None and is_fresh(entry[1], entry[0], min_sample=min_sample, now=now):
        facts, cached = entry[1], True
    else:
        facts, cached = _compute_for_request(store, ref, min_sample=min_sample, today=now.date()), False
    facts["occupation"] = {**facts["occupation"], "title": ref.title, "slug": ref.occupation_slug}
    return facts, cached


def _compute_for_request(store: Store, ref: PageRef, *, min_sample: int, today: date) -> dict[str, Any]:
    """Facts computed while a visitor waits. Storing them is a bonus: when the database refuses the write
    (SQLite busy with an ingest), the page is still served and the next request tries again."""
    pages_here = pages_by_place(store).get(ref.place.ags, {})
    facts = ref.facts(store, min_sample=min_sample, today=today, pages_here=pages_here)
    try:
        store.put_insight(page_key(ref.occupation.kldb, ref.place.ags), facts)
    except SQLAlchemyError:
        log.warning("could not store the facts of %s", ref.url, exc_info=True)
    return facts


def _ref(kldb: str, ags: str, title: str, slug: str) -> PageRef | None:
    occupation = refocc.kldb(kldb)
    place = refplaces.municipalities().get(ags)
    if occupation is None or place is None:
        return None
    return PageRef(occupation=occupation, title=title, occupation_slug=slug, place=place)


def refresh_all_pages(
    store: Store, *, min_sample: int, today: date | None = None, limit: int | None = None
) -> int:
    """Precompute the facts of every page of the page list (run `refresh_page_list` first). Returns the count."""
    today = today or datetime.now(UTC).date()
    by_place = pages_by_place(store)
    cache: FactCache = {}
    n = 0
    for page in page_list(store)[:limit]:
        ref = _ref(page["kldb"], page["ags"], page["title"], page["occupation_slug"])
        if ref is None:
            continue
        compute_and_store(
            store,
            ref,
            min_sample=min_sample,
            today=today,
            pages_here=by_place.get(page["ags"], {}),
            cache=cache,
        )
        n += 1
    return n


def refresh_pages_for(
    store: Store,
    kldb_ags_pairs: Iterable[tuple[str, str]],
    *,
    min_sample: int = 20,
    today: date | None = None,
) -> int:
    """Recompute the stored facts of the occupation × municipality pages that new or changed postings touch.

    For the ingest runner: pass (posting.kldb, ags) for every place of every new/updated/expired posting;
    unclassified postings (kldb "") and unknown places are skipped, duplicates in the input are computed once.
    Pages not yet in the page list are computed too (the page works on the fly anyway); the page list itself
    (home page, sitemap) is updated by `refresh_page_list`. Returns the number of pages stored.
    """
    today = today or datetime.now(UTC).date()
    wanted = sorted({(k, a) for k, a in kldb_ags_pairs if len(k) == 5 and k.isdigit() and len(a) == 8})
    if not wanted:
        return 0
    by_place = pages_by_place(store)
    titles: dict[str, tuple[str, str]] = {}
    cache: FactCache = {}
    n = 0
    for kldb, ags in wanted:
        listed = by_place.get(ags, {}).get(kldb)
        if listed is not None:
            title, slug = listed["title"], listed["occupation_slug"]
        else:
            if kldb not in titles:
                titles[kldb] = _canonical_title(store, kldb)
            title, slug = titles[kldb]
        ref = _ref(kldb, ags, display_title(title), slug)
        if ref is None:
            continue
        compute_and_store(
            store, ref, min_sample=min_sample, today=today, pages_here=by_place.get(ags, {}), cache=cache
        )
        n += 1
    return n
