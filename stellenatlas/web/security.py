"""Security baseline for every route, as one pure ASGI middleware:

* security headers on every response (CSP without 'unsafe-inline', nosniff, frame and referrer policies);
* a request-size limit (413 before the application reads an oversized body);
* a rate limit on the machine-readable API (paths ending .json/.csv/.atom or under /api/): a fixed window per
  client address and minute, kept in memory of the worker process (so N workers allow up to N× the limit);
* CSRF protection for every state-changing request (POST/PUT/PATCH/DELETE): a random token in the cookie
  `sa_csrf` must come back in the form field `csrf_token` (urlencoded or multipart) or the header
  `X-CSRF-Token` (double-submit), and a cross-site `Origin` is refused. Paths that must accept cookieless POSTs
  (RFC 8058 one-click unsubscribe from mail clients) are listed in `csrf_exempt` and must carry their own
  signed token.

Templates get the token through `current_csrf_token()` (a context variable set per request), so every form can
render `<input type="hidden" name="csrf_token" value="{{ csrf_token }}">`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from contextvars import ContextVar
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_COOKIE = "sa_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = b"x-csrf-token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"geolocation=(), camera=(), microphone=(), payment=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
)

_csrf_token: ContextVar[str] = ContextVar("csrf_token", default="")
_MULTIPART_FIELD = re.compile(
    rb'Content-Disposition:\s*form-data;\s*name="csrf_token"\r\n(?:[^\r\n]*\r\n)*\r\n([A-Za-z0-9_\-]{16,200})\r\n',
    re.IGNORECASE,
)


def current_csrf_token() -> str:
    """The CSRF token of the request being handled ("" outside a request)."""
    return _csrf_token.get()


def sign(secret: str, *parts: str) -> str:
    """HMAC-SHA256 over the parts: for tokens in links (confirm, unsubscribe) that need no cookie."""
    mac = hmac.new(secret.encode(), "\x1f".join(parts).encode(), hashlib.sha256)
    return mac.hexdigest()[:40]


def verify(secret: str, signature: str, *parts: str) -> bool:
    return hmac.compare_digest(sign(secret, *parts), signature)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _cookie(scope: Scope, name: str) -> str:
    raw = _header(scope, b"cookie")
    if not raw:
        return ""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header is treated as no cookie
        return ""
    morsel = jar.get(name)
    return morsel.value if morsel else ""


class SecurityMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int = 1_000_000,
        csrf_exempt: Iterable[str] = (),
        secure_cookies: bool = False,
        trusted_origins: Iterable[str] = (),
        api_rate_limit: int = 0,
    ) -> None:
        self.app = app
        self.max_body = max_body_bytes
        self.exempt = tuple(csrf_exempt)
        self.secure = secure_cookies
        self.trusted = {o.rstrip("/") for o in trusted_origins}
        self.api_limit = api_rate_limit
        self._window = -1
        self._hits: dict[str, int] = {}

    def _over_api_limit(self, scope: Scope) -> bool:
        path = scope["path"]
        if self.api_limit <= 0 or not (path.endswith((".json", ".csv", ".atom")) or path.startswith("/api/")):
            return False
        window = int(time.monotonic() // 60)
        if window != self._window:  # a new minute: forget the old counts (bounded memory)
            self._window, self._hits = window, {}
        client = scope.get("client") or ("", 0)
        key = str(client[0])
        self._hits[key] = self._hits.get(key, 0) + 1
        return self._hits[key] > self.api_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _cookie(scope, CSRF_COOKIE)
        new_cookie = not re.fullmatch(r"[A-Za-z0-9_\-]{32,64}", token or "")
        if new_cookie:
            token = secrets.token_urlsafe(32)
        reset = _csrf_token.set(token)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if self.secure:
                    headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
                if new_cookie:
                    attrs = f"{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax"
                    if self.secure:
                        attrs += "; Secure"
                    headers.append((b"set-cookie", attrs.encode()))
                message["headers"] = headers
            await send(message)

        try:
            if self._over_api_limit(scope):
                await _plain(
                    send_with_headers,
                    429,
                    "Zu viele Anfragen an die API – bitte in einer Minute erneut versuchen.",
                )
                return
            declared = _header(scope, b"content-length")
            if declared.isdigit() and int(declared) > self.max_body:
                await _plain(send_with_headers, 413, "Anfrage zu groß.")
                return
            if scope["method"] not in UNSAFE_METHODS or scope["path"].startswith(self.exempt):
                await self.app(scope, _limited(receive, self.max_body), send_with_headers)
                return
            body = await _read_body(receive, self.max_body)
            if body is None:
                await _plain(send_with_headers, 413, "Anfrage zu groß.")
                return
            problem = self._csrf_problem(scope, body, token, new_cookie)
            if problem:
                await _plain(send_with_headers, 403, problem)
                return
            await self.app(scope, _replay(body), send_with_headers)
        finally:
            _csrf_token.reset(reset)

    def _csrf_problem(self, scope: Scope, body: bytes, token: str, new_cookie: bool) -> str:
        origin = _header(scope, b"origin")
        if origin and origin != "null":
            host = _header(scope, b"host")
            if urlsplit(origin).netloc != host and origin.rstrip("/") not in self.trusted:
                return "Anfrage von fremder Seite abgelehnt (CSRF-Schutz)."
        if new_cookie:
            return "Sitzungs-Cookie fehlt – bitte laden Sie das Formular neu (CSRF-Schutz)."
        sent = _header(scope, CSRF_HEADER) or _form_token(scope, body)
        if not sent or not hmac.compare_digest(sent, token):
            return (
                "Ungültiges oder fehlendes Formular-Token – bitte laden Sie das Formular neu (CSRF-Schutz)."
            )
        return ""


def _form_token(scope: Scope, body: bytes) -> str:
    ctype = _header(scope, b"content-type").lower()
    if ctype.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), max_num_fields=1000).get(CSRF_FIELD, [])
        return values[0] if values else ""
    if ctype.startswith("multipart/form-data"):
        m = _MULTIPART_FIELD.search(body)
        return m.group(1).decode() if m else ""
    return ""


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _limited(receive: Receive, limit: int) -> Receive:
    size = 0

    async def wrapped() -> Message:
        nonlocal size
        message = await receive()
        size += len(message.get("body", b""))
        if size > limit:
            raise BodyTooLarge()
        return message

    return wrapped


class BodyTooLarge(Exception):
    pass


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
