"""Persistence: SQLAlchemy Core on SQLite (default) or PostgreSQL, schema managed by Alembic.
Start-up: `store = open_store(settings.database_url)` (engine, migrations to head, Store); or step by step
`engine = create_engine_for(url); upgrade(engine); store = Store(engine)`.
"""

from __future__ import annotations

from typing import Any

from stellenatlas.store.db import create_engine_for, current_revision, upgrade
from stellenatlas.store.repo import PUBLISHED, Store, UpsertResult
from stellenatlas.store.seed import seed_reference


def open_store(url: str, *, migrate: bool = True, **engine_kwargs: Any) -> Store:
    """Engine + migrations to head + Store, the usual start-up of CLI and web app."""
    engine = create_engine_for(url, **engine_kwargs)
    if migrate:
        upgrade(engine)
    return Store(engine)


__all__ = [
    "PUBLISHED",
    "Store",
    "UpsertResult",
    "create_engine_for",
    "current_revision",
    "open_store",
    "seed_reference",
    "upgrade",
]
