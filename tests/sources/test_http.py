"""The outbound HTTP client against a real local server: SSRF refusal, limits, retries, politeness."""

from __future__ import annotations

import gzip
from collections.abc import Iterator

import pytest

from stellenatlas.sources.http import (
    USER_AGENT,
    BlockedAddressError,
    HttpClient,
    HTTPStatusError,
    InvalidURLError,
    ResponseTooLargeError,
    TooManyRedirectsError,
    is_public_address,
)
from tests.sources.localserver import Canned, LocalServer, serve

LOCAL = ("127.0.0.1/32",)


@pytest.fixture()
def server() -> Iterator[LocalServer]:
    yield from serve()


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(**kw: object) -> HttpClient:
    kw.setdefault("allow_networks", LOCAL)
    kw.setdefault("min_interval", 0.0)
    kw.setdefault("sleep", Sleeps())
    return HttpClient(**kw)  # type: ignore[arg-type]


def exploding_resolver(host: str, port: int) -> list[str]:
    raise AssertionError(f"literal IPs must not be resolved via DNS: {host}")


# --- SSRF: refused before any connection ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.0.0.5/intern",
        "http://192.168.178.1/",  # FRITZ!Box
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
    ],
)
def test_non_public_targets_are_refused_without_connecting(url: str) -> None:
    # no allow-list: even loopback is refused; the resolver would fail the test if DNS were consulted
    with (
        HttpClient(resolver=exploding_resolver, sleep=Sleeps()) as http,
        pytest.raises(BlockedAddressError) as err,
    ):
        http.get(url)
    assert "nicht öffentliche Adresse" in str(err.value) and "non-public address" in str(err.value)


def test_hostname_resolving_to_private_address_is_refused() -> None:
    def resolver(host: str, port: int) -> list[str]:
        assert host == "karriere.stadtwerke-beispiel.de"
        return ["93.184.216.34", "10.1.2.3"]  # one private answer is enough to refuse

    with HttpClient(resolver=resolver, sleep=Sleeps()) as http, pytest.raises(BlockedAddressError):
        http.get("https://karriere.stadtwerke-beispiel.de/jobs")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "http://user:pw@example.org/"])
def test_only_plain_http_urls(url: str) -> None:
    with HttpClient(sleep=Sleeps()) as http, pytest.raises(InvalidURLError):
        http.get(url)


@pytest.mark.parametrize(
    ("ip", "public"),
    [("93.184.216.34", True), ("2a00:1450:4001:82b::200e", True), ("10.0.0.1", False), ("::1", False)],
)
def test_is_public_address(ip: str, public: bool) -> None:
    import ipaddress

    assert is_public_address(ipaddress.ip_address(ip)) is public


def test_allow_list_permits_loopback_and_sends_user_agent(server: LocalServer) -> None:
    server.add("/ok", Canned(body=b'{"ok": true}'))
    with client() as http:
        resp = http.get(server.url("/ok"), params={"wo": "Gelsenkirchen"})
    assert resp.status == 200 and resp.json() == {"ok": True}
    seen = server.requests[-1]
    assert seen.headers["user-agent"] == USER_AGENT and "stellenatlas" in USER_AGENT
    assert seen.query == {"wo": "Gelsenkirchen"}
    assert seen.headers["host"] == f"127.0.0.1:{server.port}"


def test_redirect_to_private_address_is_refused(server: LocalServer) -> None:
    server.add("/karriere", Canned(302, headers={"Location": "http://192.168.0.10/admin"}))
    with client() as http, pytest.raises(BlockedAddressError):
        http.get(server.url("/karriere"))
    assert server.paths() == ["/karriere"]


def test_redirects_are_followed_and_limited(server: LocalServer) -> None:
    server.add("/a", Canned(301, headers={"Location": "/b"}))
    server.add("/b", Canned(200, b"ziel"))
    with client() as http:
        resp = http.get(server.url("/a"))
    assert resp.status == 200 and resp.text() == "ziel" and resp.url.endswith("/b")
    server.add("/loop", Canned(302, headers={"Location": "/loop"}))
    with client(max_redirects=3) as http, pytest.raises(TooManyRedirectsError):
        http.get(server.url("/loop"))


# --- size limits ----------------------------------------------------------------------------------------


def test_oversize_streamed_body_is_aborted(server: LocalServer) -> None:
    server.add("/gross", Canned(chunked_bytes=5_000_000))  # no Content-Length: only streaming can notice
    with client(max_bytes=200_000) as http, pytest.raises(ResponseTooLargeError) as err:
        http.get(server.url("/gross"))
    assert "200000" in str(err.value)


def test_declared_oversize_is_refused_and_gzip_bomb_counts_decoded_bytes(server: LocalServer) -> None:
    server.add("/decl", Canned(body=b"x" * 3000))
    bomb = gzip.compress(b"\0" * 2_000_000)
    server.add("/bomb", Canned(body=bomb, headers={"Content-Encoding": "gzip"}))
    with client(max_bytes=1000) as http, pytest.raises(ResponseTooLargeError):
        http.get(server.url("/decl"))
    assert len(bomb) < 100_000
    with client(max_bytes=500_000) as http, pytest.raises(ResponseTooLargeError):
        http.get(server.url("/bomb"))


# --- retries --------------------------------------------------------------------------------------------


def test_429_then_success_honours_retry_after(server: LocalServer) -> None:
    server.add(
        "/jobs", Canned(429, b"{}", headers={"Retry-After": "7"}), Canned(200, b'{"maxErgebnisse": 0}')
    )
    sleeps = Sleeps()
    with client(sleep=sleeps) as http:
        resp = http.get(server.url("/jobs"))
    assert resp.status == 200 and resp.attempts == 2
    assert sleeps == [7.0]
    assert len(server.requests) == 2


def test_5xx_retries_with_growing_backoff_then_raises(server: LocalServer) -> None:
    server.add("/kaputt", Canned(503, b"Service Unavailable"))
    sleeps = Sleeps()
    with client(sleep=sleeps, retries=3, backoff_base=2.0) as http, pytest.raises(HTTPStatusError) as err:
        http.get(server.url("/kaputt"))
    assert err.value.status == 503
    assert len(server.requests) == 4
    assert len(sleeps) == 3
    assert 1.0 <= sleeps[0] <= 2.0 and 2.0 <= sleeps[1] <= 4.0 and 4.0 <= sleeps[2] <= 8.0


def test_404_is_not_retried(server: LocalServer) -> None:
    with client() as http:
        resp = http.get(server.url("/fehlt"), raise_for_status=False)
    assert resp.status == 404 and len(server.requests) == 1


def test_per_host_rate_limit_waits_between_requests(server: LocalServer) -> None:
    server.add("/x", Canned(body=b"1"))
    sleeps = Sleeps()
    clock_value = [100.0]
    with client(sleep=sleeps, min_interval=2.0, clock=lambda: clock_value[0]) as http:
        http.get(server.url("/x"))
        http.get(server.url("/x"))
    assert sleeps == [2.0]


def test_text_decoding_falls_back_to_cp1252(server: LocalServer) -> None:
    server.add("/alt", Canned(body="Stellenbörse Gelsenkirchen".encode("cp1252"), content_type="text/html"))
    with client() as http:
        assert http.get(server.url("/alt")).text() == "Stellenbörse Gelsenkirchen"
