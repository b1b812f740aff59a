"""Passwords (argon2id) and random tokens that are stored only as hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY

MIN_PASSWORD = 12
MAX_PASSWORD = 256  # long enough for any passphrase; caps the work an attacker can make us do per attempt

# RFC 9106 "second recommended" profile (argon2id, t=3, m=64 MiB, p=4): the low-memory one fits web workers.
_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
# Verified when the e-mail is unknown, so a login takes the same time whether or not the account exists.
_DUMMY_HASH = _hasher.hash("stellenatlas-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def new_token() -> str:
    """A random URL-safe token (256 bit)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a token: a leaked table gives no usable session or link."""
    return hashlib.sha256(token.encode()).hexdigest()


def keyed_hash(secret: str, value: str) -> str:
    """Keyed hash of personal data that is only compared (client IPs for rate limits)."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()[:40]
