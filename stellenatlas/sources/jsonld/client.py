"""Career-page crawler: fetch pages (given, or listed in a sitemap), honour robots.txt, extract JobPostings.

robots.txt follows RFC 9309 via protego: 2xx → parse; 4xx (incl. 404) → everything allowed; 5xx or no
answer → everything disallowed (the site is "unreachable", §2.3.1.4); redirects are followed (≤ 5 hops by
the HTTP client); at most 500 KiB are read. A Crawl-delay raises the per-host pause of the HTTP client.
All fetching goes through `stellenatlas.sources.http`, so SSRF rules and size/time limits apply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from defusedxml import ElementTree as SafeET
from protego import Protego

from stellenatlas.domain import RawPosting
from stellenatlas.sources.http import FetchError, HttpClient, HTTPStatusError
from stellenatlas.sources.jsonld.parse import parse_page

log = logging.getLogger(__name__)

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 §2.5: parse at least 500 KiB
PAGE_MAX_BYTES = 5 * 1024 * 1024
SITEMAP_MAX_BYTES = 20 * 1024 * 1024
ROBOTS_AGENT = "stellenatlas"
MAX_SITEMAP_DEPTH = 3


@dataclass
class CrawlStats:
    pages: int = 0
    postings: int = 0
    disallowed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.pages} Seiten gelesen, {self.postings} Stellen gefunden, "
            f"{len(self.disallowed)} durch robots.txt gesperrt, {len(self.errors)} Fehler"
        )
        if self.errors:
            text += "\n" + "\n".join(f"  - {e}" for e in self.errors[:20])
        return text


class _Robots:
    """robots.txt per origin, fetched once per crawl."""

    def __init__(self, http: HttpClient, agent: str) -> None:
        self.http = http
        self.agent = agent
        self._cache: dict[str, Protego | bool] = {}  # True = allow all, False = disallow all

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._cache:
            self._cache[origin] = self._load(origin, parts.hostname or "")
        rules = self._cache[origin]
        if isinstance(rules, bool):
            return rules
        return bool(rules.can_fetch(url, self.agent))

    def _load(self, origin: str, host: str) -> Protego | bool:
        try:
            resp = self.http.get(origin + "/robots.txt", max_bytes=ROBOTS_MAX_BYTES, raise_for_status=False)
        except FetchError as exc:
            log.warning("robots.txt von %s nicht erreichbar (%s): Seite wird nicht gecrawlt", origin, exc)
            return False
        if 400 <= resp.status < 500:
            return True
        if resp.status >= 500 or resp.status >= 300:
            return False
        rules = Protego.parse(resp.text())
        delay = rules.crawl_delay(self.agent)
        if delay:
            self.http.set_interval(host.lower(), min(float(delay), 60.0))
        return rules


def sitemap_urls(http: HttpClient, sitemap_url: str, *, limit: int = 10_000, depth: int = 0) -> list[str]:
    """Page URLs of a sitemap (or sitemap index, followed up to 3 levels), parsed with defusedxml."""
    resp = http.get(sitemap_url, max_bytes=SITEMAP_MAX_BYTES)
    try:
        root = SafeET.fromstring(resp.content)
    except Exception as exc:  # defusedxml raises ParseError or its own DTD/entity errors
        raise FetchError(
            f"Sitemap {sitemap_url} ist kein gültiges XML ({exc})",
            f"sitemap {sitemap_url} is not valid XML ({exc})",
            url=sitemap_url,
        ) from None
    tag = root.tag.rsplit("}", 1)[-1]
    locs = [
        (el.text or "").strip()
        for el in root.iter()
        if el.tag.rsplit("}", 1)[-1] == "loc" and (el.text or "").strip()
    ]
    locs = [urljoin(sitemap_url, loc) for loc in locs]
    if tag == "sitemapindex":
        if depth >= MAX_SITEMAP_DEPTH:
            return []
        out: list[str] = []
        for child in locs:
            if len(out) >= limit:
                break
            out += sitemap_urls(http, child, limit=limit - len(out), depth=depth + 1)
        return out[:limit]
    return locs[:limit]


class JsonLdCrawler:
    def __init__(self, http: HttpClient | None = None, *, agent: str = ROBOTS_AGENT) -> None:
        self.http = http or HttpClient()
        self.robots = _Robots(self.http, agent)
        self.stats = CrawlStats()

    def crawl(
        self,
        urls: Iterable[str] = (),
        *,
        sitemap: str | None = None,
        max_pages: int = 1000,
        url_filter: Callable[[str], bool] | None = None,
        on_page: Callable[[], None] | None = None,
    ) -> Iterator[RawPosting]:
        """Yield the JobPostings of every allowed page; failures are collected in `stats.errors`."""
        self.stats = CrawlStats()
        targets = list(dict.fromkeys(urls))
        if sitemap:
            try:
                if self.robots.allowed(sitemap):
                    targets += sitemap_urls(self.http, sitemap, limit=max_pages)
                else:
                    self.stats.disallowed.append(sitemap)
            except FetchError as exc:
                self.stats.errors.append(str(exc))
        if url_filter is not None:
            targets = [u for u in targets if url_filter(u)]
        seen_ids: set[str] = set()
        for url in list(dict.fromkeys(targets))[:max_pages]:
            if on_page:
                on_page()
            try:
                if not self.robots.allowed(url):
                    self.stats.disallowed.append(url)
                    continue
                resp = self.http.get(url, max_bytes=PAGE_MAX_BYTES, headers={"Accept": "text/html,*/*;q=0.5"})
            except HTTPStatusError as exc:
                self.stats.errors.append(str(exc))
                continue
            except FetchError as exc:
                self.stats.errors.append(str(exc))
                continue
            self.stats.pages += 1
            page = parse_page(resp.text(), resp.url)
            self.stats.errors += page.errors
            for raw in page.postings:
                if raw.source_id in seen_ids:  # a listing page and a detail page often show the same job
                    continue
                seen_ids.add(raw.source_id)
                self.stats.postings += 1
                yield raw
