"""The one module for all outbound HTTP of stellenatlas.

Every source fetches through `HttpClient` so that the safety rules hold everywhere:

- SSRF protection: the host is resolved first and every address must be public; loopback, private,
  link-local, multicast, reserved and unspecified addresses are refused unless an explicit allow-list
  (tests only) permits them. The connection then goes to the checked IP (the hostname is kept for the
  Host header and TLS SNI/certificate check), so a DNS answer cannot change between check and connect.
  Redirects are followed by hand, each hop re-checked, with a hop limit.
- limits: connect/read timeouts plus a total deadline per request, and a byte limit enforced while
  streaming (a body is aborted as soon as it passes the limit, whatever Content-Length claims).
- politeness: a User-Agent naming stellenatlas, a minimum interval between requests to the same host,
  retries with exponential backoff and jitter on 429/5xx and transport errors, honouring Retry-After.

Error messages are German first, then English, because the CLI shows them to operators of either kind.
"""

from __future__ import annotations

import ipaddress
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import httpx

USER_AGENT = "stellenatlas/0.1 (+https://github.com/stellenatlas/stellenatlas; offener Stellenmarkt)"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]


class FetchError(Exception):
    """Base of every outbound-HTTP failure; `str()` is a German + English message."""

    def __init__(self, de: str, en: str, *, url: str = "") -> None:
        self.de = de
        self.en = en
        self.url = url
        super().__init__(f"{de} / {en}")


class BlockedAddressError(FetchError):
    """The target resolves to an address that must not be contacted (SSRF protection)."""


class InvalidURLError(FetchError):
    """Not an http(s) URL with a host."""


class TooManyRedirectsError(FetchError):
    pass


class ResponseTooLargeError(FetchError):
    pass


class FetchTimeoutError(FetchError):
    pass


class TransportError(FetchError):
    """Connection refused, reset, DNS failure, TLS error …"""


class HTTPStatusError(FetchError):
    """The final response had an error status (after retries for 429/5xx)."""

    def __init__(self, response: Response) -> None:
        self.response = response
        self.status = response.status
        super().__init__(
            f"HTTP {response.status} von {response.url}",
            f"HTTP {response.status} from {response.url}",
            url=response.url,
        )


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # final URL after redirects (hostname form, not the pinned IP)
    status: int
    headers: httpx.Headers
    content: bytes
    attempts: int = 1
    redirects: tuple[str, ...] = ()

    @property
    def charset(self) -> str | None:
        ctype = self.headers.get("content-type", "")
        for part in ctype.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                return value.strip("\"' ")
        return None

    def text(self) -> str:
        """Decode with the declared charset, else UTF-8, else cp1252 (old German sites)."""
        for enc in (self.charset, "utf-8"):
            if not enc:
                continue
            try:
                return self.content.decode(enc)
            except (LookupError, UnicodeDecodeError):
                continue
        return self.content.decode("cp1252", errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.content)
        except ValueError as exc:
            raise FetchError(
                f"Antwort von {self.url} ist kein gültiges JSON: {exc}",
                f"response from {self.url} is not valid JSON: {exc}",
                url=self.url,
            ) from None


def _system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _unmapped(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_public_address(ip: IPAddress) -> bool:
    ip = _unmapped(ip)
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or (isinstance(ip, ipaddress.IPv6Address) and (ip.is_site_local or ip.sixtofour is not None))
        # shared address space (carrier-grade NAT) is not "private" in ipaddress, but not public either
        or (isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network("100.64.0.0/10"))
    )


@dataclass
class HostGate:
    """Minimum interval between two requests to one host (thread-safe)."""

    default_interval: float = 1.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    intervals: dict[str, float] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, host: str) -> None:
        with self._lock:
            interval = self.intervals.get(host, self.default_interval)
            last = self._last.get(host)
            now = self.clock()
            delay = 0.0 if last is None else max(0.0, last + interval - now)
            self._last[host] = now + delay
        if delay > 0:
            self.sleep(delay)


class HttpClient:
    """GET with SSRF checks, limits, retries and per-host politeness. Reuse one client per run."""

    def __init__(
        self,
        *,
        user_agent: str = USER_AGENT,
        headers: Mapping[str, str] | None = None,
        timeout: float = 20.0,
        total_timeout: float = 120.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 5,
        retries: int = 4,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        max_retry_after: float = 300.0,
        min_interval: float = 1.0,
        allow_networks: Iterable[str] = (),
        resolver: Resolver | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        verify: bool = True,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_retry_after = max_retry_after
        self.total_timeout = total_timeout
        # Tests allow 127.0.0.1/32 here; production leaves it empty.
        self.allow_networks: tuple[IPNetwork, ...] = tuple(
            ipaddress.ip_network(n, strict=False) for n in allow_networks
        )
        self._resolve = resolver or _system_resolver
        self._sleep = sleep
        self._clock = clock
        self.gate = HostGate(default_interval=min_interval, clock=clock, sleep=sleep)
        self.headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"}
        self.headers.update(headers or {})
        # trust_env=False: an environment proxy would connect on our behalf and bypass the address check.
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            trust_env=False,
            verify=verify,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_interval(self, host: str, seconds: float) -> None:
        """Per-host politeness, e.g. a robots.txt Crawl-delay."""
        self.gate.intervals[host.lower()] = max(seconds, self.gate.intervals.get(host.lower(), 0.0))

    # ------------------------------------------------------------------ address checks

    def check_url(self, url: str) -> tuple[httpx.URL, str]:
        """Validate `url` and resolve its host; returns the URL and the checked IP to connect to.

        Raises before any connection is attempted, so refused targets never see a packet."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise InvalidURLError(
                f"Ungültige URL {url!r}: {exc}", f"invalid URL {url!r}: {exc}", url=url
            ) from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise InvalidURLError(
                f"Nur http(s)-URLs mit Host sind erlaubt: {url!r}",
                f"only http(s) URLs with a host are allowed: {url!r}",
                url=url,
            )
        if parsed.userinfo:
            raise InvalidURLError(
                f"URLs mit Zugangsdaten werden nicht abgerufen: {parsed.host}",
                f"URLs with credentials are not fetched: {parsed.host}",
                url=url,
            )
        host = parsed.host
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                addresses = [ipaddress.ip_address(a.split("%")[0]) for a in self._resolve(host, port)]
            except (OSError, UnicodeError) as exc:
                raise TransportError(
                    f"Hostname {host} konnte nicht aufgelöst werden: {exc}",
                    f"could not resolve host {host}: {exc}",
                    url=url,
                ) from None
        if not addresses:
            raise TransportError(f"Hostname {host} hat keine Adresse", f"host {host} has no address", url=url)
        # every address must pass: otherwise an attacker's DNS could mix a public and a private answer
        for ip in addresses:
            if not self._allowed(ip):
                raise BlockedAddressError(
                    f"Ziel {host} ({ip}) ist eine interne/nicht öffentliche Adresse und wird nicht abgerufen",
                    f"target {host} ({ip}) is an internal/non-public address and is not fetched",
                    url=url,
                )
        return parsed, str(addresses[0])

    def _allowed(self, ip: IPAddress) -> bool:
        if any(_unmapped(ip) in net for net in self.allow_networks if net.version == _unmapped(ip).version):
            return True
        return is_public_address(ip)

    # ------------------------------------------------------------------ requests

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        max_bytes: int | None = None,
        raise_for_status: bool = True,
        retry_statuses: frozenset[int] = RETRY_STATUSES,
    ) -> Response:
        """GET `url`, following checked redirects, retrying 429/5xx/transport errors with backoff."""
        if params:
            url = str(httpx.URL(url).copy_merge_params({k: str(v) for k, v in params.items()}))
        limit = self.max_bytes if max_bytes is None else max_bytes
        attempt = 0
        while True:
            attempt += 1
            try:
                resp = self._follow(url, headers or {}, limit, attempt)
            except (TransportError, FetchTimeoutError):
                if attempt > self.retries:
                    raise
                self._sleep(self._backoff(attempt))
                continue
            if resp.status in retry_statuses and attempt <= self.retries:
                wait = self._retry_after(resp)
                if wait is not None and wait > self.max_retry_after:
                    break  # the server asks for a pause longer than we are willing to wait
                self._sleep(wait if wait is not None else self._backoff(attempt))
                continue
            break
        if raise_for_status and resp.status >= 400:
            raise HTTPStatusError(resp)
        return resp

    def _backoff(self, attempt: int) -> float:
        # full jitter: parallel clients that failed together do not retry together
        cap = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return random.uniform(cap / 2, cap)

    def _retry_after(self, resp: Response) -> float | None:
        value = resp.headers.get("retry-after", "").strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())

    def _follow(self, url: str, headers: Mapping[str, str], limit: int, attempt: int) -> Response:
        hops: list[str] = []
        current = url
        while True:
            resp = self._fetch_once(current, headers, limit)
            location = resp.headers.get("location")
            if resp.status not in REDIRECT_STATUSES or not location:
                return Response(
                    url=current,
                    status=resp.status,
                    headers=resp.headers,
                    content=resp.content,
                    attempts=attempt,
                    redirects=tuple(hops),
                )
            if len(hops) >= self.max_redirects:
                raise TooManyRedirectsError(
                    f"Mehr als {self.max_redirects} Weiterleitungen ab {url}",
                    f"more than {self.max_redirects} redirects from {url}",
                    url=url,
                )
            hops.append(current)
            current = urljoin(current, location)

    def _fetch_once(self, url: str, headers: Mapping[str, str], limit: int) -> Response:
        parsed, ip = self.check_url(url)
        host = parsed.host
        self.gate.wait(host.lower())
        pinned = parsed.copy_with(host=ip)
        default_port = 443 if parsed.scheme == "https" else 80
        host_header = host if parsed.port in (None, default_port) else f"{host}:{parsed.port}"
        if ":" in host and not host.startswith("["):
            host_header = f"[{host}]" if parsed.port in (None, default_port) else f"[{host}]:{parsed.port}"
        req_headers = {**self.headers, **headers, "Host": host_header}
        started = self._clock()
        try:
            with self._client.stream(
                "GET", pinned, headers=req_headers, extensions={"sni_hostname": host}
            ) as resp:
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise self._too_large(url, limit)
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)  # decoded bytes: a gzip bomb hits the limit too
                    if size > limit:
                        raise self._too_large(url, limit)
                    if self._clock() - started > self.total_timeout:
                        raise FetchTimeoutError(
                            f"Abruf von {url} dauerte länger als {self.total_timeout:.0f} s",
                            f"fetching {url} took longer than {self.total_timeout:.0f} s",
                            url=url,
                        )
                    chunks.append(chunk)
                return Response(
                    url=url, status=resp.status_code, headers=resp.headers, content=b"".join(chunks)
                )
        except httpx.TimeoutException as exc:
            raise FetchTimeoutError(
                f"Zeitüberschreitung beim Abruf von {url}: {exc!r}",
                f"timeout fetching {url}: {exc!r}",
                url=url,
            ) from None
        except httpx.HTTPError as exc:
            raise TransportError(
                f"Verbindungsfehler beim Abruf von {url}: {exc!r}",
                f"connection error fetching {url}: {exc!r}",
                url=url,
            ) from None

    @staticmethod
    def _too_large(url: str, limit: int) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"Antwort von {url} ist größer als {limit} Bytes, Abruf abgebrochen",
            f"response from {url} exceeds {limit} bytes, download aborted",
            url=url,
        )
