"""The alert mails as `EmailMessage`s: plain German text first, a simple HTML alternative second.

Pure: every input (addresses, links, items, time) is passed in. No images, no tracking, no ads — the
confirmation mail in particular carries nothing but the request and the link (it goes to an address nobody has
confirmed yet, so anything more would be unsolicited advertising).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from html import escape

from stellenatlas.alerts.digest import DigestItem
from stellenatlas.alerts.query import FREQUENCIES

SITE = "stellenatlas"


def _domain(sender: str) -> str:
    _, addr = parseaddr(sender)
    return addr.rpartition("@")[2] or "localhost"


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    now: datetime,
    one_click_url: str | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    local, _, domain = to.rpartition("@")
    msg["To"] = Address(addr_spec=f"{local}@{domain}")
    msg["Subject"] = subject
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id or make_msgid(domain=_domain(sender))
    # RFC 3834: stops vacation responders from answering the digest
    msg["Auto-Submitted"] = "auto-generated"
    if one_click_url:
        # RFC 2369 + RFC 8058: mail clients show an "Abmelden" button that POSTs to the URL without cookies
        msg["List-Unsubscribe"] = f"<{one_click_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg.set_content(text, charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    return msg


def _html_page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="de"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>{body}</body></html>"
    )


def confirmation_message(
    *,
    sender: str,
    to: str,
    description: str,
    frequency: str,
    confirm_url: str,
    one_click_url: str,
    now: datetime,
) -> EmailMessage:
    how_often = FREQUENCIES.get(frequency, frequency)
    subject = "Bitte bestätigen Sie Ihren Jobalarm"
    text = (
        "Guten Tag,\n\n"
        f"für diese E-Mail-Adresse wurde bei {SITE} ein Jobalarm angefordert:\n\n"
        f"  Suche: {description}\n"
        f"  Häufigkeit: {how_often}\n\n"
        "Bitte bestätigen Sie den Jobalarm über diesen Link (auf der Seite noch einmal auf „Jobalarm bestätigen“ "
        "klicken):\n\n"
        f"  {confirm_url}\n\n"
        "Wenn Sie den Jobalarm nicht angefordert haben, ignorieren Sie diese E-Mail einfach: ohne Bestätigung "
        "senden wir Ihnen nichts und löschen die Anfrage nach 7 Tagen.\n\n"
        f"Ihr {SITE}\n"
    )
    html = _html_page(
        subject,
        "<p>Guten Tag,</p>"
        f"<p>für diese E-Mail-Adresse wurde bei {SITE} ein Jobalarm angefordert:</p>"
        f"<p>Suche: {escape(description)}<br>Häufigkeit: {escape(how_often)}</p>"
        f'<p><a href="{escape(confirm_url)}">Jobalarm bestätigen</a></p>'
        "<p>Wenn Sie den Jobalarm nicht angefordert haben, ignorieren Sie diese E-Mail einfach: ohne "
        "Bestätigung senden wir Ihnen nichts und löschen die Anfrage nach 7 Tagen.</p>"
        f"<p>Ihr {SITE}</p>",
    )
    return build_message(
        sender=sender,
        to=to,
        subject=subject,
        text=text,
        html=html,
        now=now,
        one_click_url=one_click_url,
    )


def data_link_message(*, sender: str, to: str, data_url: str, now: datetime) -> EmailMessage:
    subject = "Ihre gespeicherten Daten bei stellenatlas"
    text = (
        "Guten Tag,\n\n"
        "Sie haben Auskunft über die zu dieser E-Mail-Adresse gespeicherten Daten angefordert. "
        "Über diesen Link (24 Stunden gültig) sehen Sie alle Daten, können sie herunterladen und löschen:\n\n"
        f"  {data_url}\n\n"
        "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail.\n\n"
        f"Ihr {SITE}\n"
    )
    html = _html_page(
        subject,
        "<p>Guten Tag,</p><p>Sie haben Auskunft über die zu dieser E-Mail-Adresse gespeicherten Daten "
        "angefordert. Über diesen Link (24 Stunden gültig) sehen Sie alle Daten, können sie herunterladen und "
        f'löschen:</p><p><a href="{escape(data_url)}">Meine Daten anzeigen</a></p>'
        f"<p>Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail.</p><p>Ihr {SITE}</p>",
    )
    return build_message(sender=sender, to=to, subject=subject, text=text, html=html, now=now)


def digest_message_id(alert_id: int, posting_ids: Sequence[int], sender: str) -> str:
    """Same alert + same postings = same Message-ID: should a crash make the worker send a digest twice
    (see worker.py), mail clients and archives that dedupe by Message-ID show it once."""
    digest = hashlib.sha256(",".join(map(str, sorted(posting_ids))).encode()).hexdigest()[:20]
    return f"<alarm-{alert_id}-{digest}@{_domain(sender)}>"


def digest_message(
    *,
    sender: str,
    to: str,
    alert_id: int,
    description: str,
    frequency: str,
    items: Sequence[DigestItem],
    more: int,
    search_url: str,
    unsubscribe_url: str,
    one_click_url: str,
    now: datetime,
) -> EmailMessage:
    n = len(items)
    subject = f"{n} neue Stelle{'n' if n != 1 else ''}: {description}"[:180]
    lines = []
    for item in items:
        lines.append(f"* {item.title}\n  {item.employer} · {item.place}\n  {item.url}")
    rest = f"\n… und {more} weitere neue Stellen: {search_url}\n" if more else ""
    how_often = FREQUENCIES.get(frequency, frequency)
    text = (
        f"Neue Stellen zu Ihrem Jobalarm ({how_often}): {description}\n\n"
        + "\n\n".join(lines)
        + "\n"
        + rest
        + f"\nAlle Treffer: {search_url}\n\n"
        f"Jobalarm abbestellen: {unsubscribe_url}\n"
    )
    html_items = "".join(
        f'<li><a href="{escape(i.url)}">{escape(i.title)}</a><br>{escape(i.employer)} · {escape(i.place)}'
        + (f" · {escape(i.posted_at)}" if i.posted_at else "")
        + "</li>"
        for i in items
    )
    html_rest = (
        f'<p>… und {more} weitere neue Stellen: <a href="{escape(search_url)}">zur Suche</a></p>'
        if more
        else ""
    )
    html = _html_page(
        subject,
        f"<p>Neue Stellen zu Ihrem Jobalarm ({escape(how_often)}): {escape(description)}</p>"
        f"<ul>{html_items}</ul>{html_rest}"
        f'<p><a href="{escape(search_url)}">Alle Treffer ansehen</a></p>'
        f'<p><a href="{escape(unsubscribe_url)}">Jobalarm abbestellen</a></p>',
    )
    return build_message(
        sender=sender,
        to=to,
        subject=subject,
        text=text,
        html=html,
        now=now,
        one_click_url=one_click_url,
        message_id=digest_message_id(alert_id, [i.posting_id for i in items], sender),
    )
