"""Store access for the job alerts (tables in schema_alerts.py). One transaction per operation.

Times are always aware UTC on the way in and out (SQLite hands them back naive: `mapping.utc`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from stellenatlas.alerts.digest import Seen
from stellenatlas.store.mapping import utc
from stellenatlas.store.schema import postings
from stellenatlas.store.schema_alerts import alert_mails, alert_sent, alert_tokens, alerts

RATE_WINDOW = timedelta(hours=24)
CONFIRM_TOKEN_TTL = timedelta(days=7)
DATA_TOKEN_TTL = timedelta(hours=24)
PENDING_TTL = CONFIRM_TOKEN_TTL  # unconfirmed requests are deleted after this (the mail promises 7 days)


@dataclass(frozen=True, slots=True)
class SignUp:
    outcome: Literal["created", "reused", "exists", "rate_limited"]
    alert_id: int | None = None
    mail_id: int | None = None  # the mail-log row to undo if sending fails


def _row(row: Any) -> dict[str, Any]:
    data = dict(row._mapping)
    for key, value in data.items():
        if isinstance(value, datetime):
            data[key] = utc(value)
    return data


class AlertsRepo:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------------ rate limit

    @staticmethod
    def _mails_since(conn: Connection, email_key: str, kind: str, since: datetime) -> int:
        stmt = select(func.count()).where(
            alert_mails.c.email_key == email_key, alert_mails.c.kind == kind, alert_mails.c.sent_at > since
        )
        return int(conn.execute(stmt).scalar_one())

    def mails_since(self, email_key: str, kind: str, since: datetime) -> int:
        with self.engine.connect() as conn:
            return self._mails_since(conn, email_key, kind, since)

    @staticmethod
    def _log_mail(
        conn: Connection, email_key: str, kind: str, now: datetime, alert_id: int | None, n: int = 0
    ) -> int:
        res = conn.execute(
            insert(alert_mails).values(
                email_key=email_key, kind=kind, alert_id=alert_id, posting_count=n, sent_at=now
            )
        )
        return int(res.inserted_primary_key[0])  # type: ignore[index]

    # ------------------------------------------------------------------ sign-up and confirmation

    def sign_up(
        self,
        *,
        email: str,
        email_key: str,
        query: str,
        frequency: str,
        token_hash: str,
        now: datetime,
        max_mails: int,
    ) -> SignUp:
        """Store a pending alert with its confirmation token and log the confirmation mail about to be sent.

        Counting and logging happen in one transaction, so the limit holds per request sequence; two truly
        simultaneous requests may both pass (one extra mail at worst). An identical confirmed alert gets no
        mail at all; an identical pending one gets a fresh token (the old links stop working).
        """
        with self.engine.begin() as conn:
            if self._mails_since(conn, email_key, "bestaetigung", now - RATE_WINDOW) >= max_mails:
                return SignUp("rate_limited")
            existing = conn.execute(
                select(alerts.c.id, alerts.c.status).where(
                    alerts.c.email_key == email_key, alerts.c.query == query, alerts.c.frequency == frequency
                )
            ).first()
            if existing is not None and existing.status == "confirmed":
                return SignUp("exists", alert_id=int(existing.id))
            if existing is not None:
                alert_id = int(existing.id)
                conn.execute(
                    delete(alert_tokens).where(
                        alert_tokens.c.alert_id == alert_id, alert_tokens.c.kind == "confirm"
                    )
                )
                outcome: Literal["created", "reused"] = "reused"
            else:
                res = conn.execute(
                    insert(alerts).values(
                        email=email,
                        email_key=email_key,
                        query=query,
                        frequency=frequency,
                        status="pending",
                        created_at=now,
                    )
                )
                alert_id = int(res.inserted_primary_key[0])  # type: ignore[index]
                outcome = "created"
            conn.execute(
                insert(alert_tokens).values(
                    token_hash=token_hash,
                    kind="confirm",
                    email_key=email_key,
                    alert_id=alert_id,
                    created_at=now,
                    expires_at=now + CONFIRM_TOKEN_TTL,
                )
            )
            mail_id = self._log_mail(conn, email_key, "bestaetigung", now, alert_id)
        return SignUp(outcome, alert_id=alert_id, mail_id=mail_id)

    def undo_sign_up(self, result: SignUp, token_hash: str) -> None:
        """The confirmation mail could not be sent: forget the request, it must not count or linger."""
        with self.engine.begin() as conn:
            conn.execute(delete(alert_tokens).where(alert_tokens.c.token_hash == token_hash))
            if result.mail_id is not None:
                conn.execute(delete(alert_mails).where(alert_mails.c.id == result.mail_id))
            if result.outcome == "created" and result.alert_id is not None:
                conn.execute(
                    delete(alerts).where(alerts.c.id == result.alert_id, alerts.c.status == "pending")
                )

    def token(self, token_hash: str, kind: str, now: datetime) -> dict[str, Any] | None:
        """The unexpired token row (used or not), or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(alert_tokens).where(
                    alert_tokens.c.token_hash == token_hash,
                    alert_tokens.c.kind == kind,
                    alert_tokens.c.expires_at > now,
                )
            ).first()
        return _row(row) if row is not None else None

    def confirm(self, token_hash: str, now: datetime) -> int | None:
        """Confirm the alert of an unused, unexpired token; returns its id (None: nothing confirmed)."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(alert_tokens.c.alert_id).where(
                    alert_tokens.c.token_hash == token_hash,
                    alert_tokens.c.kind == "confirm",
                    alert_tokens.c.expires_at > now,
                    alert_tokens.c.used_at.is_(None),
                )
            ).first()
            if row is None or row.alert_id is None:
                return None
            alert_id = int(row.alert_id)
            conn.execute(
                update(alert_tokens).where(alert_tokens.c.token_hash == token_hash).values(used_at=now)
            )
            conn.execute(
                update(alerts)
                .where(alerts.c.id == alert_id, alerts.c.status == "pending")
                .values(status="confirmed", confirmed_at=now)
            )
        return alert_id

    def get_alert(self, alert_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(alerts).where(alerts.c.id == alert_id)).first()
        return _row(row) if row is not None else None

    def delete_alert(self, alert_id: int) -> bool:
        """Unsubscribe: the alert, its tokens and its sent ids go (the mail log stays until "alles löschen")."""
        with self.engine.begin() as conn:
            conn.execute(delete(alert_tokens).where(alert_tokens.c.alert_id == alert_id))
            conn.execute(delete(alert_sent).where(alert_sent.c.alert_id == alert_id))
            return bool(conn.execute(delete(alerts).where(alerts.c.id == alert_id)).rowcount)

    # ------------------------------------------------------------------ digest worker

    def confirmed_alerts(self, frequency: str | None = None) -> list[dict[str, Any]]:
        stmt = select(alerts).where(alerts.c.status == "confirmed").order_by(alerts.c.id)
        if frequency is not None:
            stmt = stmt.where(alerts.c.frequency == frequency)
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(stmt)]

    def sent_ids(self, alert_id: int) -> set[int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(alert_sent.c.posting_id).where(alert_sent.c.alert_id == alert_id))
            return {int(r.posting_id) for r in rows}

    def seen_times(self, posting_ids: Sequence[int]) -> dict[int, Seen]:
        out: dict[int, Seen] = {}
        ids = list(dict.fromkeys(posting_ids))
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                stmt = select(postings.c.id, postings.c.posted_at, postings.c.first_seen_at).where(
                    postings.c.id.in_(ids[i : i + 500])
                )
                for r in conn.execute(stmt):
                    first_seen = utc(r.first_seen_at)
                    assert first_seen is not None  # NOT NULL column
                    out[int(r.id)] = Seen(posted_at=utc(r.posted_at), first_seen_at=first_seen)
        return out

    def record_digest(self, alert_id: int, email_key: str, posting_ids: Iterable[int], now: datetime) -> bool:
        """After a digest went out: its postings count as sent, the window closes, the mail is logged — in
        one transaction, so a crash leaves either all of it or none. False: the alert vanished meanwhile
        (unsubscribed during the run), nothing recorded."""
        ids = sorted(set(posting_ids))
        with self.engine.begin() as conn:
            moved = conn.execute(
                update(alerts).where(alerts.c.id == alert_id).values(last_run_at=now)
            ).rowcount
            if not moved:
                return False
            known = {
                int(r.posting_id)
                for r in conn.execute(
                    select(alert_sent.c.posting_id).where(
                        alert_sent.c.alert_id == alert_id, alert_sent.c.posting_id.in_(ids)
                    )
                )
            }
            rows = [
                {"alert_id": alert_id, "posting_id": pid, "sent_at": now} for pid in ids if pid not in known
            ]
            if rows:
                conn.execute(insert(alert_sent), rows)
            if ids:
                self._log_mail(conn, email_key, "digest", now, alert_id, len(ids))
        return True

    def purge_pending(self, now: datetime) -> int:
        """Delete requests nobody confirmed within PENDING_TTL (data minimisation, DSGVO Art. 5)."""
        cutoff = now - PENDING_TTL
        with self.engine.begin() as conn:
            ids = [
                int(r.id)
                for r in conn.execute(
                    select(alerts.c.id).where(alerts.c.status == "pending", alerts.c.created_at < cutoff)
                )
            ]
            if ids:
                conn.execute(delete(alert_tokens).where(alert_tokens.c.alert_id.in_(ids)))
                conn.execute(delete(alerts).where(alerts.c.id.in_(ids)))
            conn.execute(delete(alert_tokens).where(alert_tokens.c.expires_at < cutoff))
        return len(ids)

    # ------------------------------------------------------------------ DSGVO: export and deletion

    def has_data(self, email_key: str) -> bool:
        with self.engine.connect() as conn:
            for table in (alerts, alert_mails):
                if conn.execute(
                    select(table.c.email_key).where(table.c.email_key == email_key).limit(1)
                ).first():
                    return True
        return False

    def data_request(self, email_key: str, token_hash: str, now: datetime, max_mails: int) -> int | None:
        """Store a data-access token and log its mail; returns the mail-log id, None at the rate limit."""
        with self.engine.begin() as conn:
            if self._mails_since(conn, email_key, "daten", now - RATE_WINDOW) >= max_mails:
                return None
            conn.execute(
                insert(alert_tokens).values(
                    token_hash=token_hash,
                    kind="data",
                    email_key=email_key,
                    alert_id=None,
                    created_at=now,
                    expires_at=now + DATA_TOKEN_TTL,
                )
            )
            return self._log_mail(conn, email_key, "daten", now, None)

    def undo_data_request(self, token_hash: str, mail_id: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(alert_tokens).where(alert_tokens.c.token_hash == token_hash))
            conn.execute(delete(alert_mails).where(alert_mails.c.id == mail_id))

    def export(self, email_key: str) -> dict[str, Any]:
        """Everything stored for the address (token hashes left out: they are secrets, not personal data)."""
        with self.engine.connect() as conn:
            rows = [
                _row(r)
                for r in conn.execute(
                    select(alerts).where(alerts.c.email_key == email_key).order_by(alerts.c.id)
                )
            ]
            ids = [r["id"] for r in rows]
            sent: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
            if ids:
                for s_row in conn.execute(
                    select(alert_sent).where(alert_sent.c.alert_id.in_(ids)).order_by(alert_sent.c.sent_at)
                ):
                    sent[int(s_row.alert_id)].append(
                        {"posting_id": int(s_row.posting_id), "sent_at": utc(s_row.sent_at)}
                    )
            mails = [
                _row(r)
                for r in conn.execute(
                    select(
                        alert_mails.c.kind,
                        alert_mails.c.alert_id,
                        alert_mails.c.posting_count,
                        alert_mails.c.sent_at,
                    )
                    .where(alert_mails.c.email_key == email_key)
                    .order_by(alert_mails.c.sent_at, alert_mails.c.id)
                )
            ]
            tokens = [
                _row(r)
                for r in conn.execute(
                    select(
                        alert_tokens.c.kind,
                        alert_tokens.c.alert_id,
                        alert_tokens.c.created_at,
                        alert_tokens.c.expires_at,
                        alert_tokens.c.used_at,
                    )
                    .where(alert_tokens.c.email_key == email_key)
                    .order_by(alert_tokens.c.created_at)
                )
            ]
        for alert in rows:
            alert["sent_postings"] = sent.get(alert["id"], [])
        return {"email": email_key, "alerts": rows, "mails": mails, "links": tokens}

    def delete_all(self, email_key: str) -> int:
        """Delete every row that belongs to the address; returns how many rows went."""
        with self.engine.begin() as conn:
            ids = [
                int(r.id) for r in conn.execute(select(alerts.c.id).where(alerts.c.email_key == email_key))
            ]
            n = 0
            if ids:
                n += conn.execute(delete(alert_sent).where(alert_sent.c.alert_id.in_(ids))).rowcount
                n += conn.execute(delete(alert_tokens).where(alert_tokens.c.alert_id.in_(ids))).rowcount
            n += conn.execute(delete(alert_tokens).where(alert_tokens.c.email_key == email_key)).rowcount
            n += conn.execute(delete(alerts).where(alerts.c.email_key == email_key)).rowcount
            n += conn.execute(delete(alert_mails).where(alert_mails.c.email_key == email_key)).rowcount
        return int(n)
