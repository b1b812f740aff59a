"""Ingest writes: idempotent upsert, updates by hash, expiry, multi-place postings, atomic batches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from store_samples import KLINIKEN, NOW, SPEDITION

from stellenatlas.domain.models import Employer, Posting, PostingStatus, Salary, SalaryPeriod, Sector
from stellenatlas.store import Store
from stellenatlas.store.schema import employers, posting_places, postings

Make = Callable[..., Posting]
Snap = Callable[..., dict[str, list[tuple[Any, ...]]]]


def _three(make: Make) -> list[Posting]:
    return [
        make(),
        make(
            source_id="10000-1199001122-S",
            title="Pflegefachkraft (w/m/d) Intensivstation",
            employer=KLINIKEN,
            location_text="Essen-Huttrop",
            place_ags=("05113000",),
            kldb="81302",
            salary=Salary(3800.0, 4300.0, SalaryPeriod.MONTH, tariff="TV-L P 8"),
            salary_text="nach TV-L P 8",
            skills=("Intensivpflege",),
            raw_hash="h-pflege-1",
        ),
        make(
            source_id="10000-1199334455-S",
            title="Berufskraftfahrer CE (m/w/d) Nahverkehr",
            employer=SPEDITION,
            location_text="Bochum",
            place_ags=("05911000",),
            kldb="52122",
            salary=Salary(16.5, None, SalaryPeriod.HOUR),
            salary_text="ab 16,50 € pro Stunde",
            skills=(),
            posted_at=None,
            valid_through=None,
            raw_hash="h-lkw-1",
        ),
    ]


def test_round_trip_returns_the_same_domain_posting(store: Store, make_posting: Make) -> None:
    posting = make_posting()
    result = store.upsert_postings([posting], now=NOW)
    assert (result.new, result.updated, result.unchanged) == (1, 0, 0)
    got = store.get_posting(result.ids[0])
    assert got == replace(posting, id=result.ids[0])
    assert got is not None and got.posted_at is not None and got.posted_at.tzinfo is not None
    assert got.posted_at.utcoffset() == timedelta(0)
    assert store.get_posting(result.ids[0] + 1000) is None


def test_second_ingest_of_same_postings_changes_nothing(
    store: Store, make_posting: Make, take_snapshot: Snap
) -> None:
    batch = _three(make_posting)
    first = store.upsert_postings(batch, now=NOW)
    assert (first.new, first.updated, first.unchanged) == (3, 0, 0)
    before = take_snapshot(skip=("last_seen_at",))
    second = store.upsert_postings(batch, now=NOW + timedelta(days=1))
    assert (second.new, second.updated, second.unchanged) == (0, 0, 3)
    assert second.ids == first.ids
    assert take_snapshot(skip=("last_seen_at",)) == before
    got = store.get_by_source("ba", "10000-1198765432-S")
    assert got is not None
    with store.engine.connect() as conn:
        seen = conn.execute(select(postings.c.first_seen_at, postings.c.last_seen_at)).all()
    for first_seen, last_seen in seen:
        assert last_seen.replace(tzinfo=UTC) - first_seen.replace(tzinfo=UTC) == timedelta(days=1)


def test_changed_hash_updates_row_and_replaces_places(store: Store, make_posting: Make) -> None:
    first = store.upsert_postings([make_posting()], now=NOW)
    changed = make_posting(
        title="IT-Projektkoordinator (m/w/d) – Schwerpunkt Smart Metering",
        place_ags=("05512000", "05513000"),  # Bottrop added, Gelsenkirchen now second
        raw_hash="h-it-2",
    )
    second = store.upsert_postings([changed], now=NOW + timedelta(days=2))
    assert (second.new, second.updated, second.unchanged) == (0, 1, 0)
    assert second.ids == first.ids
    got = store.get_posting(first.ids[0])
    assert got == replace(changed, id=first.ids[0])
    assert got is not None and got.place_ags == ("05512000", "05513000")


def test_same_key_twice_in_one_batch_last_wins(store: Store, make_posting: Make) -> None:
    a = make_posting(raw_hash="h-a")
    b = make_posting(raw_hash="h-b", title="IT-Projektkoordinatorin (w/m/d)")
    result = store.upsert_postings([a, b], now=NOW)
    assert result.new == 1 and result.ids[0] == result.ids[1]
    got = store.get_posting(result.ids[0])
    assert got is not None and got.title == "IT-Projektkoordinatorin (w/m/d)"


def test_expire_missing_marks_but_never_deletes(store: Store, make_posting: Make) -> None:
    batch = _three(make_posting)
    other = make_posting(source="stadt-ge", source_id="2025-017", raw_hash="h-ge")
    ids = store.upsert_postings([*batch, other], now=NOW).ids
    later = NOW + timedelta(days=1)
    assert len(store.expire_missing("ba", {"10000-1198765432-S"}, now=later)) == 2
    assert store.count_postings(status=None) == 4
    assert store.count_postings(status="aktiv") == 2  # the seen one and the other source's
    expired = store.get_posting(ids[1])
    assert expired is not None and expired.status is PostingStatus.EXPIRED
    with store.engine.connect() as conn:
        at = conn.execute(select(postings.c.expired_at).where(postings.c.id == ids[1])).scalar_one()
    assert at.replace(tzinfo=UTC) == later
    assert store.expire_missing("ba", {"10000-1198765432-S"}, now=later) == []


def test_expired_posting_seen_again_is_reactivated(store: Store, make_posting: Make) -> None:
    p = make_posting(valid_through=None)
    pid = store.upsert_postings([p], now=NOW).ids[0]
    store.expire_missing("ba", [], now=NOW + timedelta(days=1))
    result = store.upsert_postings([p], now=NOW + timedelta(days=2))
    assert (result.new, result.updated, result.unchanged) == (0, 1, 0)
    got = store.get_posting(pid)
    assert got is not None and got.status is PostingStatus.ACTIVE


def test_expire_past_valid_through(store: Store, make_posting: Make) -> None:
    batch = _three(make_posting)  # valid through 2025-04-30, 2025-04-30, None
    store.upsert_postings(batch, now=NOW)
    assert store.expire_past_valid_through(date(2025, 4, 30)) == []
    assert len(store.expire_past_valid_through(date(2025, 5, 1))) == 2
    assert store.count_postings(status="abgelaufen") == 2
    assert store.count_postings(status=None) == 3


def test_moderation_status_survives_changed_reingest(store: Store, make_posting: Make) -> None:
    pid = store.upsert_postings([make_posting()], now=NOW).ids[0]
    assert store.set_status(pid, PostingStatus.REJECTED)
    store.upsert_postings([make_posting(raw_hash="h-it-2")], now=NOW)
    got = store.get_posting(pid)
    assert got is not None and got.status is PostingStatus.REJECTED


def test_multi_place_posting_found_at_each_place(store: Store, make_posting: Make) -> None:
    multi = make_posting(
        source_id="10000-1200000001-S",
        title="Servicetechniker Aufzugsanlagen (m/w/d)",
        location_text="Essen, Bochum, Gelsenkirchen",
        place_ags=("05113000", "05911000", "05513000", "05113000"),  # repeated AGS must not break the pk
        kldb="25212",
        raw_hash="h-multi",
    )
    pid = store.upsert_postings([multi], now=NOW).ids[0]
    got = store.get_posting(pid)
    assert got is not None and got.place_ags == ("05113000", "05911000", "05513000")
    for ags in ("05113000", "05911000", "05513000"):
        assert [p.id for p in store.postings_for("252", [ags])] == [pid]
    assert store.postings_for("252", ["05512000"]) == []
    assert store.count_postings("252", ["05113000", "05911000"]) == 1  # counted once, not per place
    assert store.count_postings("252", ["05"]) == 1  # Land prefix (NRW)
    assert store.count_postings("252", ["09"]) == 0  # Bayern
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(posting_places)).scalar_one() == 3


def test_employers_are_shared_by_folded_name(store: Store, make_posting: Make) -> None:
    shouting = Employer("STADTWERKE  GELSENKIRCHEN GMBH")
    store.upsert_postings(
        [make_posting(), make_posting(source_id="10000-1198765433-S", employer=shouting, raw_hash="h-x")],
        now=NOW,
    )
    with store.engine.connect() as conn:
        rows = conn.execute(select(employers.c.name, employers.c.sector)).all()
    assert rows == [("Stadtwerke Gelsenkirchen GmbH", Sector.ENERGY.value)]
    assert store.employer_counts("43323", ["05513000"]) == [("Stadtwerke Gelsenkirchen GmbH", 2)]


def test_failing_batch_leaves_store_exactly_as_before(
    store: Store, make_posting: Make, take_snapshot: Snap
) -> None:
    store.upsert_postings([make_posting()], now=NOW)
    before = take_snapshot()
    bad_batch = [
        make_posting(raw_hash="h-it-2", title="geänderter Titel", place_ags=("05512000",)),  # an update
        make_posting(
            source_id="10000-1199001122-S", employer=KLINIKEN, raw_hash="h-new"
        ),  # new + new employer
        make_posting(source_id="10000-1199334455-S", raw_hash="h-bad", duplicate_of=987654),  # FK violation
    ]
    with pytest.raises(IntegrityError):
        store.upsert_postings(bad_batch, now=NOW + timedelta(hours=1))
    assert take_snapshot() == before


@pytest.mark.parametrize("kldb", ["4332", "433234", "43a23", "43 23"])
def test_invalid_kldb_rejects_the_whole_batch(
    store: Store, make_posting: Make, take_snapshot: Snap, kldb: str
) -> None:
    before = take_snapshot()
    with pytest.raises(ValueError, match="kldb"):
        store.upsert_postings([make_posting(source_id="ok-1"), make_posting(source_id="bad", kldb=kldb)])
    assert take_snapshot() == before


def test_empty_batch_is_a_no_op(store: Store) -> None:
    assert store.upsert_postings([]) == type(store.upsert_postings([]))(0, 0, 0, [])


def test_bulk_upsert_of_thousands(store: Store, make_posting: Make) -> None:
    # speed is measured by `make bench`, not asserted here: the machine is shared
    batch = [
        make_posting(source_id=f"perf-{i}", raw_hash=f"h{i}", place_ags=("05513000", "05113000"))
        for i in range(3000)
    ]
    result = store.upsert_postings(batch, now=NOW)
    again = store.upsert_postings(batch, now=NOW)
    assert result.new == 3000 and again.unchanged == 3000
    assert len(set(result.ids)) == 3000 and result.ids == again.ids
    assert store.count_postings(ags=["05113000"]) == 3000


def test_naive_times_are_taken_as_utc(store: Store, make_posting: Make) -> None:
    naive = make_posting(posted_at=datetime(2025, 3, 10, 8, 0))
    pid = store.upsert_postings([naive], now=datetime(2025, 3, 14, 6, 30)).ids[0]
    got = store.get_posting(pid)
    assert got is not None and got.posted_at == datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
