"""Store access for employer accounts, sessions, rate limits, employer-owned postings and reports.

Each method is one transaction; only portable SQL (SQLite and PostgreSQL).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from stellenatlas.domain import PostingStatus
from stellenatlas.store.mapping import utc, utcnow
from stellenatlas.store.schema import employers, postings
from stellenatlas.store.schema_accounts import (
    account_sessions,
    account_tokens,
    accounts,
    employer_postings,
    posting_reports,
    rate_events,
)

TRUST_AFTER = 3  # an employer whose first three postings an admin released is trusted


class EmailTaken(Exception):
    pass


def _row(row: Any) -> dict[str, Any] | None:
    return dict(row) if row is not None else None


class AccountsRepo:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------------ accounts

    def create_account(
        self,
        *,
        email: str,
        password_hash: str,
        role: str = "employer",
        company_name: str = "",
        slug: str | None = None,
        verified: bool = False,
        now: datetime | None = None,
    ) -> int:
        now = utc(now) or utcnow()
        with self.engine.begin() as conn:
            if slug is not None:
                slug = self._free_slug(conn, slug)
            row = {
                "email": email,
                "email_key": email.strip().lower(),
                "password_hash": password_hash,
                "role": role,
                "company_name": company_name,
                "slug": slug,
                "created_at": now,
                "verified_at": now if verified else None,
            }
            try:
                return int(conn.execute(insert(accounts).returning(accounts.c.id), row).scalar_one())
            except IntegrityError:
                raise EmailTaken(email) from None

    def _free_slug(self, conn: Any, base: str) -> str:
        from stellenatlas.accounts.forms import RESERVED_SLUGS

        taken = set(
            conn.execute(
                select(accounts.c.slug).where(
                    (accounts.c.slug == base) | accounts.c.slug.like(base.replace("%", "") + "-%")
                )
            ).scalars()
        )
        taken |= RESERVED_SLUGS
        if base not in taken:
            return base
        n = 2
        while f"{base}-{n}" in taken:
            n += 1
        return f"{base}-{n}"

    def account(self, account_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            return _row(conn.execute(select(accounts).where(accounts.c.id == account_id)).mappings().first())

    def account_by_email(self, email: str) -> dict[str, Any] | None:
        stmt = select(accounts).where(accounts.c.email_key == email.strip().lower())
        with self.engine.connect() as conn:
            return _row(conn.execute(stmt).mappings().first())

    def account_by_slug(self, slug: str) -> dict[str, Any] | None:
        stmt = select(accounts).where(accounts.c.slug == slug, accounts.c.role == "employer")
        with self.engine.connect() as conn:
            return _row(conn.execute(stmt).mappings().first())

    def update_account(self, account_id: int, **values: Any) -> None:
        allowed = {
            "description",
            "website",
            "location",
            "password_hash",
            "approved_at",
            "verified_at",
            "role",
        }
        if set(values) - allowed:
            raise TypeError(f"not updatable: {sorted(set(values) - allowed)}")
        with self.engine.begin() as conn:
            conn.execute(update(accounts).where(accounts.c.id == account_id).values(**values))

    # ------------------------------------------------------------------ one-time tokens (e-mail verification)

    def add_token(
        self, account_id: int, purpose: str, hashed: str, ttl: timedelta, now: datetime | None = None
    ) -> None:
        now = utc(now) or utcnow()
        row = {"token_hash": hashed, "account_id": account_id, "purpose": purpose, "created_at": now}
        with self.engine.begin() as conn:
            conn.execute(insert(account_tokens), {**row, "expires_at": now + ttl})

    def token_account(self, hashed: str, purpose: str, now: datetime | None = None) -> int | None:
        """The account of an unused, unexpired token (without using it)."""
        now = utc(now) or utcnow()
        stmt = select(account_tokens.c.account_id).where(
            account_tokens.c.token_hash == hashed,
            account_tokens.c.purpose == purpose,
            account_tokens.c.used_at.is_(None),
            account_tokens.c.expires_at > now,
        )
        with self.engine.connect() as conn:
            found = conn.execute(stmt).scalar()
        return int(found) if found is not None else None

    def use_token(self, hashed: str, purpose: str, now: datetime | None = None) -> int | None:
        """Mark the token used and return its account, or None when unknown, expired or used before."""
        now = utc(now) or utcnow()
        cond = and_(
            account_tokens.c.token_hash == hashed,
            account_tokens.c.purpose == purpose,
            account_tokens.c.used_at.is_(None),
            account_tokens.c.expires_at > now,
        )
        with self.engine.begin() as conn:
            account_id = conn.execute(select(account_tokens.c.account_id).where(cond)).scalar()
            # the guarded UPDATE makes a token single-use even when two requests race
            if (
                account_id is None
                or not conn.execute(update(account_tokens).where(cond).values(used_at=now)).rowcount
            ):
                return None
            return int(account_id)

    # ------------------------------------------------------------------ sessions

    def add_session(self, account_id: int, id_hash: str, ttl: timedelta, now: datetime | None = None) -> None:
        now = utc(now) or utcnow()
        with self.engine.begin() as conn:
            conn.execute(delete(account_sessions).where(account_sessions.c.expires_at < now))
            conn.execute(
                insert(account_sessions),
                {"id_hash": id_hash, "account_id": account_id, "created_at": now, "expires_at": now + ttl},
            )

    def session_account(self, id_hash: str, now: datetime | None = None) -> dict[str, Any] | None:
        now = utc(now) or utcnow()
        stmt = (
            select(accounts)
            .select_from(account_sessions.join(accounts, accounts.c.id == account_sessions.c.account_id))
            .where(account_sessions.c.id_hash == id_hash, account_sessions.c.expires_at > now)
        )
        with self.engine.connect() as conn:
            return _row(conn.execute(stmt).mappings().first())

    def delete_session(self, id_hash: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(account_sessions).where(account_sessions.c.id_hash == id_hash))

    # ------------------------------------------------------------------ rate limits

    def count_events(self, kind: str, key: str, window: timedelta, now: datetime | None = None) -> int:
        now = utc(now) or utcnow()
        stmt = select(func.count()).where(
            rate_events.c.kind == kind, rate_events.c.key == key, rate_events.c.at > now - window
        )
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def add_event(self, kind: str, key: str, keep: timedelta, now: datetime | None = None) -> None:
        now = utc(now) or utcnow()
        with self.engine.begin() as conn:
            conn.execute(
                delete(rate_events).where(
                    rate_events.c.kind == kind, rate_events.c.key == key, rate_events.c.at < now - keep
                )
            )
            conn.execute(insert(rate_events), {"kind": kind, "key": key, "at": now})

    def clear_events(self, kind: str, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(rate_events).where(rate_events.c.kind == kind, rate_events.c.key == key))

    # ------------------------------------------------------------------ employer postings

    def link_posting(
        self,
        posting_id: int,
        account_id: int,
        *,
        description_html: str,
        form: dict[str, Any],
        risk_score: int,
        risk_reasons: list[dict[str, Any]],
        now: datetime | None = None,
    ) -> None:
        """Record (or refresh) the owner and the entered form of a posting."""
        now = utc(now) or utcnow()
        values = {
            "description_html": description_html,
            "form": json.dumps(form, ensure_ascii=False),
            "risk_score": risk_score,
            "risk_reasons": json.dumps(risk_reasons, ensure_ascii=False),
            "updated_at": now,
        }
        with self.engine.begin() as conn:
            owner = conn.execute(
                select(employer_postings.c.account_id).where(employer_postings.c.posting_id == posting_id)
            ).scalar()
            if owner is None:
                conn.execute(
                    insert(employer_postings),
                    {**values, "posting_id": posting_id, "account_id": account_id, "created_at": now},
                )
            elif owner != account_id:
                raise PermissionError(f"posting {posting_id} belongs to another account")
            else:
                conn.execute(
                    update(employer_postings)
                    .where(employer_postings.c.posting_id == posting_id)
                    .values(**values)
                )

    def owned(self, account_id: int, posting_id: int) -> dict[str, Any] | None:
        """The employer row of a posting if (and only if) `account_id` owns it."""
        stmt = select(employer_postings).where(
            employer_postings.c.posting_id == posting_id, employer_postings.c.account_id == account_id
        )
        with self.engine.connect() as conn:
            row = _row(conn.execute(stmt).mappings().first())
        return _decoded(row)

    def employer_posting(self, posting_id: int) -> dict[str, Any] | None:
        stmt = select(employer_postings).where(employer_postings.c.posting_id == posting_id)
        with self.engine.connect() as conn:
            return _decoded(_row(conn.execute(stmt).mappings().first()))

    def description_html(self, posting_id: int) -> str | None:
        stmt = select(employer_postings.c.description_html).where(
            employer_postings.c.posting_id == posting_id
        )
        with self.engine.connect() as conn:
            return conn.execute(stmt).scalar()

    def list_owned(
        self, account_id: int, *, status: str | None = None, limit: int = 20, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]:
        """(total, rows) of an account's postings, newest first: id, title, status, location, note."""
        base = (
            select(
                postings.c.id,
                postings.c.title,
                postings.c.status,
                postings.c.location_text,
                postings.c.valid_through,
                postings.c.posted_at,
                employer_postings.c.moderation_note,
                employer_postings.c.risk_score,
            )
            .select_from(employer_postings.join(postings, postings.c.id == employer_postings.c.posting_id))
            .where(employer_postings.c.account_id == account_id)
        )
        if status is not None:
            base = base.where(postings.c.status == status)
        count = select(func.count()).select_from(base.subquery())
        with self.engine.connect() as conn:
            total = int(conn.execute(count).scalar_one())
            rows = conn.execute(
                base.order_by(employer_postings.c.created_at.desc(), postings.c.id.desc())
                .limit(limit)
                .offset(offset)
            ).mappings()
            return total, [dict(r) for r in rows]

    def count_posted(self, account_id: int) -> int:
        stmt = select(func.count()).where(employer_postings.c.account_id == account_id)
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def mark_approved(self, posting_id: int, now: datetime | None = None) -> bool:
        """Record an admin's release; returns True when the owner thereby becomes trusted."""
        now = utc(now) or utcnow()
        with self.engine.begin() as conn:
            account_id = conn.execute(
                select(employer_postings.c.account_id).where(employer_postings.c.posting_id == posting_id)
            ).scalar()
            if account_id is None:
                return False
            conn.execute(
                update(employer_postings)
                .where(employer_postings.c.posting_id == posting_id)
                .values(approved_at=now, moderation_note="")
            )
            released = conn.execute(
                select(func.count()).where(
                    employer_postings.c.account_id == account_id, employer_postings.c.approved_at.is_not(None)
                )
            ).scalar_one()
            if released >= TRUST_AFTER:
                result = conn.execute(
                    update(accounts)
                    .where(accounts.c.id == account_id, accounts.c.approved_at.is_(None))
                    .values(approved_at=now)
                )
                return bool(result.rowcount)
        return False

    def set_note(self, posting_id: int, note: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(employer_postings)
                .where(employer_postings.c.posting_id == posting_id)
                .values(moderation_note=note)
            )

    # ------------------------------------------------------------------ reports and the review queue

    def add_report(self, posting_id: int, reason: str, text: str, now: datetime | None = None) -> int:
        row = {"posting_id": posting_id, "reason": reason, "text": text, "created_at": utc(now) or utcnow()}
        with self.engine.begin() as conn:
            return int(
                conn.execute(insert(posting_reports).returning(posting_reports.c.id), row).scalar_one()
            )

    def open_reports(self, posting_ids: list[int] | None = None) -> dict[int, list[dict[str, Any]]]:
        stmt = select(posting_reports).where(posting_reports.c.resolved_at.is_(None))
        if posting_ids is not None:
            stmt = stmt.where(posting_reports.c.posting_id.in_(posting_ids))
        out: dict[int, list[dict[str, Any]]] = {}
        with self.engine.connect() as conn:
            for r in conn.execute(stmt.order_by(posting_reports.c.id)).mappings():
                out.setdefault(r["posting_id"], []).append(dict(r))
        return out

    def resolve_reports(self, posting_id: int, now: datetime | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(posting_reports)
                .where(posting_reports.c.posting_id == posting_id, posting_reports.c.resolved_at.is_(None))
                .values(resolved_at=utc(now) or utcnow())
            )

    def queue(self, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        """Postings waiting for a decision: pending ones and reported ones (open reports), oldest first."""
        reported = select(posting_reports.c.posting_id).where(posting_reports.c.resolved_at.is_(None))
        cond = (postings.c.status == PostingStatus.PENDING.value) | postings.c.id.in_(reported)
        base = (
            select(
                postings.c.id,
                postings.c.title,
                postings.c.status,
                postings.c.source,
                postings.c.location_text,
                postings.c.description,
                employers.c.name.label("employer_name"),
                employer_postings.c.account_id,
                employer_postings.c.risk_score,
                employer_postings.c.risk_reasons,
                accounts.c.company_name,
                accounts.c.email,
                accounts.c.approved_at.label("account_approved_at"),
            )
            .select_from(
                postings.outerjoin(employers, employers.c.id == postings.c.employer_id)
                .outerjoin(employer_postings, employer_postings.c.posting_id == postings.c.id)
                .outerjoin(accounts, accounts.c.id == employer_postings.c.account_id)
            )
            .where(cond)
        )
        with self.engine.connect() as conn:
            total = int(conn.execute(select(func.count()).select_from(base.subquery())).scalar_one())
            rows = [
                dict(r)
                for r in conn.execute(base.order_by(postings.c.id).limit(limit).offset(offset)).mappings()
            ]
        for r in rows:
            r["risk_reasons"] = json.loads(r["risk_reasons"]) if r["risk_reasons"] else []
        return total, rows


def _decoded(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    row["form"] = json.loads(row["form"] or "{}")
    row["risk_reasons"] = json.loads(row["risk_reasons"] or "[]")
    return row
