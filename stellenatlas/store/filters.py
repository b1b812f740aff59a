"""WHERE clauses shared by the store's queries: occupation prefix, places, status, duplicates, time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select

from stellenatlas.domain.models import PostingStatus
from stellenatlas.store.mapping import utc
from stellenatlas.store.schema import posting_places, postings

# Statuses a visitor may see in statistics: live and past postings, not those held or refused by moderation.
PUBLISHED: tuple[str, ...] = (PostingStatus.ACTIVE.value, PostingStatus.EXPIRED.value)

StatusFilter = str | Sequence[str] | None
_S = TypeVar("_S", bound="Select[*tuple[Any, ...]]")


def _kldb_clause(prefix: str | None) -> ColumnElement[bool] | None:
    if not prefix:
        return None
    if not prefix.isdigit() or len(prefix) > 5:
        raise ValueError(f"kldb prefix must be 1-5 digits, got {prefix!r}")
    if len(prefix) == 5:
        return postings.c.kldb == prefix
    # a range on the indexed column instead of LIKE: codes are fixed-width digits, so this is exact
    return postings.c.kldb.between(prefix.ljust(5, "0"), prefix.ljust(5, "9"))


def _ags_clause(ags: Sequence[str] | None) -> ColumnElement[bool] | None:
    """Postings at any of the places. Entries shorter than 8 digits are prefixes: "05513" = Kreis, "05" = Land."""
    if ags is None:
        return None
    if isinstance(ags, str):
        ags = [ags]
    full = [a for a in ags if len(a) == 8]
    parts: list[ColumnElement[bool]] = []
    if full:
        parts.append(posting_places.c.ags.in_(full))
    for prefix in (a for a in ags if 0 < len(a) < 8):
        parts.append(posting_places.c.ags.between(prefix.ljust(8, "0"), prefix.ljust(8, "9")))
    if not parts:
        return false()
    return postings.c.id.in_(select(posting_places.c.posting_id).where(or_(*parts)))


def _status_clause(status: StatusFilter) -> ColumnElement[bool] | None:
    if status is None:
        return None
    if isinstance(status, str):
        return postings.c.status == str(status)
    return postings.c.status.in_([str(s) for s in status])


def _filtered(
    stmt: _S,
    kldb_prefix: str | None,
    ags: Sequence[str] | None,
    status: StatusFilter,
    include_duplicates: bool,
    source: str | None = None,
    since: datetime | None = None,
) -> _S:
    clauses = [_kldb_clause(kldb_prefix), _ags_clause(ags), _status_clause(status)]
    if not include_duplicates:
        clauses.append(postings.c.duplicate_of.is_(None))
    if source is not None:
        clauses.append(postings.c.source == source)
    if since is not None:
        clauses.append(func.coalesce(postings.c.posted_at, postings.c.first_seen_at) >= utc(since))
    conditions = [c for c in clauses if c is not None]
    return stmt.where(and_(*conditions)) if conditions else stmt
