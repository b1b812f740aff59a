"""`stellenatlas ingest feed` end to end on a fresh SQLite store."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from stellenatlas.cli.main import cli

FIX = Path(__file__).resolve().parents[3] / "stellenatlas" / "sources" / "feeds" / "fixtures"


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_ingest_feed_prints_summary_rerun_changes_nothing_and_broken_file_fails(tmp_path: Path) -> None:
    env = {
        "STELLENATLAS_VAR_DIR": str(tmp_path / "var"),
        "STELLENATLAS_DATABASE_URL": "",
        "STELLENATLAS_INDEX_DIR": "",
    }
    assert run(env, "db", "upgrade").exit_code == 0
    first = run(env, "ingest", "feed", str(FIX / "stellen_excel_cp1252.csv"), "--name", "Müller Haustechnik")
    assert first.exit_code == 0, first.output
    assert "4 Einträge gelesen (csv), 2 gültig, 2 fehlerhaft" in first.output
    assert "Zeile/Eintrag 4 (HW-103): Datum ungültig: '31.02.2026'" in first.output
    assert "feed:mueller-haustechnik: 2 gelesen, 2 neu, 0 aktualisiert, 0 unverändert" in first.output
    second = run(env, "ingest", "feed", str(FIX / "stellen_excel_cp1252.csv"), "--name", "Müller Haustechnik")
    assert "2 gelesen, 0 neu, 0 aktualisiert, 2 unverändert, 0 abgelaufen" in second.output
    broken = run(env, "ingest", "feed", str(FIX / "broken.xml"), "--name", "Müller Haustechnik")
    assert broken.exit_code != 0 and "nicht wohlgeformt" in broken.output
