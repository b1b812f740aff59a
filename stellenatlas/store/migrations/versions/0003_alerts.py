"""Job alerts (issue 7): alerts, hashed one-time tokens, postings already sent, mail log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("email_key", sa.String(254), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("frequency", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), server_default="pending", nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("confirmed_at", TS, nullable=True),
        sa.Column("last_run_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
    )
    op.create_index("ix_alerts_email_key", "alerts", ["email_key"])
    op.create_index("ix_alerts_status", "alerts", ["status"])
    op.create_table(
        "alert_tokens",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("email_key", sa.String(254), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name="fk_alert_tokens_alert_id_alerts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_alert_tokens"),
    )
    op.create_index("ix_alert_tokens_email_key", "alert_tokens", ["email_key"])
    op.create_index("ix_alert_tokens_alert_id", "alert_tokens", ["alert_id"])
    op.create_table(
        "alert_sent",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("posting_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name="fk_alert_sent_alert_id_alerts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("alert_id", "posting_id", name="pk_alert_sent"),
    )
    op.create_table(
        "alert_mails",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email_key", sa.String(254), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("posting_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("sent_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_mails"),
    )
    op.create_index("ix_alert_mails_email_key", "alert_mails", ["email_key", "sent_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_mails_email_key", table_name="alert_mails")
    op.drop_table("alert_mails")
    op.drop_table("alert_sent")
    op.drop_index("ix_alert_tokens_alert_id", table_name="alert_tokens")
    op.drop_index("ix_alert_tokens_email_key", table_name="alert_tokens")
    op.drop_table("alert_tokens")
    op.drop_index("ix_alerts_status", table_name="alerts")
    op.drop_index("ix_alerts_email_key", table_name="alerts")
    op.drop_table("alerts")
