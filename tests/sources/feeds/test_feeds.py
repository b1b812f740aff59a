"""Feed import: XML layouts, CSV (delimiters, encodings), JSON lines; per-row errors; all-or-nothing files."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from stellenatlas.domain import PostingStatus
from stellenatlas.sources.feeds import FeedError, import_feed, parse_feed, source_name
from stellenatlas.sources.feeds.parse import detect_format
from tests.sources.localserver import real_store_and_index

FIX = Path(__file__).resolve().parents[3] / "stellenatlas" / "sources" / "feeds" / "fixtures"
NOW = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)


def parse(name: str, **kw: object):  # type: ignore[no-untyped-def]
    path = FIX / name
    return parse_feed(path.read_bytes(), name=path.stem, filename=path.name, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "fmt", "ids", "bad"),
    [
        ("jobs_generic.xml", "xml", ["GE-2026-0311", "GE-2026-0312"], [(3, "GE-2026-0313", "Titel fehlt")]),
        ("indeed_style.xml", "xml", ["PSR-88121", "PSR-88122"], []),
        ("stellenangebote.xml", "xml", ["SGE-2026-14"], []),
        (
            "stellen_excel_cp1252.csv",
            "csv",
            ["HW-101", "HW-102"],
            [(4, "HW-103", "Datum ungültig: '31.02.2026'"), (5, "", "4 statt 9 Spalten")],
        ),
        (
            "stellen_bom_komma.csv",
            "csv",
            ["A-1", "A-2"],
            [(4, "", "ID fehlt (id/referenznummer/referencenumber)")],
        ),
        (
            "stellen.jsonl",
            "jsonl",
            ["J-1", "J-2", "J-4"],
            [(3, "", None), (4, "", "Zeile ist kein JSON-Objekt")],
        ),
    ],
)
def test_layouts_and_row_errors(
    name: str, fmt: str, ids: list[str], bad: list[tuple[int, str, str | None]]
) -> None:
    result = parse(name)
    assert result.fmt == fmt
    assert [p.source_id for p in result.postings] == ids
    assert [(e.row, e.source_id) for e in result.errors] == [(row, sid) for row, sid, _ in bad]
    for err, (_, _, reason) in zip(result.errors, bad, strict=True):
        if reason is not None:
            assert err.reason == reason
    assert all(p.source == source_name(Path(name).stem) for p in result.postings)


def test_indeed_fields() -> None:
    pflege, lager = parse("indeed_style.xml").postings
    assert pflege.title == "Pflegefachkraft (m/w/d) Intensivstation"
    assert pflege.location == "45879 Gelsenkirchen"
    assert pflege.posted_at == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert pflege.working_time_text == "Vollzeit, Teilzeit"
    assert (
        pflege.description.startswith("Für unseren Kunden, ein Krankenhaus")
        and "<p>" not in pflege.description
    )
    assert (lager.salary_text, lager.working_time_text, lager.location) == (
        "13,90 EUR pro Stunde",
        "Minijob",
        "44787 Bochum",
    )


def test_stellenangebote_layout_latin1_and_german_dates() -> None:
    [erzieher] = parse("stellenangebote.xml").postings
    assert erzieher.title == "Erzieher (m/w/d) für die Kita Regenbogen"
    assert erzieher.employer == "Stadt Gelsenkirchen" and erzieher.location == "45894 Gelsenkirchen"
    assert erzieher.salary_text == "Entgeltgruppe S 8a TVöD SuE"
    assert erzieher.posted_at == datetime(2026, 3, 2, tzinfo=UTC) and erzieher.valid_through == date(
        2026, 3, 27
    )


def test_cp1252_csv_with_semicolons() -> None:
    anlagen = parse("stellen_excel_cp1252.csv").postings[0]
    assert anlagen.employer == "Müller Haustechnik GmbH & Co. KG"
    assert anlagen.description == "Wartung von Heizungsanlagen; Kundendienst im Raum Gelsenkirchen."
    assert anlagen.salary_text == "18,50 € pro Stunde"


def test_broken_xml_raises_and_detection() -> None:
    with pytest.raises(FeedError, match="nicht wohlgeformt"):
        parse("broken.xml")
    assert detect_format(b'\xef\xbb\xbf{"id": 1}\n', "export") == "jsonl"
    assert detect_format(b"<?xml version='1.0'?><jobs/>", "") == "xml"


def test_xml_entity_bomb_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE j [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><jobs><job><id>1</id><title>&b;</title></job></jobs>'
    with pytest.raises(FeedError, match="unsicher"):
        parse_feed(bomb, name="bombe", fmt="xml")


def test_mostly_broken_file_and_oversize_file_import_nothing() -> None:
    with pytest.raises(FeedError, match="nichts importiert"):
        parse("stellen.jsonl", max_error_share=0.3)
    with pytest.raises(FeedError, match="größer"):
        parse("indeed_style.xml", max_bytes=100)


# --- into a real store ----------------------------------------------------------------------------------


def test_import_is_idempotent_and_reports(tmp_path: Path) -> None:
    store, index = real_store_and_index(tmp_path)
    parsed, first = import_feed(FIX / "jobs_generic.xml", store, index, now=NOW)
    assert (first.new, first.updated, first.rejected) == (2, 0, 0) and len(parsed.errors) == 1
    _, second = import_feed(FIX / "jobs_generic.xml", store, index, now=NOW)
    assert (second.new, second.updated, second.unchanged, second.expired) == (0, 0, 2, 0)
    p = store.get_by_source("feed:jobs-generic", "GE-2026-0311")
    assert p is not None and p.place_ags == ("05513000",) and p.salary is not None and p.salary.min == 3500
    assert p.valid_through == date(2026, 4, 30)
    assert index.count() == 2


def test_broken_file_leaves_store_untouched(tmp_path: Path) -> None:
    store, index = real_store_and_index(tmp_path)
    import_feed(FIX / "jobs_generic.xml", store, index, name="stadtwerke", now=NOW)
    broken = tmp_path / "stadtwerke.xml"
    broken.write_bytes((FIX / "broken.xml").read_bytes())
    with pytest.raises(FeedError):
        import_feed(broken, store, index, name="stadtwerke", now=NOW)
    assert store.count_postings(status="aktiv") == 2  # not imported, and nothing expired either


def test_full_snapshot_expires_missing_rows_of_that_feed_only(tmp_path: Path) -> None:
    store, index = real_store_and_index(tmp_path)
    import_feed(FIX / "jobs_generic.xml", store, index, name="stadtwerke", now=NOW)
    import_feed(FIX / "indeed_style.xml", store, index, name="personalservice", now=NOW)
    smaller = tmp_path / "stadtwerke.xml"
    text = (FIX / "jobs_generic.xml").read_text(encoding="utf-8")
    start = text.index("  <job>\n    <id>GE-2026-0312")
    end = text.index("</job>", start) + len("</job>\n")
    smaller.write_text(text[:start] + text[end:], encoding="utf-8")
    _, report = import_feed(smaller, store, index, name="stadtwerke", now=NOW)
    assert (report.unchanged, report.expired) == (1, 1)
    gone = store.get_by_source("feed:stadtwerke", "GE-2026-0312")
    assert gone is not None and gone.status is PostingStatus.EXPIRED
    assert store.count_postings(status="aktiv") == 3  # the other feed is untouched
