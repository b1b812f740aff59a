"""BA sync: search → details → the shared ingest runner, plus the BA-specific expiry rules.

- incremental (`veroeffentlichtseit`): only recent postings are fetched; nothing is expired for absence.
- full (`full_sync=True`): postings of source "ba" not seen are expired, but only when the sweep was
  complete (no `max_results` cut, no part over the 10,000 window, ≥ 99 % of the counted hits seen).
- a details 404 with STELLENANGEBOT_NICHT_GEFUNDEN expires that posting at once, in either mode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from stellenatlas.domain import PostingStatus, RawPosting
from stellenatlas.search.base import SearchIndex
from stellenatlas.sources.ba.client import BaClient, BaQuery, SweepStats
from stellenatlas.sources.ba.parse import SOURCE
from stellenatlas.sources.ingest import IngestReport, ingest
from stellenatlas.store.repo import Store


@dataclass
class BaSyncResult:
    report: IngestReport
    stats: SweepStats
    expired_gone: int = 0
    expired_missing: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [self.report.summary()]
        lines.append(
            f"BA: {self.stats.reported_total} Treffer gemeldet, {self.stats.unique} verschiedene gelesen, "
            f"{self.stats.requests} Anfragen; {self.expired_gone} zurückgezogen (404), "
            f"{self.expired_missing} nicht mehr gelistet"
        )
        lines += self.notes
        return "\n".join(lines)


def sync_ba(
    client: BaClient,
    store: Store,
    index: SearchIndex | None,
    query: BaQuery,
    *,
    full_sync: bool = False,
    with_details: bool = True,
    max_results: int | None = None,
    now: datetime | None = None,
    progress: Callable[[], None] | None = None,
    page_min_sample: int | None = None,
) -> BaSyncResult:
    now = now or datetime.now(UTC)
    seen: set[str] = set()

    def raws() -> Iterator[RawPosting]:
        for raw in client.fetch(query, with_details=with_details, max_results=max_results, on_item=progress):
            seen.add(raw.source_id)
            yield raw

    # expiry for absence is decided here, after the sweep, because only then is completeness known
    report = ingest(
        raws(), store, index, source=SOURCE, full_sync=False, now=now, page_min_sample=page_min_sample
    )
    result = BaSyncResult(report=report, stats=client.stats)

    expired_ids: list[int] = []
    for refnr in client.stats.gone:
        posting = store.get_by_source(SOURCE, refnr)
        if posting is not None and posting.id is not None and posting.status is PostingStatus.ACTIVE:
            store.set_status(posting.id, PostingStatus.EXPIRED, now)
            expired_ids.append(posting.id)
    result.expired_gone = len(expired_ids)

    if full_sync:
        if query.veroeffentlichtseit is not None:
            result.notes.append(
                "Hinweis: mit --seit ist der Abgleich inkrementell; nichts wurde wegen Fehlens beendet."
            )
        elif not client.stats.complete:
            result.notes.append(
                "Hinweis: Abruf unvollständig (Limit oder 10.000er-Fenster); "
                "nicht gelistete Stellen wurden NICHT als abgelaufen markiert."
            )
        else:
            missing = store.expire_missing(SOURCE, seen | set(client.stats.gone), now)
            result.expired_missing = len(missing)
            expired_ids += missing
    if client.stats.detail_errors:
        result.notes.append(f"Hinweis: {client.stats.detail_errors} Detailseiten nicht abrufbar.")
    report.expired += len(expired_ids)
    if index is not None and expired_ids:
        index.delete(expired_ids)
        index.commit()
    return result
