"""Engine creation and schema migration (Alembic, configured in code so it works from the installed package)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def create_engine_for(url: str, **kwargs: Any) -> Engine:
    """Engine for a sqlite:// or postgresql+psycopg:// URL, tuned for the ingest workload.

    Extra keyword arguments go to `sqlalchemy.create_engine` (tests pass `connect_args` for a search_path).
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() in ("", "psycopg2"):
            # one driver only: psycopg 3 is the one pinned in pyproject
            parsed = parsed.set(drivername="postgresql+psycopg")
        connect_args = dict(kwargs.pop("connect_args", {}) or {})
        # psycopg's automatic server-side prepares switch to a generic plan after 5 runs; that plan was
        # measurably slower for the skewed kldb/ags filters on this machine.
        connect_args.setdefault("prepare_threshold", None)
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(parsed, connect_args=connect_args, **kwargs)
    raise ValueError(
        f"unsupported database URL {url!r}: use sqlite:///path or postgresql+psycopg://user@host/db"
    )


# execution option of a connection that only reads (SQLite: no BEGIN; each SELECT sees its own snapshot)
READ_ONLY_OPTION = "stellenatlas_read_only"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's legacy mode only opens a transaction before DML, so the SELECTs of an upsert and DDL in
    # migrations would run outside it; take control and emit BEGIN ourselves (see `_sqlite_begin`).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        # WAL: the web server reads while an ingest writes; NORMAL is durable enough with WAL.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
    finally:
        cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Reads marked READ_ONLY (search result rows: two SELECTs per request) skip the BEGIN (and so the
    # ROLLBACK), which cost as much as the SELECTs themselves. (Not AUTOCOMMIT: SQLAlchemy resets that by
    # putting pysqlite back into its legacy transaction mode.)
    if connection.get_execution_options().get(READ_ONLY_OPTION):
        return
    connection.exec_driver_sql("BEGIN")


def alembic_config(engine: Engine | None = None) -> Any:
    """Alembic Config built in code; `script_location` points into the package, no alembic.ini needed."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if engine is not None:
        cfg.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run all Alembic migrations up to `revision` on the engine's database."""
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as connection:
        # env.py uses this connection instead of opening its own (keeps search_path / pragmas of the engine)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
