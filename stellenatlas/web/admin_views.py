"""Moderation: the "Stelle melden" form on every job page and the admin review queue.

The queue holds postings waiting for review (new employers, risky texts) and postings with open reports. An
admin releases, rejects (reason required) or takes down (reason required) a posting; rejected postings leave
the search index at once and are no longer shown anywhere public.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stellenatlas.accounts import forms
from stellenatlas.accounts.publish import reindex
from stellenatlas.domain import PostingStatus
from stellenatlas.store.accounts_repo import AccountsRepo
from stellenatlas.web import render
from stellenatlas.web.accounts_auth import Auth
from stellenatlas.web.accounts_views import page_window, posting_id
from stellenatlas.web.errors import PageError, not_found

if TYPE_CHECKING:
    from stellenatlas.web.app import WebContext

REPORT_REASONS: dict[str, str] = {
    "betrug": "Betrugsverdacht (z. B. Geldwäsche, Kontoeröffnung, Vorkasse)",
    "diskriminierung": "Diskriminierende Inhalte",
    "falsche_angaben": "Falsche oder irreführende Angaben",
    "nicht_mehr_aktuell": "Stelle ist nicht mehr zu besetzen",
    "spam": "Spam oder Werbung",
    "sonstiges": "Sonstiges",
}
REPORT_WINDOW = timedelta(hours=1)
REPORT_MAX_PER_IP = 5
MAX_REPORT_TEXT = 2000
MAX_REASON = 1000
QUEUE_PAGE = 20
PUBLIC = (PostingStatus.ACTIVE, PostingStatus.EXPIRED)


def register_admin_routes(app: FastAPI, ctx: WebContext, repo: AccountsRepo, auth: Auth) -> None:
    store = ctx.services.store
    ctx.env.globals["report_reasons"] = REPORT_REASONS

    # ------------------------------------------------------------------ reports (public)

    @app.post("/jobs/{job_id}/melden", response_class=HTMLResponse, include_in_schema=False)
    async def report(request: Request, job_id: str) -> Response:
        posting = store.get_posting(posting_id(job_id))
        if posting is None or posting.status not in PUBLIC or posting.id is None:
            raise not_found("Diese Stellenanzeige gibt es nicht.")
        form = await request.form()
        reason = str(form.get("grund", ""))
        text = forms.multiline({"t": str(form.get("text", ""))}, "t")
        ip = "ip:" + auth.client_key(request)
        if auth.limited("report", ip, REPORT_MAX_PER_IP, REPORT_WINDOW):
            message = "Sie haben in der letzten Stunde schon mehrere Stellen gemeldet. Bitte versuchen Sie es später erneut."
            return ctx.html("error.html", status=429, heading="Zu viele Meldungen", message=message)
        errors = {}
        if reason not in REPORT_REASONS:
            errors["grund"] = "Bitte wählen Sie einen Grund aus der Liste."
        if len(text) > MAX_REPORT_TEXT:
            errors["text"] = f"Die Beschreibung darf höchstens {MAX_REPORT_TEXT} Zeichen lang sein."
        if errors:
            shown = {"grund": reason, "text": text}
            return ctx.html("arbeitgeber/melden.html", status=400, job=posting, errors=errors, form=shown)
        auth.hit("report", ip, REPORT_WINDOW)
        repo.add_report(posting.id, reason, text)
        return ctx.html("arbeitgeber/info.html", heading="Danke für Ihre Meldung", message=(
            "Wir prüfen die Anzeige. Ist sie unzulässig, nehmen wir sie vom Netz."
        ), link=(f"/jobs/{posting.id}", "Zurück zur Anzeige"))  # fmt: skip

    # ------------------------------------------------------------------ admin queue

    @app.get("/admin/pruefung", response_class=HTMLResponse, include_in_schema=False)
    def queue(request: Request, page: int = Query(1, ge=1, le=1_000_000)) -> Response:
        admin = auth.require(request, "admin")
        total, _ = repo.queue(limit=0, offset=0)
        page, last, offset = page_window(page, total, QUEUE_PAGE)
        _, rows = repo.queue(limit=QUEUE_PAGE, offset=offset)
        reports = repo.open_reports([r["id"] for r in rows])
        for r in rows:
            r["status_label"] = render.STATUS[PostingStatus(r["status"])]
            r["reports"] = [
                {**rep, "label": REPORT_REASONS.get(rep["reason"], rep["reason"])}
                for rep in reports.get(r["id"], [])
            ]
            r["excerpt"] = r["description"][:600]
        return ctx.html(
            "admin/pruefung.html", account=admin, items=rows, total=total, page=page, last_page=last
        )

    def decide(request: Request, raw_id: str) -> int:
        auth.require(request, "admin")
        pid = posting_id(raw_id)
        if store.get_posting(pid) is None:
            raise not_found("Diese Stellenanzeige gibt es nicht.")
        return pid

    @app.post("/admin/pruefung/{job_id}/freigeben", include_in_schema=False)
    def approve(request: Request, job_id: str) -> Response:
        pid = decide(request, job_id)
        posting = store.get_posting(pid)
        assert posting is not None
        if posting.status is PostingStatus.PENDING:
            store.set_status(pid, PostingStatus.ACTIVE)
            repo.mark_approved(pid)
            reindex(lambda: ctx.services.index, store, [pid])
        elif posting.status is PostingStatus.REJECTED:
            raise PageError(
                409, "Diese Anzeige wurde abgelehnt; eine Ablehnung wird nicht rückgängig gemacht."
            )
        repo.resolve_reports(pid)  # a reported live posting that is fine: the reports are closed
        return RedirectResponse("/admin/pruefung", status_code=303)

    async def refuse(
        request: Request, job_id: str, allowed: tuple[PostingStatus, ...], verb: str
    ) -> Response:
        pid = decide(request, job_id)
        posting = store.get_posting(pid)
        assert posting is not None
        reason = forms.multiline({"g": str((await request.form()).get("grund", ""))}, "g")
        if posting.status not in allowed:
            raise PageError(
                409, f"Diese Anzeige ist {render.STATUS[posting.status]} und kann nicht {verb} werden."
            )
        if not reason or len(reason) > MAX_REASON:
            raise PageError(400, f"Bitte geben Sie einen Grund an (höchstens {MAX_REASON} Zeichen).")
        store.set_status(pid, PostingStatus.REJECTED)
        repo.set_note(pid, reason)
        repo.resolve_reports(pid)
        reindex(lambda: ctx.services.index, store, [pid])
        return RedirectResponse("/admin/pruefung", status_code=303)

    @app.post("/admin/pruefung/{job_id}/ablehnen", include_in_schema=False)
    async def reject(request: Request, job_id: str) -> Response:
        return await refuse(request, job_id, (PostingStatus.PENDING,), "abgelehnt")

    @app.post("/admin/pruefung/{job_id}/sperren", include_in_schema=False)
    async def take_down(request: Request, job_id: str) -> Response:
        return await refuse(request, job_id, PUBLIC, "gesperrt")

    @app.post("/admin/arbeitgeber/{account_id}/freischalten", include_in_schema=False)
    def trust_employer(request: Request, account_id: str) -> Response:
        auth.require(request, "admin")
        if not account_id.isdigit() or len(account_id) > 18:
            raise not_found("Dieses Konto gibt es nicht.")
        account = repo.account(int(account_id))
        if account is None or account["role"] != "employer":
            raise not_found("Dieses Konto gibt es nicht.")
        if account["approved_at"] is None:
            repo.update_account(account["id"], approved_at=datetime.now(UTC))
        return RedirectResponse("/admin/pruefung", status_code=303)
