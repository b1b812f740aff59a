"""Alembic migration scripts (a package so setuptools ships them with stellenatlas)."""
