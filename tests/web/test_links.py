"""Dead-link crawl: every internal link a visitor can follow from the start, a job page, an occupation × city page,
the employer and the alert pages answers without 404 or 500."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from fastapi.testclient import TestClient

START_PAGES = (
    "/",
    "/beruf/it-projektkoordinator/gelsenkirchen",
    "/arbeitgeber",
    "/arbeitgeber/registrieren",
    "/arbeitgeber/anmelden",
    "/alarm",
    "/alarm/meine-daten",
    "/datenquellen",
    "/api",
)
MAX_PAGES = 300
# paths that only accept POST (links to them would be a bug of their own, so they are never followed)
POST_ONLY = re.compile(r"^/(arbeitgeber/abmelden|jobs/\d+/melden|alarm/abmelden-1klick/)")
# per-page links that only vary a query (pagination, facets, sorting): a few samples are enough
QUERY_SAMPLES_PER_PATH = 8


class LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "link": "href", "script": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value:
                self.links.append(value)


def internal_links(base: str, html: str, own_hosts: tuple[str, ...] = ("testserver",)) -> list[str]:
    """Paths (with query) of the links on a page that point to this site: relative ones and absolute ones on
    `own_hosts` (canonical links and breadcrumbs carry the configured base_url)."""
    parser = LinkParser()
    parser.feed(html)
    found = []
    for href in parser.links:
        url = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc not in ("", *own_hosts):
            continue  # external: Originalanzeige, licences
        if parts.scheme not in ("", "http", "https"):
            continue  # mailto:, tel:
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def test_no_dead_internal_links(client: TestClient) -> None:
    own_hosts = ("testserver", urlsplit(client.app.state.ctx.settings.base_url).netloc)  # type: ignore[attr-defined]
    first_job = re.search(r'href="(/jobs/\d+)"', client.get("/suche?q=Pflege").text)
    assert first_job, "the search lists no job to start the crawl from"
    queue = deque([*START_PAGES, first_job.group(1)])
    seen: set[str] = set(queue)
    per_path: dict[str, int] = {}
    referrers: dict[str, str] = {}
    broken: list[tuple[str, int, str]] = []
    crawled = 0
    while queue and crawled < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, follow_redirects=True)
        crawled += 1
        if response.status_code == 404 or response.status_code >= 500:
            broken.append((url, response.status_code, referrers.get(url, "")))
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        for link in internal_links("http://testserver" + url, response.text, own_hosts):
            path = link.split("?")[0]
            if link in seen or POST_ONLY.match(path) or path.startswith("/static/"):
                continue
            if "?" in link:
                per_path[path] = per_path.get(path, 0) + 1
                if per_path[path] > QUERY_SAMPLES_PER_PATH:
                    continue
            seen.add(link)
            referrers.setdefault(link, url)
            queue.append(link)
    assert not broken, f"dead internal links (url, status, found on): {broken}"
    assert crawled >= 100, f"the crawl reached only {crawled} pages: links are missing or not parsed"


def test_static_assets_referenced_by_pages_exist(client: TestClient) -> None:
    html = client.get("/").text
    assets = [link for link in internal_links("http://testserver/", html) if link.startswith("/static/")]
    assert assets, "the start page references no stylesheet or script"
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
