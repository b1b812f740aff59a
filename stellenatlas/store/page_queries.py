"""Read queries behind the occupation × city pages, the home page and the sources page.

A mixin of `Store`, kept apart so that repo.py stays about writes and posting reads.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from stellenatlas.domain.models import Contract, PostingStatus, Remote, WorkingTime
from stellenatlas.store.filters import PUBLISHED, _filtered
from stellenatlas.store.schema import posting_places, postings

# Education levels as stored (normalize.attributes.education), highest first; "" = not stated.
EDUCATION_LEVELS = ("studium", "ausbildung", "keine", "")

SOURCE_LABELS = {"sample": "Beispieldaten (generiert)", "ba": "Bundesagentur für Arbeit – Jobsuche"}


class PageQueries:
    engine: Engine

    def source_counts(self) -> list[dict[str, Any]]:
        """Postings per source: total, active, newest posting date."""
        active = func.sum(func.cast(postings.c.status == PostingStatus.ACTIVE.value, postings.c.id.type))
        stmt = select(postings.c.source, func.count(), active, func.max(postings.c.posted_at)).group_by(
            postings.c.source
        )
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        return [
            {
                "source": s,
                "label": SOURCE_LABELS.get(s, s),
                "total": int(n),
                "active": int(a or 0),
                "latest": latest.date().isoformat()
                if latest is not None and hasattr(latest, "date")
                else latest,
            }
            for s, n, a, latest in sorted(rows)
        ]

    def source_summary(self) -> dict[str, Any]:
        """The basis line under every figure: which sources the numbers come from."""
        sources = self.source_counts()
        label = ", ".join(s["label"] for s in sources) or "keine Daten"
        return {"label": label, "sources": sources}

    def attribute_counts(
        self,
        kldb_prefix: str | None,
        ags: Sequence[str] | None,
        *,
        since: datetime | None = None,
        top_skills: int = 12,
    ) -> dict[str, Any]:
        """Shares of remote/hybrid, part-time, fixed-term, education levels, career changers and skills among
        published, non-duplicate postings."""
        stmt = _filtered(
            select(
                postings.c.working_time,
                postings.c.remote,
                postings.c.contract,
                postings.c.skills,
                postings.c.education,
                postings.c.career_changer,
            ),
            kldb_prefix,
            ags,
            PUBLISHED,
            False,
            since=since,
        )
        n = remote = part = fixed = changer = 0
        skills: Counter[str] = Counter()
        education: Counter[str] = Counter()
        with self.engine.connect() as conn:
            for wt, rm, ct, sk, edu, cc in conn.execute(stmt):
                n += 1
                remote += rm in (Remote.HYBRID.value, Remote.REMOTE.value)
                part += wt in (WorkingTime.PART_TIME.value, WorkingTime.MINIJOB.value)
                fixed += ct == Contract.FIXED_TERM.value
                changer += bool(cc)
                education[edu or ""] += 1
                skills.update(set(json.loads(sk or "[]")))

        def share(k: int) -> float | None:
            return round(k / n, 4) if n else None

        return {
            "n": n,
            "remote_share": share(remote),
            "part_time_share": share(part),
            "fixed_term_share": share(fixed),
            "career_changer_count": changer,
            "career_changer_share": share(changer),
            "education": [
                {"level": level, "count": education[level], "share": share(education[level])}
                for level in EDUCATION_LEVELS
            ],
            "skills": [
                {"skill": s, "count": c, "share": share(c)} for s, c in skills.most_common(top_skills)
            ],
        }

    def kldb_place_counts(
        self, min_count: int = 1, *, since: datetime | None = None
    ) -> list[tuple[str, str, int]]:
        """(kldb, ags, n) for every occupation × municipality with at least `min_count` published postings
        since `since`."""
        n = func.count(postings.c.id)
        stmt = _filtered(
            select(postings.c.kldb, posting_places.c.ags, n).select_from(
                postings.join(posting_places, posting_places.c.posting_id == postings.c.id)
            ),
            None,
            None,
            PUBLISHED,
            False,
            since=since,
        )
        stmt = (
            stmt.where(postings.c.kldb != "")
            .group_by(postings.c.kldb, posting_places.c.ags)
            .having(n >= min_count)
        )
        with self.engine.connect() as conn:
            return [(k, a, int(c)) for k, a, c in conn.execute(stmt)]

    def titles_for(self, kldb: str, limit: int = 500) -> list[str]:
        """Titles of the newest postings classified as `kldb`: they name the occupation as employers do."""
        stmt = (
            select(postings.c.title)
            .where(postings.c.kldb == kldb)
            .order_by(postings.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [t for (t,) in conn.execute(stmt)]
