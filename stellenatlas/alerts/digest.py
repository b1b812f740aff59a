"""Pure digest logic: when an alert is due, which postings are new for it, what the digest lists.

Time model: an alert's window runs from its last run (`last_run_at`) to the run's `now`. Before the first run
the window starts one period before the confirmation, so the first digest shows the last day's (or week's)
matching postings instead of waiting a full period with nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

PERIODS: dict[str, timedelta] = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
# A cron job fires a few seconds or minutes early or late; without slack a "daily" alert run every 24 h at
# 07:00 would skip every other day whenever the previous run finished a bit later than this one starts.
DUE_SLACK = timedelta(hours=1)
MAX_DIGEST_ITEMS = 50  # a longer mail is unreadable; the digest links to the full search for the rest


def is_due(frequency: str, last_run_at: datetime | None, now: datetime) -> bool:
    """True when a confirmed alert should run at `now` (never run, or its period is over)."""
    if last_run_at is None:
        return True
    return now - last_run_at >= PERIODS[frequency] - DUE_SLACK


def window_start(frequency: str, last_run_at: datetime | None, confirmed_at: datetime) -> datetime:
    return last_run_at if last_run_at is not None else confirmed_at - PERIODS[frequency]


@dataclass(frozen=True, slots=True)
class Seen:
    """When a posting became known: its publication date (if any) and when the store first saw it."""

    posted_at: datetime | None
    first_seen_at: datetime


def is_new(seen: Seen, start: datetime, end: datetime) -> bool:
    """New in the window (start, end]: published or first seen in it.

    Both dates count because a source may deliver a posting days after its publication date (new to us) or
    publish one we already had under an earlier date (re-dated: new to the reader). Postings first seen after
    `end` belong to the next window, so a run with an explicit `--now` in the past does not reach ahead.
    """
    if seen.first_seen_at > end:
        return False
    if seen.first_seen_at > start:
        return True
    return seen.posted_at is not None and start < seen.posted_at <= end


def select_new(
    ranked_ids: Iterable[int],
    seen: Mapping[int, Seen],
    already_sent: set[int],
    start: datetime,
    end: datetime,
    limit: int = MAX_DIGEST_ITEMS,
) -> tuple[list[int], int]:
    """The ids (in search order) to put into the digest, and how many more new ones did not fit."""
    fresh = [
        pid
        for pid in dict.fromkeys(ranked_ids)
        if pid not in already_sent and pid in seen and is_new(seen[pid], start, end)
    ]
    return fresh[:limit], max(0, len(fresh) - limit)


@dataclass(frozen=True, slots=True)
class DigestItem:
    posting_id: int
    title: str
    employer: str
    place: str
    url: str  # absolute: base_url + /jobs/<id>
    posted_at: str  # "24.11.2026" or ""
