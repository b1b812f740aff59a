"""Ingest runs, rejections, insights and the reference-data seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from stellenatlas.domain.models import Occupation, Place
from stellenatlas.store import Store, seed_reference
from stellenatlas.store.schema import occupations, places

STARTED = datetime(2025, 3, 14, 5, 0, tzinfo=UTC)


def test_run_lifecycle_and_rejections(store: Store) -> None:
    run_id = store.record_run(
        "ba", started_at=STARTED, notes={"query": "was=Projektkoordinator&wo=Gelsenkirchen"}
    )
    store.record_rejection(
        "ba",
        "10000-1199999999-S",
        "Titel fehlt",
        {"titel": "", "arbeitgeber": "Stadtwerke Gelsenkirchen GmbH", "beschreibung": "Lorem " * 2000},
        run_id=run_id,
    )
    store.finish_run(run_id, finished_at=STARTED + timedelta(minutes=3), new=120, unchanged=4, rejected=1)
    (run,) = store.recent_runs()
    assert run["id"] == run_id and (run["new"], run["updated"], run["unchanged"], run["rejected"]) == (
        120,
        0,
        4,
        1,
    )
    assert run["finished_at"] == STARTED + timedelta(minutes=3)
    assert run["notes"] == {"query": "was=Projektkoordinator&wo=Gelsenkirchen"}
    (rej,) = store.rejections_for(run_id)
    assert rej["reason"] == "Titel fehlt" and len(rej["payload"]) == 2000
    assert '"arbeitgeber": "Stadtwerke Gelsenkirchen GmbH"' in rej["payload"]


def test_insights_overwrite_and_keep_unicode(store: Store) -> None:
    key = "page:43323:05513000"
    assert store.get_insight(key) is None
    store.put_insight(key, {"median": 4650, "n": 23, "quelle": "Stellenanzeigen, März 2025"})
    store.put_insight(key, {"median": 4700, "n": 24, "quelle": "Stellenanzeigen, März 2025"}, now=STARTED)
    assert store.get_insight(key) == {"median": 4700, "n": 24, "quelle": "Stellenanzeigen, März 2025"}
    entry = store.get_insight_entry(key)
    assert entry is not None and entry[0] == STARTED


GELSENKIRCHEN = Place(
    "05513000",
    "Gelsenkirchen",
    51.5110,
    7.0960,
    259645,
    "05513",
    "Gelsenkirchen",
    "Nordrhein-Westfalen",
    "055",
    "Münster",
    "45879",
)
ESSEN = Place(
    "05113000",
    "Essen",
    51.4566,
    7.0116,
    582760,
    "05113",
    "Essen",
    "Nordrhein-Westfalen",
    "051",
    "Düsseldorf",
    "45127",
)
IT_KOORD = Occupation(
    "43323",
    "Berufe in der IT-Koordination – komplexe Spezialistentätigkeiten",
    "IT-Koordination - Spezialist",
    "2511",
)


def test_seed_reference_is_an_idempotent_upsert(store: Store) -> None:
    assert seed_reference(store, [GELSENKIRCHEN, ESSEN], [IT_KOORD]) == (2, 1)
    renamed = Place(**{**{f: getattr(ESSEN, f) for f in Place.__slots__}, "population": 586608})
    assert seed_reference(store, [GELSENKIRCHEN, renamed], [IT_KOORD]) == (2, 1)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(places.c.ags, places.c.rb, places.c.population).order_by(places.c.ags)
        ).all()
        occ = conn.execute(select(occupations.c.kldb, occupations.c.short_title)).all()
    assert rows == [("05113000", "Düsseldorf", 586608), ("05513000", "Münster", 259645)]
    assert occ == [("43323", "IT-Koordination - Spezialist")]
