"""The CLI end to end on a fresh SQLite store, including bad input that must change nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from stellenatlas.cli.main import cli


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "STELLENATLAS_VAR_DIR": str(tmp_path / "var"),
        "STELLENATLAS_DATABASE_URL": "",
        "STELLENATLAS_INDEX_DIR": "",
    }


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def count_rows(env: dict[str, str], table: str) -> int:
    db = Path(env["STELLENATLAS_VAR_DIR"]) / "stellenatlas.db"
    with sqlite3.connect(db) as con:
        return int(con.execute(f"select count(*) from {table}").fetchone()[0])


def test_full_cycle_is_idempotent(env: dict[str, str]) -> None:
    r = run(env, "db", "upgrade")
    assert r.exit_code == 0, r.output
    assert "Gemeinden" in r.output
    assert run(env, "db", "upgrade").exit_code == 0  # twice is fine

    first = run(env, "ingest", "sample", "--count", "400")
    assert first.exit_code == 0, first.output
    assert "400 neu" in first.output
    n = count_rows(env, "postings")
    assert n == 400

    again = run(env, "ingest", "sample", "--count", "400")
    assert again.exit_code == 0
    assert "0 neu" in again.output and "0 aktualisiert" in again.output and "400 unverändert" in again.output
    assert count_rows(env, "postings") == n

    rebuilt = run(env, "index", "rebuild")
    db = Path(env["STELLENATLAS_VAR_DIR"]) / "stellenatlas.db"
    with sqlite3.connect(db) as con:
        active = con.execute("select count(*) from postings where status = 'aktiv'").fetchone()[0]
    assert 0 < active < 400  # postings past their deadline are expired, not deleted
    assert rebuilt.exit_code == 0 and f"{active} Stellen" in rebuilt.output

    assert run(env, "insights", "refresh", "--min-postings", "1").exit_code == 0
    page = run(env, "page", "IT Projektkoordinator", "Gelsenkirchen")
    assert page.exit_code == 0, page.output
    assert page.output.startswith("IT-Projektkoordinator Jobs und Stellenangebote in Gelsenkirchen")
    assert "43323" in page.output


def test_shrinking_sample_expires_not_deletes(env: dict[str, str]) -> None:
    assert run(env, "db", "upgrade").exit_code == 0
    assert run(env, "ingest", "sample", "--count", "300").exit_code == 0
    r = run(env, "ingest", "sample", "--count", "200")
    assert r.exit_code == 0 and "0 neu" in r.output
    assert count_rows(env, "postings") == 300
    db = Path(env["STELLENATLAS_VAR_DIR"]) / "stellenatlas.db"
    with sqlite3.connect(db) as con:
        gone = con.execute(
            "select status, count(*) from postings where source_id > 'sample-42-0000199' group by 1"
        )
        assert dict(gone.fetchall()) == {"abgelaufen": 100}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "sample", "--count", "0"], "0 is not in the range"),
        (["ingest", "sample", "--count", "viele"], "is not a valid integer"),
        (["page", "Qwertzuiop", "Gelsenkirchen"], "nicht gefunden"),
        (["page", "IT Projektkoordinator", "Atlantis"], "Ort „Atlantis“ nicht gefunden"),
        (["insights", "refresh", "--min-postings", "-3"], "is not in the range"),
    ],
)
def test_bad_input_gives_clear_message_and_changes_nothing(
    env: dict[str, str], args: list[str], message: str
) -> None:
    assert run(env, "db", "upgrade").exit_code == 0
    assert run(env, "ingest", "sample", "--count", "50").exit_code == 0
    before = count_rows(env, "postings")
    r = run(env, *args)
    assert r.exit_code != 0
    assert message in r.output
    assert "Traceback" not in r.output
    assert count_rows(env, "postings") == before


def test_missing_schema_and_bad_settings_are_explained(env: dict[str, str]) -> None:
    r = run(env, "ingest", "sample", "--count", "5")
    assert r.exit_code == 1
    assert "stellenatlas db upgrade" in r.output
    bad = run({**env, "STELLENATLAS_DATABASE_URL": "mysql://nope"}, "db", "upgrade")
    assert bad.exit_code == 1 and "STELLENATLAS_DATABASE_URL" in bad.output
    port = run({**env, "STELLENATLAS_PORT": "achtzig"}, "settings")
    assert port.exit_code == 1 and "ganze Zahl" in port.output
