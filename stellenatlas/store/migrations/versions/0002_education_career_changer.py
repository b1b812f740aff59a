"""Postings: required education level and whether career changers ("Quereinstieg") are welcome.

Both are derived at ingest (normalize.attributes.education / career_changer) and feed the requirement shares of
the occupation × city page. Rows written before this migration keep the defaults ("" = not stated, false) until
their payload changes and they are normalized again.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("postings") as batch:
        batch.add_column(sa.Column("education", sa.String(16), server_default="", nullable=False))
        batch.add_column(sa.Column("career_changer", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("postings") as batch:
        batch.drop_column("career_changer")
        batch.drop_column("education")
