"""Wiring: settings -> store + search index. CLI and web both start here."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine

from stellenatlas.search.base import SearchIndex
from stellenatlas.settings import Settings, load_settings
from stellenatlas.store.db import create_engine_for
from stellenatlas.store.repo import Store


@dataclass
class Services:
    settings: Settings
    engine: Engine
    store: Store
    _index: SearchIndex | None = field(default=None, repr=False)

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            self._index = open_index(self.settings)
        return self._index

    def close(self) -> None:
        self.engine.dispose()


def open_index(settings: Settings) -> SearchIndex:
    """The search index; raises `IndexSchemaError` (message: run `stellenatlas index rebuild`) when the index on
    disk was built with another schema."""
    from stellenatlas.search.tantivy_index import TantivyIndex

    Path(settings.index_dir).mkdir(parents=True, exist_ok=True)
    return TantivyIndex(
        settings.index_dir, max_page=settings.max_page, facet_cache_size=settings.facet_cache_size
    )


def open_services(settings: Settings | None = None) -> Services:
    settings = settings or load_settings()
    engine = create_engine_for(settings.database_url)
    return Services(settings=settings, engine=engine, store=Store(engine))
