"""Import one feed file: parse and check everything first, then ingest in a single transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from stellenatlas.search.base import SearchIndex
from stellenatlas.sources.feeds.parse import (
    DEFAULT_MAX_ERROR_SHARE,
    MAX_FILE_BYTES,
    FeedError,
    FeedResult,
    parse_feed,
    source_name,
)
from stellenatlas.sources.ingest import IngestReport, ingest
from stellenatlas.store.repo import Store


def read_limited(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise FeedError(f"{path.name}: {size} Bytes, erlaubt sind {max_bytes} / file too large")
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)  # the file may grow between stat and read
    if len(data) > max_bytes:
        raise FeedError(f"{path.name}: größer als {max_bytes} Bytes / file too large")
    return data


def import_feed(
    path: Path,
    store: Store,
    index: SearchIndex | None,
    *,
    name: str | None = None,
    fmt: str | None = None,
    full_sync: bool = True,
    max_error_share: float = DEFAULT_MAX_ERROR_SHARE,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    page_min_sample: int | None = None,
) -> tuple[FeedResult, IngestReport]:
    """A feed file is a snapshot of its feed: with `full_sync`, postings of this feed missing from it expire.

    Raises FeedError before touching the store when the file is unusable."""
    data = read_limited(path)
    source = source_name(name or path.stem)
    parsed = parse_feed(data, name=source, fmt=fmt, filename=path.name, max_error_share=max_error_share)
    # one batch = one transaction in the store: the file goes in completely or not at all
    report = ingest(
        parsed.postings,
        store,
        index,
        source=source,
        full_sync=False,
        batch_size=max(1, len(parsed.postings)),
        now=now,
        progress=progress,
        page_min_sample=page_min_sample,
    )
    if full_sync:
        # rows that are broken this time still exist in the feed: they must not expire for absence
        present = {p.source_id for p in parsed.postings} | {e.source_id for e in parsed.errors if e.source_id}
        gone = store.expire_missing(source, present, now)
        report.expired += len(gone)
        if index is not None and gone:
            index.delete(gone)
            index.commit()
    return parsed, report
