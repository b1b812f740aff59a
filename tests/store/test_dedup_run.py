"""Duplicate linking against a real SQLite store: the same job from the BA, a board and the career page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stellenatlas.domain.models import Employer, Posting, PostingStatus, Salary, SalaryPeriod
from stellenatlas.store import Store, open_store
from stellenatlas.store.dedup_run import DedupIndex, DedupReport, dedup_all, link_duplicates

GE, BOCHUM = "05513000", "05911000"
NOW = datetime(2026, 3, 10, 8, tzinfo=UTC)
LATER = datetime(2026, 3, 2, tzinfo=UTC)  # boards copy the BA posting a day later

TEXT = """Über uns
Die Stadtwerke Gelsenkirchen versorgen rund 260.000 Menschen mit Strom, Gas, Wärme und Wasser.

Ihre Aufgaben:
• Sie koordinieren IT-Projekte von der Anforderungsaufnahme bis zum Go-live
• Sie steuern externe Dienstleister und überwachen Termine, Budgets und Qualität
• Sie berichten an die Bereichsleitung und moderieren Lenkungskreise

Ihr Profil:
• Abgeschlossenes Studium der Wirtschaftsinformatik oder vergleichbare Ausbildung
• Erfahrung in der Projektkoordination, idealerweise mit PRINCE2 oder Scrum

Wir bieten:
• Vergütung nach TV-V, 39 Std./Woche, 30 Tage Urlaub
• Mobiles Arbeiten bis zu 2 Tage pro Woche
"""
BOARD_TEXT = (
    TEXT.split("Ihr Profil:")[1]
    + "\nIhre Aufgaben:"
    + TEXT.split("Ihre Aufgaben:")[1].split("Ihr Profil:")[0]
    + "Jetzt bewerben: https://www.jobboerse.example/apply/99?utm_source=ba\n"
    + "Diese Stellenanzeige wurde uns von unserem Partner zur Verfügung gestellt."
)
OTHER_TEXT = """Ihre Aufgaben:
• Wartung und Instandsetzung von Schaltanlagen in Umspannwerken
• Schalthandlungen im Mittel- und Niederspannungsnetz, Rufbereitschaft
Ihr Profil:
• Ausbildung als Elektroniker für Betriebstechnik, Führerschein Klasse B
"""
SALARY = Salary(3800, 4400, SalaryPeriod.MONTH, text="3.800 – 4.400 € brutto/Monat")


def job(
    source: str,
    source_id: str,
    title: str = "IT-Projektkoordinator (m/w/d)",
    employer: str = "Stadtwerke Gelsenkirchen GmbH",
    text: str = TEXT,
    places: tuple[str, ...] = (GE,),
    *,
    kldb: str = "43412",
    url: str = "",
    posted_at: datetime | None = datetime(2026, 3, 1, 9, tzinfo=UTC),
) -> Posting:
    location = "44787 Bochum" if places == (BOCHUM,) else "45879 Gelsenkirchen"
    return Posting(
        source=source,
        source_id=source_id,
        title=title,
        employer=Employer(employer, website="https://www.stadtwerke-ge.de"),
        description=text,
        location_text=location,
        place_ags=places,
        kldb=kldb,
        salary=SALARY,
        url=url,
        posted_at=posted_at,
        raw_hash=f"{source}:{source_id}",
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store("sqlite:///" + str(tmp_path / "t.db"))
    yield s
    s.close()


def test_board_copy_is_linked_to_the_ba_posting(store: Store) -> None:
    ba = store.upsert_postings([job("ba", "10001-1"), job("ba", "10001-2", "Elektroniker (m/w/d)", text=OTHER_TEXT, kldb="26212")], now=NOW)  # fmt: skip
    assert link_duplicates(store, ba.ids) == 0
    assert store.count_postings(include_duplicates=False) == 2
    board = store.upsert_postings(
        [
            job(
                "board",
                "b-77",
                "Projektkoordinatorin IT",
                "Stadtwerke Gelsenkirchen",
                BOARD_TEXT,
                posted_at=datetime(2026, 3, 3, tzinfo=UTC),
            )
        ],
        now=NOW,
    )
    assert link_duplicates(store, board.ids) == 1
    linked = store.get_posting(board.ids[0])
    assert linked is not None and linked.duplicate_of == ba.ids[0]
    original = store.get_posting(ba.ids[0])
    assert original is not None and original.duplicate_of is None
    # counted once: 3 rows, 2 jobs
    assert store.count_postings() == 3
    assert store.count_postings(include_duplicates=False) == 2
    assert len(store.salary_rows("434")) == 1
    # linking again changes nothing
    assert link_duplicates(store, board.ids) == 0


def test_career_page_becomes_canonical_and_members_are_repointed(store: Store) -> None:
    index = DedupIndex.from_store(store)  # empty store: one index for the whole "ingest run"
    first = store.upsert_postings(
        [job("ba", "1"), job("board", "2", text=BOARD_TEXT, posted_at=LATER)], now=NOW
    )
    assert link_duplicates(store, first.ids, index) == 1
    ba, board = (store.get_posting(i) for i in first.ids)
    assert ba is not None and board is not None and board.duplicate_of == ba.id
    career = store.upsert_postings(
        [
            job(
                "karriere",
                "k-1",
                url="https://karriere.stadtwerke-ge.de/jobs/1?utm_source=x",
                posted_at=datetime(2026, 3, 5, tzinfo=UTC),
            )
        ],
        now=NOW,
    )
    assert link_duplicates(store, career.ids, index) == 2
    cid = career.ids[0]
    for pid in first.ids:
        p = store.get_posting(pid)
        assert p is not None and p.duplicate_of == cid  # no chains: straight to the canonical
    c = store.get_posting(cid)
    assert c is not None and c.duplicate_of is None
    assert store.count_postings(include_duplicates=False) == 1
    assert len(store.salary_rows(None)) == 1


def test_same_text_in_another_city_and_other_job_are_not_linked(store: Store) -> None:
    res = store.upsert_postings(
        [
            job("karriere", "ge"),
            job("karriere", "bo", places=(BOCHUM,)),
            job("ba", "elektro", "Elektroniker für Betriebstechnik (m/w/d)", text=OTHER_TEXT, kldb="26212"),
            job(
                "board",
                "other-employer",
                employer="Stadtwerke Bochum GmbH",
                text=OTHER_TEXT,
                places=(BOCHUM,),
            ),
        ],
        now=NOW,
    )
    assert link_duplicates(store, res.ids) == 0
    assert store.count_postings(include_duplicates=False) == 4


def test_dedup_all_links_and_is_idempotent(store: Store) -> None:
    res = store.upsert_postings(
        [
            job("ba", "1"),
            job(
                "board",
                "2",
                "IT-Projektkoordinator:in",
                "STADTWERKE GELSENKIRCHEN",
                BOARD_TEXT,
                posted_at=LATER,
            ),
            job("ba", "3", "Elektroniker (m/w/d)", text=OTHER_TEXT, kldb="26212"),
        ],
        now=NOW,
    )
    report = dedup_all(store)
    assert report.linked == 1 and report.unlinked == 0 and report.clusters == 1
    assert report.checked == 3
    board = store.get_posting(res.ids[1])
    assert board is not None and board.duplicate_of == res.ids[0]
    again = dedup_all(store)
    assert again.linked == 0 and again.unlinked == 0 and again.changes == []
    assert "verknüpft" in again.summary()


def test_dedup_all_unlinks_a_wrong_link_but_keeps_links_to_expired(store: Store) -> None:
    res = store.upsert_postings(
        [
            job("ba", "1"),
            job("board", "2", text=BOARD_TEXT, posted_at=LATER),
            job("ba", "3", "Elektroniker (m/w/d)", text=OTHER_TEXT, kldb="26212"),
        ],
        now=NOW,
    )
    one, two, three = res.ids
    store.set_duplicate(three, one)  # wrong: another job
    report = dedup_all(store)
    p3, p2 = store.get_posting(three), store.get_posting(two)
    assert p3 is not None and p3.duplicate_of is None
    assert p2 is not None and p2.duplicate_of == one
    assert report.unlinked == 1
    # the canonical expires; its duplicate stays linked (the job is in past statistics once)
    store.set_status(one, PostingStatus.EXPIRED)
    dedup_all(store)
    p2 = store.get_posting(two)
    assert p2 is not None and p2.duplicate_of == one
    assert store.count_postings(status=None, include_duplicates=False) == 2


def test_expired_and_already_linked_postings_are_left_alone(store: Store) -> None:
    res = store.upsert_postings([job("ba", "1"), job("board", "2", text=BOARD_TEXT)], now=NOW)
    store.set_status(res.ids[1], PostingStatus.EXPIRED)
    assert link_duplicates(store, res.ids) == 0
    assert link_duplicates(store, []) == 0
    p = store.get_posting(res.ids[1])
    assert p is not None and p.duplicate_of is None


def test_report_collects_changes_across_batches(store: Store) -> None:
    index = DedupIndex()
    report = DedupReport()
    first = store.upsert_postings([job("ba", "1")], now=NOW)
    assert link_duplicates(store, first.ids, index, report=report) == 0
    second = store.upsert_postings([job("board", "2", text=BOARD_TEXT, posted_at=LATER)], now=NOW)
    assert link_duplicates(store, second.ids, index, report=report) == 1
    assert report.changes == [(second.ids[0], first.ids[0])]
    assert report.checked == 2 and report.linked == 1
