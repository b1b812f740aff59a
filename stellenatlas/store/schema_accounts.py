"""Employer accounts, sessions, rate-limit events, employer-owned postings and reports (issue 7, migration 0004).

Secrets never sit in the database in the clear: session ids and e-mail tokens are stored as SHA-256 hashes,
passwords as argon2id hashes, client IPs as keyed hashes (rate limits need equality only).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

from stellenatlas.store.schema import metadata

TS = DateTime(timezone=True)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False),  # as typed (for mails)
    Column("email_key", String(254), nullable=False),  # lower-cased: one account per address
    Column("password_hash", Text, nullable=False),
    Column("role", String(16), nullable=False, server_default="employer"),  # employer / admin
    Column("company_name", Text, nullable=False, server_default=""),
    Column("slug", String(120), nullable=True),  # public profile /arbeitgeber/{slug}; NULL for admins
    Column("description", Text, nullable=False, server_default=""),
    Column("website", Text, nullable=False, server_default=""),
    Column("location", Text, nullable=False, server_default=""),
    Column("created_at", TS, nullable=False),
    Column("verified_at", TS, nullable=True),  # e-mail confirmed
    Column("approved_at", TS, nullable=True),  # trusted by an admin: postings skip review unless risky
    Index("ix_accounts_email_key", "email_key", unique=True),
    Index("ix_accounts_slug", "slug", unique=True),
)

account_tokens = Table(
    "account_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(16), nullable=False),  # "verify"
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    Column("used_at", TS, nullable=True),
    Index("ix_account_tokens_account_id", "account_id"),
)

account_sessions = Table(
    "account_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("expires_at", TS, nullable=False),
    Index("ix_account_sessions_account_id", "account_id"),
)

# One row per counted event (failed login, report, registration); counted per key over a time window, so the
# limit holds across worker processes.
rate_events = Table(
    "rate_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("key", String(128), nullable=False),
    Column("at", TS, nullable=False),
    Index("ix_rate_events_kind", "kind", "key", "at"),
)

employer_postings = Table(
    "employer_postings",
    metadata,
    Column("posting_id", Integer, ForeignKey("postings.id", ondelete="CASCADE"), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("description_html", Text, nullable=False, server_default=""),  # nh3-sanitized
    Column("form", Text, nullable=False, server_default="{}"),  # JSON: the fields as entered, for editing
    Column("risk_score", Integer, nullable=False, server_default="0"),
    Column("risk_reasons", Text, nullable=False, server_default="[]"),  # JSON list of {code,label,weight,...}
    Column("moderation_note", Text, nullable=False, server_default=""),  # reason of a rejection/take-down
    Column("approved_at", TS, nullable=True),  # an admin released it (counts towards trusting the employer)
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Index("ix_employer_postings_account_id", "account_id"),
)

posting_reports = Table(
    "posting_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("posting_id", Integer, ForeignKey("postings.id", ondelete="CASCADE"), nullable=False),
    Column("reason", String(32), nullable=False),
    Column("text", Text, nullable=False, server_default=""),
    Column("created_at", TS, nullable=False),
    Column("resolved_at", TS, nullable=True),
    Index("ix_posting_reports_posting_id", "posting_id"),
)
