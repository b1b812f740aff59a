"""Reads for pages and statistics: listings, counts, salary rows, monthly series, employers, sectors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from store_samples import KLINIKEN, NOW, SPEDITION

from stellenatlas.domain.models import (
    Employer,
    Experience,
    Posting,
    PostingStatus,
    Salary,
    SalaryPeriod,
    Sector,
)
from stellenatlas.store import Store

Make = Callable[..., Posting]

GE, ESSEN, BOCHUM = "05513000", "05113000", "05911000"


def _ingest(store: Store, make: Make) -> list[int]:
    """Six postings in the Ruhr area: 3 IT (one a duplicate re-post), 2 Pflege, 1 Kraftfahrer without date."""
    batch = [
        make(source_id="it-1", posted_at=datetime(2025, 1, 20, tzinfo=UTC), raw_hash="1"),
        make(
            source_id="it-2",
            title="Projektkoordinator IT-Infrastruktur (m/w/d)",
            posted_at=datetime(2025, 3, 2, tzinfo=UTC),
            salary=Salary(55000.0, 65000.0, SalaryPeriod.YEAR),
            experience=Experience.SENIOR,
            raw_hash="2",
        ),
        # the same job re-posted by a staffing agency: must not count twice in statistics
        make(
            source="stepstone",
            source_id="it-2-dup",
            employer=Employer("Randstad Deutschland GmbH & Co. KG", Sector.STAFFING),
            posted_at=datetime(2025, 3, 3, tzinfo=UTC),
            salary=Salary(55000.0, 65000.0, SalaryPeriod.YEAR),
            raw_hash="3",
        ),
        make(
            source_id="pflege-1",
            title="Gesundheits- und Krankenpfleger (m/w/d)",
            employer=KLINIKEN,
            place_ags=(ESSEN,),
            kldb="81302",
            salary=Salary(3800.0, None, SalaryPeriod.MONTH, tariff="TV-L P 8"),
            posted_at=datetime(2025, 2, 14, tzinfo=UTC),
            experience=Experience.ENTRY,
            raw_hash="4",
        ),
        make(
            source_id="pflege-2",
            title="Pflegefachkraft (w/m/d) Teilzeit",
            employer=KLINIKEN,
            place_ags=(ESSEN,),
            kldb="81302",
            salary=None,
            salary_text="",
            posted_at=datetime(2025, 3, 1, tzinfo=UTC),
            raw_hash="5",
        ),
        make(
            source_id="lkw-1",
            title="Berufskraftfahrer CE (m/w/d)",
            employer=SPEDITION,
            place_ags=(BOCHUM,),
            kldb="52122",
            salary=Salary(16.5, 18.0, SalaryPeriod.HOUR),
            posted_at=None,
            raw_hash="6",
        ),
    ]
    ids = store.upsert_postings(batch, now=NOW).ids
    store.set_duplicate(ids[2], ids[1])
    return ids


def test_postings_for_newest_first_and_paged(store: Store, make_posting: Make) -> None:
    ids = _ingest(store, make_posting)
    assert [p.id for p in store.postings_for("43323", [GE])] == [ids[1], ids[0]]  # duplicate left out
    assert [p.id for p in store.postings_for("43323", [GE], include_duplicates=True)] == [
        ids[2],
        ids[1],
        ids[0],
    ]
    assert [p.id for p in store.postings_for("", None, limit=2, offset=0)] == [ids[1], ids[4]]
    assert [p.id for p in store.postings_for("", None, limit=10, offset=3)] == [
        ids[0],
        ids[5],
    ]  # undated last
    page = store.postings_for("81302", [ESSEN])
    assert [p.title for p in page] == [
        "Pflegefachkraft (w/m/d) Teilzeit",
        "Gesundheits- und Krankenpfleger (m/w/d)",
    ]
    assert page[0].employer == KLINIKEN and page[0].place_ags == (ESSEN,)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", 5),
        ("4", 2),
        ("43", 2),
        ("433", 2),
        ("4332", 2),
        ("43323", 2),
        ("43324", 0),
        ("8", 2),
        ("5", 1),
        ("1", 0),
    ],
)
def test_kldb_prefix_counts(store: Store, make_posting: Make, prefix: str, expected: int) -> None:
    _ingest(store, make_posting)
    assert store.count_postings(prefix, None, include_duplicates=False) == expected


@pytest.mark.parametrize("prefix", ["43%", "4_", "433230", "abc"])
def test_kldb_prefix_must_be_digits(store: Store, prefix: str) -> None:
    with pytest.raises(ValueError, match="kldb prefix"):
        store.count_postings(prefix)


def test_counts_by_place_status_and_source(store: Store, make_posting: Make) -> None:
    _ingest(store, make_posting)
    assert store.count_postings() == 6
    assert store.count_postings(ags=[GE]) == 3
    assert store.count_postings(ags=[GE, ESSEN]) == 5
    assert store.count_postings(ags=["05513"]) == 3  # Kreis prefix (Gelsenkirchen is kreisfrei)
    assert store.count_postings(ags=[]) == 0  # no places selected, not Germany
    assert store.count_postings(source="stepstone") == 1
    assert store.count_postings(status=PostingStatus.EXPIRED) == 0


def test_salary_rows_exclude_duplicates_and_postings_without_salary(store: Store, make_posting: Make) -> None:
    _ingest(store, make_posting)
    it_rows = store.salary_rows("43323", [GE])
    assert [(lo, hi, exp) for lo, hi, exp, _at, _t in it_rows] == [
        (4200.0, 5100.0, Experience.PROFESSIONAL),
        (4583.33, 5416.67, Experience.SENIOR),  # yearly salary as monthly
    ]
    assert store.salary_rows("81302", [ESSEN]) == [
        (3800.0, None, Experience.ENTRY, datetime(2025, 2, 14, tzinfo=UTC), "TV-L P 8")
    ]
    lkw = store.salary_rows("52122", None)
    assert len(lkw) == 1 and lkw[0][0] == pytest.approx(2860.0) and lkw[0][3] == NOW  # undated -> first seen
    assert len(store.salary_rows("", None)) == 4


def test_salary_rows_include_expired_postings(store: Store, make_posting: Make) -> None:
    _ingest(store, make_posting)
    store.expire_missing("ba", ["it-1"], now=NOW + timedelta(days=1))
    assert len(store.salary_rows("43323", [GE])) == 2
    assert len(store.salary_rows("43323", [GE], status="aktiv")) == 1


def test_monthly_counts_fill_gaps_and_skip_duplicates(store: Store, make_posting: Make) -> None:
    _ingest(store, make_posting)
    assert store.monthly_counts("43323", [GE], date(2024, 12, 1), until=date(2025, 4, 1)) == [
        ("2024-12", 0),
        ("2025-01", 1),
        ("2025-02", 0),
        ("2025-03", 1),
        ("2025-04", 0),
    ]
    assert store.monthly_counts("", None, date(2025, 2, 1), until=date(2025, 3, 31)) == [
        ("2025-02", 1),
        ("2025-03", 3),  # it-2, pflege-2 and the undated Kraftfahrer seen on 14 March
    ]


def test_employer_and_sector_counts(store: Store, make_posting: Make) -> None:
    _ingest(store, make_posting)
    assert store.employer_counts("", None) == [
        ("Evangelische Kliniken Essen-Mitte gGmbH", 2),
        ("Stadtwerke Gelsenkirchen GmbH", 2),
        ("Spedition Heinrich Koch GmbH & Co. KG", 1),
    ]
    assert store.employer_counts("", None, limit=1) == [("Evangelische Kliniken Essen-Mitte gGmbH", 2)]
    assert store.sector_counts("", None) == [(Sector.ENERGY, 2), (Sector.HEALTH, 2), (Sector.LOGISTICS, 1)]
    assert store.sector_counts("8", [ESSEN]) == [(Sector.HEALTH, 2)]


def test_iter_postings_streams_all_in_batches(store: Store, make_posting: Make) -> None:
    ids = _ingest(store, make_posting)
    store.expire_missing("ba", ["it-1", "it-2"], now=NOW)
    assert [p.id for p in store.iter_postings(status=None, batch=2)] == ids
    assert [p.id for p in store.iter_postings(batch=2)] == [ids[0], ids[1], ids[2]]
    assert all(p.status is PostingStatus.EXPIRED for p in store.iter_postings("abgelaufen"))


def test_set_duplicate_rejects_self_and_unknown(store: Store, make_posting: Make) -> None:
    ids = _ingest(store, make_posting)
    with pytest.raises(ValueError):
        store.set_duplicate(ids[0], ids[0])
    with pytest.raises(KeyError):
        store.set_duplicate(999_999, ids[0])
    store.set_duplicate(ids[2], None)
    assert store.count_postings("43323", [GE], include_duplicates=False) == 3
