"""The security middleware on a real ASGI app: headers, CSRF double-submit, size limit, Origin check."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from stellenatlas.web.security import CSRF_COOKIE, SecurityMiddleware, current_csrf_token, sign, verify


async def form_page(request: Request) -> PlainTextResponse:
    return PlainTextResponse(current_csrf_token())


async def submit(request: Request) -> PlainTextResponse:
    form = await request.form()
    return PlainTextResponse(f"ok {form.get('name')}")


def make_client() -> TestClient:
    app = Starlette(
        routes=[
            Route("/form", form_page),
            Route("/submit", submit, methods=["POST"]),
            Route("/abmelden-1klick/x", submit, methods=["POST"]),
        ]
    )
    wrapped = SecurityMiddleware(app, max_body_bytes=10_000, csrf_exempt=("/abmelden-1klick/",))
    return TestClient(wrapped, base_url="http://testserver")


def test_security_headers_on_every_response() -> None:
    r = make_client().get("/form")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{CSRF_COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_post_needs_matching_token() -> None:
    client = make_client()
    token = client.get("/form").text
    assert re.fullmatch(r"[A-Za-z0-9_\-]{32,64}", token)
    assert client.post("/submit", data={"name": "Müller"}).status_code == 403
    assert client.post("/submit", data={"name": "x", "csrf_token": "falsch" * 8}).status_code == 403
    ok = client.post("/submit", data={"name": "Müller", "csrf_token": token})
    assert ok.status_code == 200 and ok.text == "ok Müller"
    multipart = client.post(
        "/submit", data={"csrf_token": token, "name": "Anna"}, files={"f": ("a.txt", b"x")}
    )
    assert multipart.status_code == 200 and multipart.text == "ok Anna"
    assert client.post("/submit", data={"name": "h"}, headers={"X-CSRF-Token": token}).status_code == 200


def test_post_without_cookie_is_refused_with_german_message() -> None:
    r = TestClient(make_client().app).post("/submit", data={"csrf_token": "a" * 43})
    assert r.status_code == 403 and "CSRF" in r.text


def test_cross_site_origin_is_refused() -> None:
    client = make_client()
    token = client.get("/form").text
    r = client.post("/submit", data={"csrf_token": token}, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403
    same = client.post(
        "/submit", data={"csrf_token": token, "name": "a"}, headers={"Origin": "http://testserver"}
    )
    assert same.status_code == 200


@pytest.mark.parametrize("size", [10_001, 200_000])
def test_oversized_body_gets_413(size: int) -> None:
    client = make_client()
    token = client.get("/form").text
    r = client.post("/submit", data={"csrf_token": token, "name": "x" * size})
    assert r.status_code == 413


def test_exempt_path_accepts_cookieless_post() -> None:
    r = TestClient(make_client().app).post("/abmelden-1klick/x", data={"List-Unsubscribe": "One-Click"})
    assert r.status_code == 200


def test_signed_tokens() -> None:
    sig = sign("k" * 40, "alarm", "17", "anna@example.org")
    assert verify("k" * 40, sig, "alarm", "17", "anna@example.org")
    assert not verify("k" * 40, sig, "alarm", "18", "anna@example.org")
    assert not verify("x" * 40, sig, "alarm", "17", "anna@example.org")


def test_site_routes_carry_headers(client: TestClient) -> None:
    for path in ("/", "/suche?q=Pflege", "/beruf/it-projektkoordinator/gelsenkirchen", "/gibt-es-nicht"):
        r = client.get(path)
        assert "content-security-policy" in r.headers, path


def test_api_rate_limit_per_client() -> None:
    app = Starlette(routes=[Route("/api/x.json", form_page), Route("/seite", form_page)])
    client = TestClient(SecurityMiddleware(app, api_rate_limit=5), base_url="http://testserver")
    statuses = [client.get("/api/x.json").status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    assert "Zu viele Anfragen" in client.get("/api/x.json").text
    assert all(client.get("/seite").status_code == 200 for _ in range(10))  # HTML pages are not limited
