"""One-time link tokens: random, shown once in a mail, stored only as their sha256."""

from __future__ import annotations

import hashlib
import re
import secrets

TOKEN_BYTES = 32
_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def new_token() -> tuple[str, str]:
    """(token for the link, hash for the database)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def plausible(token: str) -> bool:
    """Cheap shape check before any database lookup (a 10 kB path segment never reaches the DB)."""
    return bool(_SHAPE.fullmatch(token))
