"""Database schema as SQLAlchemy Core metadata: the single source of truth the migrations are checked against.

Only portable types (SQLite and PostgreSQL): JSON is stored as Text so both backends behave identically,
timestamps are `DateTime(timezone=True)` and always written in UTC.
Any change here needs a new Alembic migration; `tests/store/test_migrations.py` fails otherwise.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

# Deterministic constraint names: migrations can address them on both backends.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

employers = Table(
    "employers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    # fold()ed name: "Stadtwerke Gelsenkirchen GmbH" and "STADTWERKE GELSENKIRCHEN GMBH" are one employer
    Column("name_key", String(255), nullable=False),
    Column("sector", String(32), nullable=False, server_default="sonstige"),
    Column("website", Text, nullable=False, server_default=""),
    UniqueConstraint("name_key"),
)

postings = Table(
    "postings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("title", Text, nullable=False),
    Column("employer_id", Integer, ForeignKey("employers.id"), nullable=True),
    Column("description", Text, nullable=False, server_default=""),
    Column("location_text", Text, nullable=False, server_default=""),
    Column("kldb", String(5), nullable=False, server_default=""),  # "" = unclassified
    Column("occupation_confidence", Float, nullable=False, server_default="0"),
    Column("salary_min", Float, nullable=True),
    Column("salary_max", Float, nullable=True),
    Column("salary_period", String(16), nullable=True),
    Column("salary_currency", String(3), nullable=True),
    Column("salary_gross", Boolean, nullable=True),
    Column("salary_tariff", String(128), nullable=True),
    Column("salary_text", Text, nullable=False, server_default=""),
    # monthly full-time-equivalent EUR, precomputed so statistics need no per-row conversion
    Column("salary_monthly_min", Float, nullable=True),
    Column("salary_monthly_max", Float, nullable=True),
    Column("working_time", String(16), nullable=False, server_default="unbekannt"),
    Column("remote", String(16), nullable=False, server_default="unbekannt"),
    Column("contract", String(16), nullable=False, server_default="unbekannt"),
    Column("experience", String(16), nullable=False, server_default="unbekannt"),
    Column("skills", Text, nullable=False, server_default="[]"),  # JSON list of strings
    Column("url", Text, nullable=False, server_default=""),
    Column("posted_at", DateTime(timezone=True), nullable=True),
    Column("valid_through", Date, nullable=True),
    Column("status", String(16), nullable=False, server_default="aktiv"),
    Column("raw_hash", String(64), nullable=False, server_default=""),
    Column("duplicate_of", Integer, ForeignKey("postings.id"), nullable=True),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("expired_at", DateTime(timezone=True), nullable=True),
    # "studium" / "ausbildung" / "keine" / "" (not stated): normalize.attributes.education (migration 0002)
    Column("education", String(16), nullable=False, server_default=""),
    Column("career_changer", Boolean, nullable=False, server_default=false()),  # "Quereinstieg" welcome
    UniqueConstraint("source", "source_id"),
    Index("ix_postings_kldb", "kldb"),
    Index("ix_postings_status", "status"),
    Index("ix_postings_employer_id", "employer_id"),
    Index("ix_postings_posted_at", "posted_at"),
    Index("ix_postings_duplicate_of", "duplicate_of"),
)

posting_places = Table(
    "posting_places",
    metadata,
    Column("posting_id", Integer, ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
    Column("ags", String(8), primary_key=True),
    # keeps the order of Posting.place_ags (first = main place) across a round trip
    Column("position", SmallInteger, nullable=False, server_default="0"),
    Index("ix_posting_places_ags", "ags", "posting_id"),  # covering: place filters never touch the table
)

places = Table(
    "places",
    metadata,
    Column("ags", String(8), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kreis_ags", String(5), nullable=False, server_default=""),
    Column("kreis", Text, nullable=False, server_default=""),
    Column("land", Text, nullable=False, server_default=""),
    Column("rb_ags", String(3), nullable=False, server_default=""),
    Column("rb", Text, nullable=False, server_default=""),
    Column("lat", Float, nullable=True),
    Column("lon", Float, nullable=True),
    Column("population", Integer, nullable=False, server_default="0"),
    Column("plz", String(5), nullable=False, server_default=""),
    Column("region", Text, nullable=False, server_default=""),
    Index("ix_places_kreis_ags", "kreis_ags"),
)

occupations = Table(
    "occupations",
    metadata,
    Column("kldb", String(5), primary_key=True),
    Column("title", Text, nullable=False),
    Column("short_title", Text, nullable=False, server_default=""),
    Column("isco", String(4), nullable=False, server_default=""),
    Column("esco_uri", Text, nullable=False, server_default=""),
    Column("esco_label", Text, nullable=False, server_default=""),
)

ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("new", Integer, nullable=False, server_default="0"),
    Column("updated", Integer, nullable=False, server_default="0"),
    Column("unchanged", Integer, nullable=False, server_default="0"),
    Column("expired", Integer, nullable=False, server_default="0"),
    Column("rejected", Integer, nullable=False, server_default="0"),
    Column("notes", Text, nullable=False, server_default="{}"),  # JSON object
)

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("ingest_runs.id", ondelete="CASCADE"), nullable=True),
    Column("source", String(64), nullable=False),
    Column("source_id", String(255), nullable=False, server_default=""),
    Column("reason", Text, nullable=False),
    Column("payload", Text, nullable=False, server_default=""),  # excerpt, capped in the repo layer
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_rejections_run_id", "run_id"),
)

insights = Table(
    "insights",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Column("payload", Text, nullable=False),  # JSON object
)

from stellenatlas.store import schema_accounts as _schema_accounts  # noqa: E402,F401  (registers tables on metadata)
from stellenatlas.store import schema_alerts as _schema_alerts  # noqa: E402,F401  (registers tables on metadata)
