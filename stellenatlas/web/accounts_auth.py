"""Sessions and rate limits of employer/admin accounts: who is asking, and may they try again.

The session cookie carries a random id; the database keeps only its SHA-256, with an expiry. A new id is issued
on every login (the old one, if any, is deleted) and logout deletes it, so a cookie captured before login or
after logout is worthless. Rate-limit counters live in the database so they hold across worker processes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import Request, Response

from stellenatlas.accounts.secrets import keyed_hash, new_token, token_hash
from stellenatlas.store.accounts_repo import AccountsRepo
from stellenatlas.web.errors import PageError

SESSION_COOKIE = "sa_sitzung"
SESSION_TTL = timedelta(hours=12)
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_MAX_PER_ACCOUNT = 5  # failures per e-mail address in LOGIN_WINDOW
LOGIN_MAX_PER_IP = 20  # failures per client in LOGIN_WINDOW (offices share an address, so more than 5)
TOO_MANY = "Zu viele Versuche. Bitte warten Sie 15 Minuten und versuchen Sie es dann erneut."


class LoginRequired(Exception):
    """Raised by private routes for anonymous visitors; app answers with a redirect to the login form."""


class Auth:
    def __init__(self, repo: AccountsRepo, secret: str, secure_cookies: bool) -> None:
        self.repo = repo
        self.secret = secret
        self.secure = secure_cookies

    def current(self, request: Request) -> dict[str, Any] | None:
        raw = request.cookies.get(SESSION_COOKIE, "")
        if not raw or len(raw) > 100:
            return None
        return self.repo.session_account(token_hash(raw))

    def require(self, request: Request, role: str) -> dict[str, Any]:
        account = self.current(request)
        if account is None:
            raise LoginRequired()
        if account["role"] != role:
            raise PageError(403, "Für diese Seite fehlt Ihnen die Berechtigung.")
        return account

    def login(self, request: Request, response: Response, account_id: int) -> None:
        """Start a session with a fresh id; a session id the browser already had is invalidated."""
        old = request.cookies.get(SESSION_COOKIE, "")
        if old and len(old) <= 100:
            self.repo.delete_session(token_hash(old))
        sid = new_token()
        self.repo.add_session(account_id, token_hash(sid), SESSION_TTL)
        response.set_cookie(
            SESSION_COOKIE,
            sid,
            max_age=int(SESSION_TTL.total_seconds()),
            path="/",
            httponly=True,
            samesite="lax",
            secure=self.secure,
        )

    def logout(self, request: Request, response: Response) -> None:
        old = request.cookies.get(SESSION_COOKIE, "")
        if old and len(old) <= 100:
            self.repo.delete_session(token_hash(old))
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=self.secure)

    # ------------------------------------------------------------------ rate limits

    def client_key(self, request: Request) -> str:
        host = request.client.host if request.client else "unbekannt"
        return keyed_hash(self.secret, host)

    def limited(self, kind: str, key: str, limit: int, window: timedelta) -> bool:
        return self.repo.count_events(kind, key, window) >= limit

    def hit(self, kind: str, key: str, window: timedelta) -> None:
        self.repo.add_event(kind, key, keep=window)

    def login_blocked(self, request: Request, email_key: str) -> bool:
        return self.limited(
            "login_fail", "konto:" + keyed_hash(self.secret, email_key), LOGIN_MAX_PER_ACCOUNT, LOGIN_WINDOW
        ) or self.limited("login_fail", "ip:" + self.client_key(request), LOGIN_MAX_PER_IP, LOGIN_WINDOW)

    def login_failed(self, request: Request, email_key: str) -> None:
        self.hit("login_fail", "konto:" + keyed_hash(self.secret, email_key), LOGIN_WINDOW)
        self.hit("login_fail", "ip:" + self.client_key(request), LOGIN_WINDOW)

    def login_succeeded(self, email_key: str) -> None:
        self.repo.clear_events("login_fail", "konto:" + keyed_hash(self.secret, email_key))
