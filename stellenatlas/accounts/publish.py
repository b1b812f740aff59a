"""Employer postings into the normal pipeline: normalize -> store -> search index, plus ownership and moderation.

This uses the same steps as `sources.ingest.ingest` (normalize, `Store.upsert_postings`, `index_postings`) but
writes the posting with its moderation status in the same upsert: going through `ingest` would store a new
posting as active first and hold it back a moment later, a window in which an unreviewed posting is public.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from stellenatlas.accounts.forms import JobForm
from stellenatlas.accounts.sanitize import clean_html, html_to_text
from stellenatlas.domain import Posting, PostingStatus, RawPosting, WorkingTime
from stellenatlas.moderation.risk import Risk, assess
from stellenatlas.normalize.pipeline import Rejected, normalize
from stellenatlas.search.base import SearchIndex
from stellenatlas.sources.ingest import index_postings
from stellenatlas.store.accounts_repo import AccountsRepo
from stellenatlas.store.repo import Store

log = logging.getLogger(__name__)
SOURCE = "arbeitgeber"
_WORKING_TIME_TEXT = {
    WorkingTime.FULL_TIME: "Vollzeit",
    WorkingTime.PART_TIME: "Teilzeit",
    WorkingTime.MINIJOB: "Minijob",
    WorkingTime.UNKNOWN: "",
}
_index_lock = threading.Lock()


@dataclass
class Published:
    posting_id: int
    status: PostingStatus
    risk: Risk


def description_parts(job: JobForm) -> tuple[str, str]:
    """(sanitized HTML, plain text) of the description; the plain text carries the contact line too."""
    cleaned = clean_html(job.description)
    plain = html_to_text(cleaned)
    if job.contact:
        plain += f"\n\nKontakt: {job.contact}"
    return cleaned, plain


def build_posting(
    job: JobForm, account: dict[str, Any], source_id: str, posted_at: datetime, today: date
) -> tuple[Posting, str, Risk]:
    """The normalized posting (status still ACTIVE), its sanitized HTML and its risk. Raises `Rejected`."""
    cleaned, plain = description_parts(job)
    raw = RawPosting(
        source=SOURCE,
        source_id=source_id,
        title=job.title,
        employer=account["company_name"],
        description=plain,
        location=job.location,
        salary_text=job.salary_text,
        working_time_text=_WORKING_TIME_TEXT[job.working_time],
        posted_at=posted_at,
        valid_through=job.valid_through,
    )
    posting = normalize(raw, today=today).posting
    # the employer stated these exactly; no need to re-parse them from text
    posting.salary = job.salary
    if job.working_time is not WorkingTime.UNKNOWN:
        posting.working_time = job.working_time
    monthly = job.salary.monthly_mid if job.salary else None
    risk = assess(job.title, plain, job.contact, monthly_pay=monthly)
    return posting, cleaned, risk


def reindex(index_of: Callable[[], SearchIndex], store: Store, ids: Sequence[int]) -> bool:
    """Bring the search index in line with the store for `ids`; the writer lock is released right after,
    because the ingest CLI needs it too. Retries while another process holds the lock."""
    with _index_lock:
        for attempt in range(5):
            index = index_of()
            try:
                index_postings(index, store.get_postings(list(ids)))
                index.commit()
                close = getattr(index, "close_writer", None)
                if close is not None:
                    close()
                return True
            except (ValueError, OSError, RuntimeError) as exc:  # tantivy: lock held by another writer
                log.warning("search index busy (attempt %d): %s", attempt + 1, exc)
                time.sleep(0.2 * (attempt + 1))
    log.error("search index not updated for postings %s; run `stellenatlas index rebuild`", list(ids))
    return False


def save_job(
    job: JobForm,
    account: dict[str, Any],
    *,
    store: Store,
    repo: AccountsRepo,
    index_of: Callable[[], SearchIndex],
    existing: Posting | None = None,
    now: datetime | None = None,
) -> Published:
    """Create (existing=None) or update an employer posting. The caller has checked ownership of `existing`.

    Status: a trusted employer's posting goes live unless its risk forces a review; an untrusted employer's
    new or edited posting waits for review. A posting already waiting stays waiting (the store keeps moderation
    states on update)."""
    now = now or datetime.now(UTC)
    source_id = existing.source_id if existing else f"{account['id']}-{secrets.token_hex(8)}"
    posted_at = existing.posted_at if existing and existing.posted_at else now
    posting, cleaned, risk = build_posting(job, account, source_id, posted_at, now.date())
    trusted = account.get("approved_at") is not None
    posting.status = PostingStatus.ACTIVE if trusted and not risk.needs_review else PostingStatus.PENDING
    result = store.upsert_postings([posting], now=now)
    posting_id = result.ids[0]
    repo.link_posting(
        posting_id,
        account["id"],
        description_html=cleaned,
        form=job.fields,
        risk_score=risk.score,
        risk_reasons=[asdict(r) for r in risk.reasons],
        now=now,
    )
    if result.changed_ids:
        reindex(index_of, store, result.changed_ids)
    stored = store.get_posting(posting_id)
    return Published(posting_id, stored.status if stored else posting.status, risk)


__all__ = ["Published", "Rejected", "build_posting", "description_parts", "reindex", "save_job"]
