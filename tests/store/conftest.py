"""Store fixtures: every test runs on SQLite (a file under tmp_path) and on PostgreSQL (own schema per session).

PostgreSQL unreachable: the PostgreSQL half is skipped with the reason locally, but FAILS when CI=true.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import OperationalError
from store_samples import sample_posting

from stellenatlas.domain.models import Posting
from stellenatlas.store import Store, create_engine_for, upgrade
from stellenatlas.store.schema import metadata

PG_URL = os.environ.get("STELLENATLAS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TABLES = ", ".join(t.name for t in metadata.sorted_tables)


def _unreachable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL required in CI but unreachable at {PG_URL}: {reason}")
    pytest.skip(f"PostgreSQL unreachable at {PG_URL} ({reason}); set CI=true to make this a failure")


def pg_options(schema: str) -> dict[str, str]:
    """connect_args that put a connection into the session's own schema."""
    return {"options": f"-c search_path={schema}"}


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    admin = create_engine_for(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except OperationalError as exc:
        admin.dispose()
        _unreachable(str(exc).splitlines()[0])
    # own schema per test session: parallel runs (other workers, CI jobs) never see each other's rows
    schema = f"sa_test_{os.getpid()}_{secrets.token_hex(4)}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_connect_args(pg_schema: str) -> dict[str, str]:
    return pg_options(pg_schema)


@pytest.fixture(scope="session")
def pg_engine(pg_schema: str) -> Iterator[Engine]:
    engine = create_engine_for(PG_URL, connect_args=pg_options(pg_schema))
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = create_engine_for(f"sqlite:///{tmp_path / 'var' / 'stellenatlas.db'}")
        upgrade(eng)
        yield eng
        eng.dispose()
        return
    eng = request.getfixturevalue("pg_engine")
    with eng.begin() as conn:
        conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    yield eng


@pytest.fixture
def store(engine: Engine) -> Store:
    return Store(engine)


@pytest.fixture
def make_posting() -> Callable[..., Posting]:
    """Factory for a realistic posting; keyword arguments override single fields."""
    return sample_posting


def snapshot(engine: Engine, *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (minus `skip` columns), ordered: compares database states exactly."""
    state: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            cols = [c for c in table.columns if c.name not in skip]
            rows = conn.execute(select(*cols).order_by(*table.primary_key.columns)).all()
            state[table.name] = [tuple(r) for r in rows]
    return state


@pytest.fixture
def take_snapshot(engine: Engine) -> Callable[..., dict[str, list[tuple[Any, ...]]]]:
    return lambda **kw: snapshot(engine, **kw)
