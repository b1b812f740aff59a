"""One ingest runner for every source: normalize, reject with reasons, upsert in batches, keep the index in sync.

Idempotent: a posting whose raw payload hash is unchanged is counted `unchanged` and touches nothing but its
last-seen timestamp. A batch is written in one transaction, so a failure loses nothing already stored.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from stellenatlas.domain import Posting, PostingStatus, RawPosting
from stellenatlas.insights.pages import page_list
from stellenatlas.insights.precompute import refresh_pages_for
from stellenatlas.normalize.occupation import prefetch_titles
from stellenatlas.normalize.pipeline import Rejected, normalize
from stellenatlas.refdata import places as refplaces
from stellenatlas.search.base import SearchIndex, doc_from_posting
from stellenatlas.store.dedup_run import DedupIndex, DedupReport, link_duplicates
from stellenatlas.store.repo import Store

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    source: str
    seen: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    expired: int = 0
    rejected: int = 0
    unresolved_places: int = 0
    duplicates_linked: int = 0
    pages_refreshed: int = 0
    unclassified: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        parts = [
            f"{self.seen} gelesen",
            f"{self.new} neu",
            f"{self.updated} aktualisiert",
            f"{self.unchanged} unverändert",
            f"{self.expired} abgelaufen",
            f"{self.rejected} abgelehnt",
        ]
        text = f"{self.source}: " + ", ".join(parts)
        if self.new or self.updated:
            text += (
                f" (davon neu/aktualisiert: {self.unclassified} ohne Berufszuordnung, "
                f"{self.unresolved_places} ohne Ortszuordnung)"
            )
        if self.duplicates_linked:
            text += f"; {self.duplicates_linked} als Dublette verknüpft"
        if self.reasons:
            text += "\nAblehnungsgründe: " + "; ".join(f"{r}: {n}" for r, n in self.reasons.most_common(10))
        return text


def index_postings(index: SearchIndex, postings: Iterable[Posting]) -> int:
    """(Re)index postings: open ones are added, all others only removed. Search shows each open job once, so a
    posting linked as the duplicate of another is removed too."""
    municipalities = refplaces.municipalities()
    postings = [p for p in postings if p.id is not None]
    shown = [p for p in postings if p.status is PostingStatus.ACTIVE and p.duplicate_of is None]
    shown_ids = {p.id for p in shown}
    index.delete(p.id for p in postings if p.id is not None and p.id not in shown_ids)
    return index.add(doc_from_posting(p, municipalities) for p in shown)


def ingest(
    raws: Iterable[RawPosting],
    store: Store,
    index: SearchIndex | None,
    *,
    source: str,
    full_sync: bool = False,
    batch_size: int = 2000,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    dedup: bool = True,
    page_min_sample: int | None = None,
) -> IngestReport:
    """Ingest `raws` from one source. With `full_sync` the run saw everything the source has, so active postings
    of that source that were not seen are marked expired (never deleted). With `dedup`, new and changed postings
    are checked against the active ones and near-duplicates linked (`duplicate_of`), not deleted. With
    `page_min_sample`, the precomputed occupation × city pages that the run touched and that are listed (have
    enough data) are recomputed, so their figures stay current without a full `insights refresh`."""
    now = now or datetime.now(UTC)
    report = IngestReport(source=source)
    seen_ids: set[str] = set()
    run_id = store.record_run(source=source, started_at=datetime.now(UTC))
    dedup_report = DedupReport()
    dedup_state: dict[str, DedupIndex | None] = {"index": None}
    touched_pages: set[tuple[str, str]] = set()

    def process(chunk: list[RawPosting]) -> None:
        hashes = {raw.source_id: raw.payload_hash() for raw in chunk}
        # unchanged payloads need no normalizing: only their last-seen time moves
        unchanged = store.unchanged_ids(source, hashes, now.date())
        store.touch(list(unchanged.values()), now)
        report.unchanged += len(unchanged)
        batch: list[Posting] = []
        # New titles reach the sentence encoder in one batch instead of one by one (about 5x cheaper per title).
        prefetch_titles(raw.title for raw in chunk if raw.source_id not in unchanged)
        for raw in chunk:
            if raw.source_id in unchanged:
                continue
            try:
                normalized = normalize(raw, today=now.date(), raw_hash=hashes[raw.source_id])
            except Rejected as exc:
                report.rejected += 1
                report.reasons[str(exc)] += 1
                store.record_rejection(
                    source=source,
                    source_id=raw.source_id,
                    reason=str(exc),
                    payload=f"{raw.title[:200]} | {raw.location[:100]}",
                    run_id=run_id,
                )
                continue
            posting = normalized.posting
            if not posting.kldb:
                report.unclassified += 1
            if normalized.place_status == "unresolved":
                report.unresolved_places += 1
            batch.append(posting)
        result = store.upsert_postings(batch, now=now)
        report.new += result.new
        report.updated += result.updated
        report.unchanged += result.unchanged
        touched = set(result.changed_ids)
        if dedup and result.changed_ids:
            if dedup_state["index"] is None:  # built once per run: it reads every active posting
                dedup_state["index"] = DedupIndex.from_store(store)
            before = len(dedup_report.changes)
            link_duplicates(store, result.changed_ids, dedup_state["index"], report=dedup_report)
            touched.update(pid for pid, _ in dedup_report.changes[before:])
        if touched and (index is not None or page_min_sample is not None):
            # re-read: the store's state (moderation status, duplicate links) is what the index must show
            stored = store.get_postings(sorted(touched))
            if index is not None:
                index_postings(index, stored)
            touched_pages.update((p.kldb, ags) for p in stored for ags in p.place_ags)
        if progress:
            progress(len(chunk))

    chunk: list[RawPosting] = []
    for raw in raws:
        report.seen += 1
        seen_ids.add(raw.source_id)
        chunk.append(raw)
        if len(chunk) >= batch_size:
            process(chunk)
            chunk = []
    if chunk:
        process(chunk)

    expired_ids: list[int] = []
    if full_sync:
        expired_ids += store.expire_missing(source, seen_ids, now)
    # a posting past its application deadline is no longer open, whichever source it came from
    expired_ids += store.expire_past_valid_through(now.date(), now)
    report.expired = len(expired_ids)
    report.duplicates_linked = dedup_report.linked
    if index is not None and expired_ids:
        index.delete(expired_ids)
    if page_min_sample is not None:
        if expired_ids:
            touched_pages.update((p.kldb, a) for p in store.get_postings(expired_ids) for a in p.place_ags)
        listed = {(p["kldb"], p["ags"]) for p in page_list(store)}
        report.pages_refreshed = refresh_pages_for(store, touched_pages & listed, min_sample=page_min_sample)
    if index is not None:
        index.commit()
    store.finish_run(
        run_id,
        finished_at=datetime.now(UTC),
        new=report.new,
        updated=report.updated,
        unchanged=report.unchanged,
        expired=report.expired,
        rejected=report.rejected,
        notes={"reasons": dict(report.reasons)},
    )
    log.info(report.summary())
    return report
