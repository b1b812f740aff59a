"""The Alembic migrations produce exactly the schema declared in schema.py, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from stellenatlas.store import current_revision, open_store, upgrade
from stellenatlas.store.db import MIGRATIONS_DIR, alembic_config
from stellenatlas.store.schema import metadata


def _diffs(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        opts = {
            "compare_type": True,
            # SQLite reflects server_default "" as a different clause object; PostgreSQL compares exactly
            "compare_server_default": engine.dialect.name == "postgresql",
        }
        return list(compare_metadata(MigrationContext.configure(conn, opts=opts), metadata))


def test_migrated_schema_equals_metadata(engine: Engine) -> None:
    assert _diffs(engine) == []


def test_all_tables_and_indexes_exist(engine: Engine) -> None:
    insp = inspect(engine)
    assert set(metadata.tables) <= set(insp.get_table_names())
    assert {"ix_postings_kldb", "ix_postings_status"} <= {ix["name"] for ix in insp.get_indexes("postings")}
    assert {"ix_posting_places_ags"} <= {ix["name"] for ix in insp.get_indexes("posting_places")}
    uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints("postings")}
    assert ("source", "source_id") in uniques


def test_upgrade_is_idempotent_and_at_head(engine: Engine) -> None:
    upgrade(engine)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    assert current_revision(engine) == head


def test_downgrade_to_base_and_back(engine: Engine) -> None:
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) & set(metadata.tables) == set()
    upgrade(engine)
    assert _diffs(engine) == []


def test_migration_scripts_ship_inside_the_package() -> None:
    # setuptools only packages directories with __init__.py (and *.mako via package-data)
    for name in (
        "__init__.py",
        "env.py",
        "script.py.mako",
        "versions/__init__.py",
        "versions/0001_initial.py",
    ):
        assert (MIGRATIONS_DIR / name).is_file(), name


def test_open_store_creates_directory_and_migrates(
    engine: Engine, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if engine.dialect.name == "sqlite":
        store = open_store(f"sqlite:///{tmp_path / 'neu' / 'unter' / 'stellenatlas.db'}")
        assert (tmp_path / "neu" / "unter" / "stellenatlas.db").is_file()
    else:
        url = engine.url.render_as_string(hide_password=False)
        store = open_store(url, connect_args=request.getfixturevalue("pg_connect_args"))
    try:
        assert _diffs(store.engine) == []
        assert store.count_postings(status=None) == 0
    finally:
        store.close()
