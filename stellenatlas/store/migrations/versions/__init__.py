"""Alembic revisions, applied in order by `stellenatlas.store.db.upgrade`."""
