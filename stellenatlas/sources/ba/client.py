"""Client of the Bundesagentur für Arbeit Jobsuche API (search v6, details v4).

The API returns at most 10,000 hits per query (page × size ≤ 10,000). A query with more hits is split:
first by working time, then by offer type, then by contract duration, then by region (the places in the
response's facets, or the Länder when no place was given), until every part fits. Parts overlap (a job can
be full-time *and* home office), so results are de-duplicated by Referenznummer, and the sweep reports
whether it saw (nearly) everything the API counted — only then may a full sync expire postings.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from stellenatlas.domain import RawPosting
from stellenatlas.sources.ba.parse import SearchPage, facet_values, is_gone, refnr_of, search_page, to_raw
from stellenatlas.sources.http import FetchError, HttpClient, HTTPStatusError

log = logging.getLogger(__name__)

BASE_URL = "https://rest.arbeitsagentur.de/jobboerse/jobsuche-service"
API_KEY = "jobboerse-jobsuche"  # the public client id of the BA web app, documented, not a secret
SEARCH_PATH = "/pc/v6/jobs"
DETAILS_PATH = "/pc/v4/jobdetails/{code}"
MAX_SIZE = 100
MAX_WINDOW = 10_000
COMPLETE_SHARE = 0.99  # postings come and go during a long sweep; a 1 % gap still counts as complete

LAENDER = (
    "Baden-Württemberg",
    "Bayern",
    "Berlin",
    "Brandenburg",
    "Bremen",
    "Hamburg",
    "Hessen",
    "Mecklenburg-Vorpommern",
    "Niedersachsen",
    "Nordrhein-Westfalen",
    "Rheinland-Pfalz",
    "Saarland",
    "Sachsen",
    "Sachsen-Anhalt",
    "Schleswig-Holstein",
    "Thüringen",
)
# facet splits, in order; values as the search parameters spell them
SPLITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("arbeitszeit", ("vz", "tz", "snw", "ho", "mj")),
    ("angebotsart", ("1", "2", "4", "34")),
    ("befristung", ("1", "2")),
)


class BaError(FetchError):
    pass


class BaBlockedError(BaError):
    """403: the BA's edge blocks the caller's address range."""


@dataclass(frozen=True, slots=True)
class BaQuery:
    was: str = ""
    wo: str = ""
    umkreis: int | None = None
    angebotsart: str | None = None
    arbeitszeit: str | None = None
    befristung: str | None = None
    veroeffentlichtseit: int | None = None  # days; incremental sync

    def params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in (
            "was",
            "wo",
            "umkreis",
            "angebotsart",
            "arbeitszeit",
            "befristung",
            "veroeffentlichtseit",
        ):
            value = getattr(self, key)
            if value not in (None, ""):
                out[key] = str(value)
        return out


@dataclass
class SweepStats:
    reported_total: int = 0  # maxErgebnisse of the unsplit query
    unique: int = 0
    requests: int = 0
    truncated_parts: int = 0  # parts that still exceeded the window after every split
    stopped_at_max: bool = False
    gone: list[str] = field(default_factory=list)  # details said STELLENANGEBOT_NICHT_GEFUNDEN
    detail_errors: int = 0

    @property
    def complete(self) -> bool:
        if self.stopped_at_max or self.truncated_parts:
            return False
        return self.unique >= self.reported_total * COMPLETE_SHARE


def encode_refnr(refnr: str) -> str:
    return base64.b64encode(refnr.encode()).decode()


class BaClient:
    def __init__(
        self,
        http: HttpClient | None = None,
        *,
        base_url: str = BASE_URL,
        page_size: int = MAX_SIZE,
        max_window: int = MAX_WINDOW,
    ) -> None:
        self.http = http or HttpClient(min_interval=0.3)
        self.base_url = base_url.rstrip("/")
        self.page_size = max(1, min(page_size, MAX_SIZE))
        self.max_window = max_window
        self.headers = {"X-API-Key": API_KEY, "Accept": "application/json"}
        self.stats = SweepStats()

    # ------------------------------------------------------------------ raw calls

    def _get(self, path: str, params: dict[str, str] | None = None, *, raise_for_status: bool = True) -> Any:
        self.stats.requests += 1
        try:
            return self.http.get(
                self.base_url + path, params=params, headers=self.headers, raise_for_status=raise_for_status
            )
        except HTTPStatusError as exc:
            if exc.status == 403:
                raise BaBlockedError(
                    "Die BA-Jobsuche hat die Anfrage mit 403 abgewiesen. Die API sperrt viele Adressen von "
                    "Rechenzentren/Cloud-Anbietern; bitte von einem anderen Netz (z. B. Büro- oder "
                    "Heimanschluss) aus abrufen.",
                    "The BA Jobsuche API refused the request with 403. It blocks many data-centre/cloud "
                    "address ranges; run the import from another network (office or home connection).",
                    url=exc.url,
                ) from None
            raise

    def search_page(self, query: BaQuery, page: int) -> SearchPage:
        if page < 1 or page * self.page_size > self.max_window:
            raise ValueError(f"page {page} × size {self.page_size} outside the API window {self.max_window}")
        params = {**query.params(), "page": str(page), "size": str(self.page_size)}
        resp = self._get(SEARCH_PATH, params)
        return search_page(resp.json())

    def details(self, refnr: str) -> dict[str, Any] | None:
        """v4 details of one posting; None when the BA says it no longer exists."""
        resp = self._get(DETAILS_PATH.format(code=encode_refnr(refnr)), raise_for_status=False)
        if is_gone(resp.status, resp.content):
            return None
        if resp.status >= 400:
            raise HTTPStatusError(resp)
        data = resp.json()
        return data if isinstance(data, dict) else None

    # ------------------------------------------------------------------ sweeping

    def search(self, query: BaQuery, *, max_results: int | None = None) -> Iterator[dict[str, Any]]:
        """Every search item of `query`, each Referenznummer once, splitting the query where needed."""
        self.stats = SweepStats()
        seen: set[str] = set()
        first = self.search_page(query, 1)
        self.stats.reported_total = first.total
        for item in self._sweep(query, first, regions_done=False):
            refnr = refnr_of(item)
            if not refnr or refnr in seen:
                continue
            if max_results is not None and len(seen) >= max_results:
                self.stats.stopped_at_max = True
                return
            seen.add(refnr)
            self.stats.unique = len(seen)
            yield item

    def _sweep(self, query: BaQuery, first: SearchPage, *, regions_done: bool) -> Iterator[dict[str, Any]]:
        if first.total > self.max_window:
            parts = self._split(query, first, regions_done=regions_done)
            if parts is not None:
                sub_queries, regions_now = parts
                log.info(
                    "BA-Abfrage %s hat %d Treffer: aufgeteilt in %d Teile",
                    query,
                    first.total,
                    len(sub_queries),
                )
                for sub in sub_queries:
                    sub_first = self.search_page(sub, 1)
                    if sub_first.total:
                        yield from self._sweep(sub, sub_first, regions_done=regions_done or regions_now)
                return
            self.stats.truncated_parts += 1
            log.warning("BA-Abfrage %s: %d Treffer passen nicht ins Fenster", query, first.total)
        yield from first.items
        last_page = min(-(-first.total // self.page_size), self.max_window // self.page_size)
        page = 1
        items = first.items
        while page < last_page and len(items) >= self.page_size:
            page += 1
            items = self.search_page(query, page).items
            yield from items

    def _split(
        self, query: BaQuery, first: SearchPage, *, regions_done: bool
    ) -> tuple[list[BaQuery], bool] | None:
        for name, values in SPLITS:
            if getattr(query, name) is None:
                changes: list[dict[str, Any]] = [{name: v} for v in values]
                return [replace(query, **c) for c in changes], False
        if regions_done:
            return None
        places = [p for p in facet_values(first.payload, "arbeitsort") if p and p != query.wo]
        if places:
            # the facet lists places inside the original radius, so each can be asked for exactly
            return [replace(query, wo=p, umkreis=0) for p in places], True
        if not query.wo:
            return [replace(query, wo=land) for land in LAENDER], True
        return None

    def fetch(
        self,
        query: BaQuery,
        *,
        with_details: bool = True,
        max_results: int | None = None,
        on_item: Callable[[], None] | None = None,
    ) -> Iterator[RawPosting]:
        """Search, fetch details, yield RawPostings. Withdrawn postings end up in `stats.gone`."""
        for item in self.search(query, max_results=max_results):
            details: dict[str, Any] | None = None
            if with_details:
                refnr = refnr_of(item)
                try:
                    details = self.details(refnr)
                except BaBlockedError:
                    raise
                except FetchError as exc:
                    # one broken detail page must not stop the sweep: keep the search data
                    self.stats.detail_errors += 1
                    log.warning("BA-Details %s nicht abrufbar: %s", refnr, exc)
                    details = {}
                if details is None:
                    self.stats.gone.append(refnr)
                    if on_item:
                        on_item()
                    continue
            if on_item:
                on_item()
            yield to_raw(item, details or None)
