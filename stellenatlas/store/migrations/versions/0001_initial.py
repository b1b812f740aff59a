"""Initial schema: postings, places, employers, reference tables, ingest bookkeeping, insights.

Written out explicitly (not metadata.create_all) so later migrations diff against a fixed baseline.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "employers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.String(255), nullable=False),
        sa.Column("sector", sa.String(32), server_default="sonstige", nullable=False),
        sa.Column("website", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_employers"),
        sa.UniqueConstraint("name_key", name="uq_employers_name_key"),
    )
    op.create_table(
        "postings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("source_id", sa.String(255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("location_text", sa.Text(), server_default="", nullable=False),
        sa.Column("kldb", sa.String(5), server_default="", nullable=False),
        sa.Column("occupation_confidence", sa.Float(), server_default="0", nullable=False),
        sa.Column("salary_min", sa.Float(), nullable=True),
        sa.Column("salary_max", sa.Float(), nullable=True),
        sa.Column("salary_period", sa.String(16), nullable=True),
        sa.Column("salary_currency", sa.String(3), nullable=True),
        sa.Column("salary_gross", sa.Boolean(), nullable=True),
        sa.Column("salary_tariff", sa.String(128), nullable=True),
        sa.Column("salary_text", sa.Text(), server_default="", nullable=False),
        sa.Column("salary_monthly_min", sa.Float(), nullable=True),
        sa.Column("salary_monthly_max", sa.Float(), nullable=True),
        sa.Column("working_time", sa.String(16), server_default="unbekannt", nullable=False),
        sa.Column("remote", sa.String(16), server_default="unbekannt", nullable=False),
        sa.Column("contract", sa.String(16), server_default="unbekannt", nullable=False),
        sa.Column("experience", sa.String(16), server_default="unbekannt", nullable=False),
        sa.Column("skills", sa.Text(), server_default="[]", nullable=False),
        sa.Column("url", sa.Text(), server_default="", nullable=False),
        sa.Column("posted_at", TS, nullable=True),
        sa.Column("valid_through", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), server_default="aktiv", nullable=False),
        sa.Column("raw_hash", sa.String(64), server_default="", nullable=False),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("first_seen_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("expired_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_postings"),
        sa.ForeignKeyConstraint(["employer_id"], ["employers.id"], name="fk_postings_employer_id_employers"),
        sa.ForeignKeyConstraint(["duplicate_of"], ["postings.id"], name="fk_postings_duplicate_of_postings"),
        sa.UniqueConstraint("source", "source_id", name="uq_postings_source_source_id"),
    )
    op.create_index("ix_postings_kldb", "postings", ["kldb"])
    op.create_index("ix_postings_status", "postings", ["status"])
    op.create_index("ix_postings_employer_id", "postings", ["employer_id"])
    op.create_index("ix_postings_posted_at", "postings", ["posted_at"])
    op.create_index("ix_postings_duplicate_of", "postings", ["duplicate_of"])

    op.create_table(
        "posting_places",
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("ags", sa.String(8), nullable=False),
        sa.Column("position", sa.SmallInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("posting_id", "ags", name="pk_posting_places"),
        sa.ForeignKeyConstraint(
            ["posting_id"], ["postings.id"], name="fk_posting_places_posting_id_postings", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_posting_places_ags", "posting_places", ["ags", "posting_id"])

    op.create_table(
        "places",
        sa.Column("ags", sa.String(8), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kreis_ags", sa.String(5), server_default="", nullable=False),
        sa.Column("kreis", sa.Text(), server_default="", nullable=False),
        sa.Column("land", sa.Text(), server_default="", nullable=False),
        sa.Column("rb_ags", sa.String(3), server_default="", nullable=False),
        sa.Column("rb", sa.Text(), server_default="", nullable=False),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("population", sa.Integer(), server_default="0", nullable=False),
        sa.Column("plz", sa.String(5), server_default="", nullable=False),
        sa.Column("region", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("ags", name="pk_places"),
    )
    op.create_index("ix_places_kreis_ags", "places", ["kreis_ags"])

    op.create_table(
        "occupations",
        sa.Column("kldb", sa.String(5), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("short_title", sa.Text(), server_default="", nullable=False),
        sa.Column("isco", sa.String(4), server_default="", nullable=False),
        sa.Column("esco_uri", sa.Text(), server_default="", nullable=False),
        sa.Column("esco_label", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("kldb", name="pk_occupations"),
    )

    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("new", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated", sa.Integer(), server_default="0", nullable=False),
        sa.Column("unchanged", sa.Integer(), server_default="0", nullable=False),
        sa.Column("expired", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rejected", sa.Integer(), server_default="0", nullable=False),
        sa.Column("notes", sa.Text(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ingest_runs"),
    )

    op.create_table(
        "rejections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("source_id", sa.String(255), server_default="", nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rejections"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["ingest_runs.id"], name="fk_rejections_run_id_ingest_runs", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_rejections_run_id", "rejections", ["run_id"])

    op.create_table(
        "insights",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("computed_at", TS, nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_insights"),
    )


def downgrade() -> None:
    op.drop_table("insights")
    op.drop_index("ix_rejections_run_id", table_name="rejections")
    op.drop_table("rejections")
    op.drop_table("ingest_runs")
    op.drop_table("occupations")
    op.drop_index("ix_places_kreis_ags", table_name="places")
    op.drop_table("places")
    op.drop_index("ix_posting_places_ags", table_name="posting_places")
    op.drop_table("posting_places")
    for name in ("duplicate_of", "posted_at", "employer_id", "status", "kldb"):
        op.drop_index(f"ix_postings_{name}", table_name="postings")
    op.drop_table("postings")
    op.drop_table("employers")
