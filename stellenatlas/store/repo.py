"""`Store`: every read and write of postings and their bookkeeping, on SQLite or PostgreSQL.

Each public write runs in one transaction: a failing batch leaves the database exactly as before.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Select,
    bindparam,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from stellenatlas.domain.models import Employer, Experience, Posting, PostingStatus, Sector
from stellenatlas.store.filters import PUBLISHED, StatusFilter, _filtered
from stellenatlas.store.mapping import (
    employer_key,
    posting_row,
    row_to_posting,
    unique_ags,
    utc,
    utcnow,
)
from stellenatlas.store.page_queries import PageQueries
from stellenatlas.store.schema import employers, ingest_runs, insights, posting_places, postings, rejections

# Moderation decisions survive a re-ingest of the same posting.
_MODERATED = {PostingStatus.PENDING.value, PostingStatus.REJECTED.value}
_CHUNK = 500  # ids per IN (...) list: well below SQLite's and PostgreSQL's bind-parameter limits
_PAYLOAD_EXCERPT = 2000


@dataclass(frozen=True, slots=True)
class UpsertResult:
    new: int
    updated: int
    unchanged: int
    ids: list[int] = field(default_factory=list)  # store id per input posting, in input order
    changed_ids: list[int] = field(
        default_factory=list
    )  # new, updated or revived: what the index must (re)read


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def dialect_insert(conn: Connection, table: Any) -> Any:
    """INSERT with ON CONFLICT support; both backends spell it the same in SQLAlchemy."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _posting_select() -> Select[Any]:
    return select(
        postings,
        employers.c.name.label("employer_name"),
        employers.c.sector.label("employer_sector"),
        employers.c.website.label("employer_website"),
    ).select_from(postings.outerjoin(employers, postings.c.employer_id == employers.c.id))


class Store(PageQueries):
    """Repository over one Engine. Thread-safe as far as the Engine is; holds no connection between calls."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ writes: postings

    def upsert_postings(self, postings_in: Iterable[Posting], *, now: datetime | None = None) -> UpsertResult:
        """Insert new postings, update changed ones (by raw_hash), bump last_seen_at of unchanged ones.

        Idempotent by (source, source_id). If the same key occurs twice in one batch the last one wins.
        An expired posting that shows up again unchanged (and is not past valid_through) is reactivated
        and counted as updated, because its row changed.
        """
        now = utc(now) or utcnow()
        batch = list(postings_in)
        if not batch:
            return UpsertResult(0, 0, 0, [], [])
        latest: dict[tuple[str, str], Posting] = {}
        for p in batch:
            latest[(p.source, p.source_id)] = p
        with self.engine.begin() as conn:
            employer_ids = self._employer_ids(conn, [p.employer for p in latest.values()])
            existing = self._existing(conn, list(latest))
            ids: dict[tuple[str, str], int] = {}
            new_rows: list[dict[str, Any]] = []
            new_keys: list[tuple[str, str]] = []
            changed: list[dict[str, Any]] = []
            unchanged_ids: list[int] = []
            revive_ids: list[int] = []
            places_of: dict[tuple[str, str], list[str]] = {}
            for key, p in latest.items():
                emp_id = employer_ids.get(employer_key(p.employer.name))
                old = existing.get(key)
                if old is None:
                    row = posting_row(p, emp_id)
                    row.update(
                        status=PostingStatus(p.status).value,
                        duplicate_of=p.duplicate_of,
                        first_seen_at=now,
                        last_seen_at=now,
                        updated_at=now,
                        expired_at=now if p.status == PostingStatus.EXPIRED else None,
                    )
                    new_rows.append(row)
                    new_keys.append(key)
                    places_of[key] = unique_ags(p.place_ags)
                    continue
                ids[key] = old["id"]
                if old["raw_hash"] == p.raw_hash and p.raw_hash:
                    still_valid = old["valid_through"] is None or old["valid_through"] >= now.date()
                    if old["status"] == PostingStatus.EXPIRED.value and still_valid:
                        revive_ids.append(old["id"])
                    else:
                        unchanged_ids.append(old["id"])
                    continue
                row = posting_row(p, emp_id)
                status = old["status"] if old["status"] in _MODERATED else PostingStatus(p.status).value
                expired_at = None
                if status == PostingStatus.EXPIRED.value:
                    expired_at = old["expired_at"] if old["status"] == PostingStatus.EXPIRED.value else now
                row.update(
                    _id=old["id"],
                    status=status,
                    duplicate_of=p.duplicate_of if p.duplicate_of is not None else old["duplicate_of"],
                    last_seen_at=now,
                    updated_at=now,
                    expired_at=expired_at,
                )
                changed.append(row)
                places_of[key] = unique_ags(p.place_ags)

            for chunk in _chunks(unchanged_ids):
                conn.execute(update(postings).where(postings.c.id.in_(chunk)).values(last_seen_at=now))
            for chunk in _chunks(revive_ids):
                conn.execute(
                    update(postings)
                    .where(postings.c.id.in_(chunk))
                    .values(
                        last_seen_at=now, updated_at=now, status=PostingStatus.ACTIVE.value, expired_at=None
                    )
                )
            if changed:
                stmt = update(postings).where(postings.c.id == bindparam("_id"))
                conn.execute(stmt, changed)
                changed_ids = [r["_id"] for r in changed]
                for chunk in _chunks(changed_ids):
                    conn.execute(delete(posting_places).where(posting_places.c.posting_id.in_(chunk)))
            if new_rows:
                result = conn.execute(
                    postings.insert().returning(postings.c.id, sort_by_parameter_order=True), new_rows
                )
                for key, (new_id,) in zip(new_keys, result.all(), strict=True):
                    ids[key] = new_id
            place_rows = [
                {"posting_id": ids[key], "ags": ags, "position": pos}
                for key, codes in places_of.items()
                for pos, ags in enumerate(codes)
            ]
            if place_rows:
                conn.execute(posting_places.insert(), place_rows)
        return UpsertResult(
            new=len(new_rows),
            updated=len(changed) + len(revive_ids),
            unchanged=len(unchanged_ids),
            ids=[ids[(p.source, p.source_id)] for p in batch],
            changed_ids=[ids[k] for k in new_keys] + [r["_id"] for r in changed] + revive_ids,
        )

    def _existing(self, conn: Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        by_source: dict[str, list[str]] = {}
        for source, source_id in keys:
            by_source.setdefault(source, []).append(source_id)
        found: dict[tuple[str, str], Any] = {}
        cols = (
            postings.c.id,
            postings.c.source_id,
            postings.c.raw_hash,
            postings.c.status,
            postings.c.valid_through,
            postings.c.expired_at,
            postings.c.duplicate_of,
        )
        for source, source_ids in by_source.items():
            for chunk in _chunks(source_ids):
                stmt = select(*cols).where(postings.c.source == source, postings.c.source_id.in_(chunk))
                for row in conn.execute(stmt).mappings():
                    found[(source, row["source_id"])] = row
        return found

    def unchanged_ids(self, source: str, hashes: dict[str, str], today: date) -> dict[str, int]:
        """{source_id: id} of postings stored with exactly these raw hashes that a re-ingest would leave as they
        are: the ingest runner skips normalizing them and only calls `touch`. An expired posting that is still
        within its deadline is not included, because seeing it again reactivates it (see upsert_postings)."""
        with self.engine.connect() as conn:
            existing = self._existing(conn, [(source, sid) for sid in hashes])
        out = {}
        for (_src, sid), row in existing.items():
            if not row["raw_hash"] or row["raw_hash"] != hashes[sid]:
                continue
            revivable = row["status"] == PostingStatus.EXPIRED.value and (
                row["valid_through"] is None or row["valid_through"] >= today
            )
            if not revivable:
                out[sid] = row["id"]
        return out

    def touch(self, ids: Sequence[int], now: datetime | None = None) -> None:
        """Record that unchanged postings were seen again (last_seen_at)."""
        now = utc(now) or utcnow()
        with self.engine.begin() as conn:
            for chunk in _chunks(list(ids)):
                conn.execute(update(postings).where(postings.c.id.in_(chunk)).values(last_seen_at=now))

    def _employer_ids(self, conn: Connection, emps: Sequence[Employer]) -> dict[str, int]:
        """Get-or-create employers by folded name; fills in sector/website an earlier posting lacked."""
        wanted: dict[str, Employer] = {}
        for e in emps:
            key = employer_key(e.name)
            if key and (key not in wanted or wanted[key].sector == Sector.OTHER):
                wanted[key] = e
        if not wanted:
            return {}
        known: dict[str, Any] = {}
        keys = list(wanted)
        cols = (employers.c.id, employers.c.name_key, employers.c.sector, employers.c.website)
        for chunk in _chunks(keys):
            for row in conn.execute(select(*cols).where(employers.c.name_key.in_(chunk))).mappings():
                known[row["name_key"]] = row
        missing = [
            {"name": e.name.strip(), "name_key": k, "sector": Sector(e.sector).value, "website": e.website}
            for k, e in wanted.items()
            if k not in known
        ]
        if missing:
            # DO NOTHING: a concurrent ingest may have created the same employer meanwhile
            conn.execute(
                dialect_insert(conn, employers).on_conflict_do_nothing(index_elements=["name_key"]), missing
            )
            for chunk in _chunks([m["name_key"] for m in missing]):
                for row in conn.execute(select(*cols).where(employers.c.name_key.in_(chunk))).mappings():
                    known[row["name_key"]] = row
        fills = []
        for k, e in wanted.items():
            row = known[k]
            sector = row["sector"]
            website = row["website"]
            if sector == Sector.OTHER.value and e.sector != Sector.OTHER:
                sector = Sector(e.sector).value
            if not website and e.website:
                website = e.website
            if (sector, website) != (row["sector"], row["website"]):
                fills.append({"_id": row["id"], "sector": sector, "website": website})
        if fills:
            conn.execute(update(employers).where(employers.c.id == bindparam("_id")), fills)
        return {k: row["id"] for k, row in known.items()}

    def expire_missing(
        self, source: str, seen_source_ids: Iterable[str], now: datetime | None = None
    ) -> list[int]:
        """Mark active postings of `source` that were not seen in this run as expired (returns their ids).
        Never deletes.

        The caller decides whether a run was complete enough to expire anything (an empty `seen` expires all).
        """
        now = utc(now) or utcnow()
        seen = set(seen_source_ids)
        with self.engine.begin() as conn:
            active = conn.execute(
                select(postings.c.id, postings.c.source_id).where(
                    postings.c.source == source, postings.c.status == PostingStatus.ACTIVE.value
                )
            ).all()
            gone = [pid for pid, sid in active if sid not in seen]
            for chunk in _chunks(gone):
                conn.execute(
                    update(postings)
                    .where(postings.c.id.in_(chunk))
                    .values(status=PostingStatus.EXPIRED.value, expired_at=now, updated_at=now)
                )
        return gone

    def expire_past_valid_through(self, today: date, now: datetime | None = None) -> list[int]:
        """Expire active postings whose valid_through lies before `today`; returns their ids."""
        now = utc(now) or utcnow()
        with self.engine.begin() as conn:
            gone = list(
                conn.execute(
                    select(postings.c.id).where(
                        postings.c.status == PostingStatus.ACTIVE.value, postings.c.valid_through < today
                    )
                ).scalars()
            )
            for chunk in _chunks(gone):
                conn.execute(
                    update(postings)
                    .where(postings.c.id.in_(chunk))
                    .values(status=PostingStatus.EXPIRED.value, expired_at=now, updated_at=now)
                )
        return gone

    def set_status(self, posting_id: int, status: PostingStatus, now: datetime | None = None) -> bool:
        """Moderation: set a posting's status. Returns False when the posting does not exist."""
        now = utc(now) or utcnow()
        values: dict[str, Any] = {"status": PostingStatus(status).value, "updated_at": now}
        values["expired_at"] = now if status == PostingStatus.EXPIRED else None
        with self.engine.begin() as conn:
            result = conn.execute(update(postings).where(postings.c.id == posting_id).values(**values))
            return bool(result.rowcount)

    def set_duplicate(self, posting_id: int, of_id: int | None) -> None:
        """Mark `posting_id` as a duplicate of `of_id` (None clears the mark)."""
        if of_id is not None and of_id == posting_id:
            raise ValueError("a posting cannot be a duplicate of itself")
        with self.engine.begin() as conn:
            result = conn.execute(
                update(postings).where(postings.c.id == posting_id).values(duplicate_of=of_id)
            )
            if not result.rowcount:
                raise KeyError(posting_id)

    # ------------------------------------------------------------------ reads: postings

    def _load(self, conn: Connection, stmt: Select[Any]) -> list[Posting]:
        rows = conn.execute(stmt).mappings().all()
        if not rows:
            return []
        places: dict[int, list[str]] = {}
        row_ids = [r["id"] for r in rows]
        for chunk in _chunks(row_ids):
            q = (
                select(posting_places.c.posting_id, posting_places.c.ags)
                .where(posting_places.c.posting_id.in_(chunk))
                .order_by(posting_places.c.posting_id, posting_places.c.position)
            )
            for pid, ags in conn.execute(q):
                places.setdefault(pid, []).append(ags)
        return [row_to_posting(r, places.get(r["id"], ())) for r in rows]

    def get_posting(self, posting_id: int) -> Posting | None:
        with self.engine.connect() as conn:
            found = self._load(conn, _posting_select().where(postings.c.id == posting_id))
        return found[0] if found else None

    def get_postings(self, ids: Sequence[int]) -> list[Posting]:
        """Postings by id, in the order of `ids`; unknown ids are left out."""
        found: dict[int, Posting] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(list(ids)):
                for p in self._load(conn, _posting_select().where(postings.c.id.in_(chunk))):
                    found[p.id or 0] = p
        return [found[i] for i in ids if i in found]

    def get_by_source(self, source: str, source_id: str) -> Posting | None:
        stmt = _posting_select().where(postings.c.source == source, postings.c.source_id == source_id)
        with self.engine.connect() as conn:
            found = self._load(conn, stmt)
        return found[0] if found else None

    def iter_postings(self, status: StatusFilter = "aktiv", batch: int = 1000) -> Iterator[Posting]:
        """All postings with `status` (None = any), by id, fetched in batches (keyset: no long-lived cursor)."""
        last_id = 0
        while True:
            stmt = _filtered(_posting_select(), None, None, status, True)
            stmt = stmt.where(postings.c.id > last_id).order_by(postings.c.id).limit(batch)
            with self.engine.connect() as conn:
                chunk = self._load(conn, stmt)
            if not chunk:
                return
            yield from chunk
            last_id = chunk[-1].id or last_id
            if len(chunk) < batch:
                return

    def count_postings(
        self,
        kldb_prefix: str | None = None,
        ags: Sequence[str] | None = None,
        status: StatusFilter = "aktiv",
        *,
        source: str | None = None,
        include_duplicates: bool = True,
        since: datetime | None = None,
    ) -> int:
        stmt = _filtered(
            select(func.count()).select_from(postings),
            kldb_prefix,
            ags,
            status,
            include_duplicates,
            source,
            since,
        )
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def postings_for(
        self,
        kldb_prefix: str | None,
        ags: Sequence[str] | None,
        limit: int = 20,
        offset: int = 0,
        status: StatusFilter = "aktiv",
        *,
        include_duplicates: bool = False,
    ) -> list[Posting]:
        """Postings of an occupation (KldB prefix, "" = all) at places (None = Germany), newest first."""
        stmt = _filtered(_posting_select(), kldb_prefix, ags, status, include_duplicates)
        stmt = stmt.order_by(postings.c.posted_at.desc().nulls_last(), postings.c.id.desc())
        stmt = stmt.limit(limit).offset(offset)
        with self.engine.connect() as conn:
            return self._load(conn, stmt)

    # ------------------------------------------------------------------ reads: statistics (duplicates excluded)

    def salary_rows(
        self, kldb_prefix: str | None, ags: Sequence[str] | None = None, status: StatusFilter = PUBLISHED
    ) -> list[tuple[float | None, float | None, Experience, datetime | None, str]]:
        """(monthly_min, monthly_max, experience, posted_at or first seen, tariff) of postings with a salary."""
        when = func.coalesce(postings.c.posted_at, postings.c.first_seen_at)
        stmt = select(
            postings.c.salary_monthly_min,
            postings.c.salary_monthly_max,
            postings.c.experience,
            when,
            postings.c.salary_tariff,
        ).where(or_(postings.c.salary_monthly_min.is_not(None), postings.c.salary_monthly_max.is_not(None)))
        stmt = _filtered(stmt, kldb_prefix, ags, status, False).order_by(postings.c.id)
        with self.engine.connect() as conn:
            rows: list[Any] = list(conn.execute(stmt).all())
        return [
            (
                lo,
                hi,
                Experience(exp) if exp in Experience._value2member_map_ else Experience.UNKNOWN,
                utc(at),
                tariff or "",
            )
            for lo, hi, exp, at, tariff in rows
        ]

    def monthly_counts(
        self,
        kldb_prefix: str | None,
        ags: Sequence[str] | None,
        since: date,
        *,
        until: date | None = None,
        status: StatusFilter = PUBLISHED,
    ) -> list[tuple[str, int]]:
        """Postings per month ("2025-03", n) from `since` to `until` (default: today), gaps filled with 0.

        Months are computed in Python so the SQL stays portable; posted_at falls back to first seen.
        """
        since_dt = datetime(since.year, since.month, 1, tzinfo=utcnow().tzinfo)
        when = func.coalesce(postings.c.posted_at, postings.c.first_seen_at)
        stmt = _filtered(select(when), kldb_prefix, ags, status, False).where(when >= since_dt)
        with self.engine.connect() as conn:
            counts = Counter(
                f"{at.year:04d}-{at.month:02d}" for (at,) in conn.execute(stmt) if at is not None
            )
        end = until or utcnow().date()
        months: list[tuple[str, int]] = []
        year, month = since.year, since.month
        while (year, month) <= (end.year, end.month):
            label = f"{year:04d}-{month:02d}"
            months.append((label, counts.pop(label, 0)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        # postings dated after `until` (clock skew, future posted_at) are kept rather than silently lost
        months.extend(sorted(counts.items()))
        return months

    def employer_counts(
        self,
        kldb_prefix: str | None,
        ags: Sequence[str] | None,
        limit: int = 10,
        status: StatusFilter = "aktiv",
        *,
        since: datetime | None = None,
    ) -> list[tuple[str, int]]:
        """Employers with the most postings: [(name, n)], most first."""
        n = func.count(postings.c.id)
        stmt = select(employers.c.name, n).select_from(
            postings.join(employers, postings.c.employer_id == employers.c.id)
        )
        stmt = _filtered(stmt, kldb_prefix, ags, status, False, since=since)
        stmt = (
            stmt.group_by(employers.c.id, employers.c.name).order_by(n.desc(), employers.c.name).limit(limit)
        )
        with self.engine.connect() as conn:
            return [(name, int(count)) for name, count in conn.execute(stmt)]

    def sector_counts(
        self,
        kldb_prefix: str | None,
        ags: Sequence[str] | None,
        status: StatusFilter = "aktiv",
        *,
        since: datetime | None = None,
    ) -> list[tuple[Sector, int]]:
        """Postings per employer sector: [(Sector, n)], most first; postings without employer count as OTHER."""
        sector = func.coalesce(employers.c.sector, Sector.OTHER.value)
        n = func.count(postings.c.id)
        stmt = select(sector, n).select_from(
            postings.outerjoin(employers, postings.c.employer_id == employers.c.id)
        )
        stmt = _filtered(stmt, kldb_prefix, ags, status, False, since=since).group_by(sector)
        totals: Counter[Sector] = Counter()
        with self.engine.connect() as conn:
            result: list[Any] = list(conn.execute(stmt))
            for value, count in result:
                totals[Sector(value) if value in Sector._value2member_map_ else Sector.OTHER] += int(count)
        return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0].value))

    # ------------------------------------------------------------------ ingest bookkeeping

    def record_run(
        self,
        source: str,
        *,
        started_at: datetime,
        finished_at: datetime | None = None,
        new: int = 0,
        updated: int = 0,
        unchanged: int = 0,
        expired: int = 0,
        rejected: int = 0,
        notes: dict[str, Any] | None = None,
    ) -> int:
        """Record an ingest run; returns its id (pass it to `record_rejection`, `finish_run`)."""
        row = {
            "source": source,
            "started_at": utc(started_at),
            "finished_at": utc(finished_at),
            "new": new,
            "updated": updated,
            "unchanged": unchanged,
            "expired": expired,
            "rejected": rejected,
            "notes": json.dumps(notes or {}, ensure_ascii=False, default=str),
        }
        with self.engine.begin() as conn:
            return int(conn.execute(ingest_runs.insert().returning(ingest_runs.c.id), row).scalar_one())

    def finish_run(
        self,
        run_id: int,
        *,
        finished_at: datetime | None = None,
        notes: dict[str, Any] | None = None,
        **counts: int,
    ) -> None:
        """Complete a run recorded at its start: counts are new/updated/unchanged/expired/rejected."""
        unknown = set(counts) - {"new", "updated", "unchanged", "expired", "rejected"}
        if unknown:
            raise TypeError(f"unknown run counters: {sorted(unknown)}")
        values: dict[str, Any] = {"finished_at": utc(finished_at) or utcnow(), **counts}
        if notes is not None:
            values["notes"] = json.dumps(notes, ensure_ascii=False, default=str)
        with self.engine.begin() as conn:
            conn.execute(update(ingest_runs).where(ingest_runs.c.id == run_id).values(**values))

    def recent_runs(self, limit: int = 20, source: str | None = None) -> list[dict[str, Any]]:
        stmt = (
            select(ingest_runs)
            .order_by(ingest_runs.c.started_at.desc(), ingest_runs.c.id.desc())
            .limit(limit)
        )
        if source is not None:
            stmt = stmt.where(ingest_runs.c.source == source)
        with self.engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(stmt).mappings()]
        for r in rows:
            r["started_at"], r["finished_at"] = utc(r["started_at"]), utc(r["finished_at"])
            r["notes"] = json.loads(r["notes"] or "{}")
        return rows

    def record_rejection(
        self,
        source: str,
        source_id: str,
        reason: str,
        payload: str | dict[str, Any] = "",
        *,
        run_id: int | None = None,
        now: datetime | None = None,
    ) -> None:
        """Keep why a raw posting was refused, with an excerpt of it (capped, never the whole payload)."""
        text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, default=str)
        row = {
            "run_id": run_id,
            "source": source,
            "source_id": source_id,
            "reason": reason,
            "payload": text[:_PAYLOAD_EXCERPT],
            "created_at": utc(now) or utcnow(),
        }
        with self.engine.begin() as conn:
            conn.execute(rejections.insert(), row)

    def rejections_for(self, run_id: int) -> list[dict[str, Any]]:
        stmt = select(rejections).where(rejections.c.run_id == run_id).order_by(rejections.c.id)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]

    # ------------------------------------------------------------------ insights (precomputed page facts)

    def put_insight(self, key: str, payload: dict[str, Any], *, now: datetime | None = None) -> None:
        row = {
            "key": key,
            "computed_at": utc(now) or utcnow(),
            "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str),
        }
        with self.engine.begin() as conn:
            stmt = dialect_insert(conn, insights)
            stmt = stmt.on_conflict_do_update(
                index_elements=["key"],
                set_={"computed_at": stmt.excluded.computed_at, "payload": stmt.excluded.payload},
            )
            conn.execute(stmt, row)

    def get_insight(self, key: str) -> dict[str, Any] | None:
        found = self.get_insight_entry(key)
        return found[1] if found else None

    def get_insight_entry(self, key: str) -> tuple[datetime, dict[str, Any]] | None:
        """(computed_at, payload) of an insight, or None."""
        stmt = select(insights.c.computed_at, insights.c.payload).where(insights.c.key == key)
        with self.engine.connect() as conn:
            row = conn.execute(stmt).first()
        if row is None:
            return None
        computed_at = utc(row[0])
        assert computed_at is not None
        return computed_at, json.loads(row[1])
