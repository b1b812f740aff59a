"""The digest worker behind `stellenatlas alerts run`: for every confirmed alert that is due, one mail with
the matching postings that are new since its last run and were never sent to it.

Delivery semantics — send first, then record (at-least-once):
the digest is handed to the mailer, and only then, in ONE transaction, its posting ids are recorded as sent,
the alert's window is closed (`last_run_at = now`) and the mail is logged. Consequences:
* a failed hand-over (SMTP down) records nothing: the same postings go out with the next run, none is lost;
* a run that crashes or is killed between hand-over and commit sends that one digest again on the next run.
  That window is milliseconds per alert; the repeated mail carries the same Message-ID (see
  `messages.digest_message_id`), so clients that dedupe by Message-ID show it once;
* a second run over the same window (cron fired twice, `--now` repeated) sends nothing: the alert is not due
  and its postings are in `alert_sent`.
The other order (record, then send) would turn every SMTP hiccup into silently lost postings, which is worse
for a job seeker than a rare duplicate mail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from stellenatlas.alerts.digest import (
    MAX_DIGEST_ITEMS,
    DigestItem,
    is_due,
    select_new,
    window_start,
)
from stellenatlas.alerts.links import job_url, unsubscribe_urls
from stellenatlas.alerts.mailer import Mailer, MailError
from stellenatlas.alerts.messages import digest_message
from stellenatlas.alerts.query import AlertQuery, search_query
from stellenatlas.domain import Posting
from stellenatlas.refdata import places as refplaces
from stellenatlas.search.base import SearchQueryError
from stellenatlas.services import Services
from stellenatlas.store.alerts_repo import AlertsRepo

log = logging.getLogger(__name__)

CANDIDATE_PAGE_SIZE = 100
MAX_CANDIDATE_PAGES = 5  # newest 500 matches by date: far more than one period of any realistic alert


@dataclass
class RunReport:
    checked: int = 0
    due: int = 0
    mails: int = 0
    postings: int = 0
    failed: int = 0
    skipped: int = 0
    purged: int = 0

    def summary(self) -> str:
        return (
            f"{self.checked} Jobalarme geprüft, {self.due} fällig, {self.mails} E-Mails mit {self.postings} "
            f"Stellen gesendet, {self.failed} fehlgeschlagen, {self.skipped} übersprungen, "
            f"{self.purged} unbestätigte Anfragen gelöscht"
        )


def _place_label(posting: Posting) -> str:
    municipalities = refplaces.municipalities()
    names = [municipalities[a].name for a in posting.place_ags if a in municipalities]
    return ", ".join(names) or posting.location_text or "ohne Ortsangabe"


def digest_items(postings: list[Posting], order: list[int], base_url: str) -> list[DigestItem]:
    by_id = {p.id: p for p in postings if p.id is not None}
    return [
        DigestItem(
            posting_id=pid,
            title=p.title,
            employer=p.employer.name,
            place=_place_label(p),
            url=job_url(base_url, pid),
            posted_at=p.posted_at.strftime("%d.%m.%Y") if p.posted_at else "",
        )
        for pid in order
        if (p := by_id.get(pid)) is not None
    ]


def run_alerts(
    services: Services,
    *,
    mailer: Mailer,
    secret: str,
    now: datetime,
    frequency: str | None = None,
) -> RunReport:
    from stellenatlas.insights.pages import resolve_city

    settings = services.settings
    repo = AlertsRepo(services.engine)
    report = RunReport(purged=repo.purge_pending(now))
    index = services.index
    index.reload()  # the ingest may have committed since this process opened the index
    for alert in repo.confirmed_alerts(frequency):
        report.checked += 1
        if not is_due(alert["frequency"], alert["last_run_at"], now):
            continue
        report.due += 1
        query = AlertQuery.from_json(alert["query"])
        place = resolve_city(query.ort) if query.ort else None
        if query.ort and place is None:
            # the place list changed since sign-up: searching all of Germany would flood the reader
            log.warning("alert %s: Ort %r nicht (mehr) gefunden, übersprungen", alert["id"], query.ort)
            report.skipped += 1
            continue
        start = window_start(alert["frequency"], alert["last_run_at"], alert["confirmed_at"])
        ranked: list[int] = []
        try:
            for page in range(1, MAX_CANDIDATE_PAGES + 1):
                result = index.search(search_query(query, place, page=page, page_size=CANDIDATE_PAGE_SIZE))
                ranked += [h.posting_id for h in result.hits]
                if len(result.hits) < CANDIDATE_PAGE_SIZE:
                    break
        except SearchQueryError as exc:
            log.warning("alert %s: Suche abgelehnt: %s", alert["id"], exc)
            report.skipped += 1
            continue
        ids, more = select_new(
            ranked, repo.seen_times(ranked), repo.sent_ids(alert["id"]), start, now, MAX_DIGEST_ITEMS
        )
        if not ids:
            repo.record_digest(
                alert["id"], alert["email_key"], [], now
            )  # nothing new: no mail, window closes
            continue
        items = digest_items(services.store.get_postings(ids), ids, settings.base_url)
        page_url, one_click = unsubscribe_urls(settings.base_url, secret, alert["id"])
        message = digest_message(
            sender=settings.mail_from,
            to=alert["email"],
            alert_id=alert["id"],
            description=query.describe(),
            frequency=alert["frequency"],
            items=items,
            more=more,
            search_url=query.search_url(settings.base_url),
            unsubscribe_url=page_url,
            one_click_url=one_click,
            now=now,
        )
        try:
            mailer.send(message)
        except MailError as exc:
            log.error(
                "alert %s: Digest nicht gesendet (%s); wird beim nächsten Lauf wiederholt", alert["id"], exc
            )
            report.failed += 1
            continue
        repo.record_digest(alert["id"], alert["email_key"], [i.posting_id for i in items], now)
        report.mails += 1
        report.postings += len(items)
    return report
