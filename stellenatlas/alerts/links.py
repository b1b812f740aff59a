"""Absolute links that go into alert mails (pure: base URL and secret are passed in)."""

from __future__ import annotations

from stellenatlas.web.security import sign


def unsubscribe_signature(secret: str, alert_id: int) -> str:
    return sign(secret, "unsubscribe", str(alert_id))


def unsubscribe_urls(base_url: str, secret: str, alert_id: int) -> tuple[str, str]:
    """(visible link to the confirm page, RFC 8058 one-click POST target for List-Unsubscribe)."""
    sig = unsubscribe_signature(secret, alert_id)
    base = base_url.rstrip("/")
    return f"{base}/alarm/abmelden/{alert_id}/{sig}", f"{base}/alarm/abmelden-1klick/{alert_id}/{sig}"


def confirm_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/alarm/bestaetigen/{token}"


def data_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/alarm/meine-daten/{token}"


def job_url(base_url: str, posting_id: int) -> str:
    return f"{base_url.rstrip('/')}/jobs/{posting_id}"
