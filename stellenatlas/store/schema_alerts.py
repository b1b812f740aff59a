"""Tables of the job alerts (issue 7): alerts, one-time tokens, sent postings and the mail log.

Registered on the shared `metadata` by the import at the end of schema.py; migration 0003 creates them.
E-mail addresses are stored as typed (`email`) and folded (`email_key`, lower case) — every lookup, the rate
limit and the DSGVO export/deletion go through `email_key`, so "Max@Example.de" and "max@example.de" are one
person. Tokens are stored only as sha256 hex digests: a leaked database does not confirm or export anything.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from stellenatlas.store.schema import metadata

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False),
    Column("email_key", String(254), nullable=False),
    Column("query", Text, nullable=False),  # normalized search parameters as a JSON object (sorted keys)
    Column("frequency", String(16), nullable=False),  # "daily" / "weekly"
    Column("status", String(16), nullable=False, server_default="pending"),  # "pending" / "confirmed"
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("confirmed_at", DateTime(timezone=True), nullable=True),
    Column("last_run_at", DateTime(timezone=True), nullable=True),  # end of the last digest window
    Index("ix_alerts_email_key", "email_key"),
    Index("ix_alerts_status", "status"),
)

alert_tokens = Table(
    "alert_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # sha256 hex of the secrets.token_urlsafe value
    Column("kind", String(16), nullable=False),  # "confirm" / "data"
    Column("email_key", String(254), nullable=False),
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
    Index("ix_alert_tokens_email_key", "email_key"),
    Index("ix_alert_tokens_alert_id", "alert_id"),
)

# Each posting goes to an alert at most once: the digest worker subtracts these ids.
alert_sent = Table(
    "alert_sent",
    metadata,
    Column("alert_id", Integer, ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True),
    # no FK to postings: a purged posting must not take the "already sent" fact with it or block the purge
    Column("posting_id", Integer, primary_key=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
)

# Every mail sent to an address: the confirmation rate limit counts "bestaetigung"/"daten" rows of the last
# 24 h, and the DSGVO export lists them. No FK to alerts: the log outlives an unsubscribed alert (until "alles
# löschen"), otherwise unsubscribing and re-subscribing would reset the rate limit.
alert_mails = Table(
    "alert_mails",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email_key", String(254), nullable=False),
    Column("kind", String(16), nullable=False),  # "bestaetigung" / "daten" / "digest"
    Column("alert_id", Integer, nullable=True),
    Column("posting_count", Integer, nullable=False, server_default="0"),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Index("ix_alert_mails_email_key", "email_key", "sent_at"),
)
