"""Job alerts on the web (/alarm…) and the Atom feed per search (/suche.atom).

Flow: sign-up form (any search + e-mail) → confirmation mail → landing page with a button → POST confirms
(mail link scanners only GET, so they confirm nothing) → the worker (`stellenatlas alerts run`) sends digests →
unsubscribe by the link (confirm page + CSRF-protected POST) or RFC 8058 one-click (cookieless POST, HMAC).
DSGVO: /alarm/meine-daten mails a link to a page with all stored data, a JSON export and "alles löschen".
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape, quoteattr

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from stellenatlas.alerts.links import confirm_url, data_url, unsubscribe_urls
from stellenatlas.alerts.mailer import Mailer, MailError, mailer_from_settings
from stellenatlas.alerts.messages import confirmation_message, data_link_message
from stellenatlas.alerts.query import (
    FREQUENCIES,
    AlertInputError,
    AlertQuery,
    normalize_query,
    search_query,
    validate_email,
    validate_frequency,
)
from stellenatlas.alerts.tokens import hash_token, new_token, plausible
from stellenatlas.insights.pages import resolve_city
from stellenatlas.search.base import SearchQueryError
from stellenatlas.store.alerts_repo import AlertsRepo
from stellenatlas.web.errors import PageError, not_found
from stellenatlas.web.search_views import SearchParams, job_summary
from stellenatlas.web.security import verify

if TYPE_CHECKING:
    from stellenatlas.web.app import WebContext

log = logging.getLogger(__name__)

MAX_CONFIRMATION_MAILS = 3  # per address and 24 h (issue 7)
MAX_DATA_MAILS = 3
FEED_ENTRIES = 50
QUERY_FIELDS = ("q", "ort", "umkreis", "arbeitszeit", "remote", "beruf")
ATOM_TYPE = "application/atom+xml; charset=utf-8"
TAG_DATE = "2025"  # tag: URIs need a date at which the authority owned the name; fixed so ids never change


def _now() -> datetime:
    return datetime.now(UTC)


def _prefill(params: Any) -> dict[str, Any]:
    """Search parameters for the form; anything invalid is dropped rather than refused (it is only a GET)."""
    raw = {k: str(params.get(k, ""))[:300] for k in QUERY_FIELDS}
    try:
        query = normalize_query(raw)
    except AlertInputError:
        return {k: v for k, v in raw.items() if k in ("q", "ort")}
    form: dict[str, Any] = dict(query.params())
    form.setdefault("umkreis", query.umkreis)
    return form


def feed_xml(
    *,
    feed_id: str,
    title: str,
    self_url: str,
    alternate_url: str,
    updated: datetime,
    entries: list[dict[str, Any]],
) -> str:
    """Atom 1.0 (RFC 4287) document; every text and attribute is XML-escaped here."""

    def ts(value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de">',
        f"<id>{escape(feed_id)}</id>",
        f'<title type="text">{escape(title)}</title>',
        f"<updated>{ts(updated)}</updated>",
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>',
        f'<link rel="alternate" type="text/html" href={quoteattr(alternate_url)}/>',
        "<author><name>stellenatlas</name></author>",
        '<generator uri="https://github.com/">stellenatlas</generator>',
    ]
    for e in entries:
        parts += [
            "<entry>",
            f"<id>{escape(e['id'])}</id>",
            f'<title type="text">{escape(e["title"])}</title>',
            f"<updated>{ts(e['updated'])}</updated>",
            f'<link rel="alternate" type="text/html" href={quoteattr(e["url"])}/>',
            f'<summary type="text">{escape(e["summary"])}</summary>',
            "</entry>",
        ]
    parts.append("</feed>\n")
    return "\n".join(parts)


def feed_entries(ctx: WebContext, query: AlertQuery, now: datetime) -> tuple[list[dict[str, Any]], datetime]:
    """The newest matching postings as feed entries, and the feed's `updated` (newest entry, else now)."""
    place = resolve_city(query.ort) if query.ort else None
    result = ctx.fresh_index().search(search_query(query, place, sort="date", page_size=FEED_ENTRIES))
    by_id = {p.id: p for p in ctx.services.store.get_postings([h.posting_id for h in result.hits])}
    authority = urlsplit(ctx.settings.base_url).hostname or "localhost"
    base = ctx.settings.base_url.rstrip("/")
    entries: list[dict[str, Any]] = []
    for hit in result.hits:
        posting = by_id.get(hit.posting_id)
        if posting is None:
            continue
        job = job_summary(posting, hit.distance_km)
        entries.append(
            {
                "id": f"tag:{authority},{TAG_DATE}:stelle/{posting.id}",
                "title": job["title"],
                "updated": posting.posted_at or now,
                "url": f"{base}{job['url']}",
                "summary": f"{job['employer']} · {job['location'] or 'ohne Ortsangabe'}",
            }
        )
    updated = max((e["updated"] for e in entries), default=now)
    return entries, updated


def register_alert_routes(app: FastAPI, ctx: WebContext, mailer: Mailer | None = None) -> None:
    settings = ctx.settings
    repo = AlertsRepo(ctx.services.engine)
    mail: Mailer = mailer or mailer_from_settings(settings)
    base = settings.base_url.rstrip("/")

    def form_page(form: dict[str, Any], error: str = "", status: int = 200) -> HTMLResponse:
        query = None
        try:
            query = normalize_query(form) if any(form.get(k) for k in ("q", "ort", "beruf")) else None
        except AlertInputError:
            query = None
        return ctx.html(
            "alarm/form.html",
            status=status,
            form=form,
            error=error,
            description=query.describe() if query else "",
            frequencies=FREQUENCIES,
        )

    @app.get("/alarm", response_class=HTMLResponse, include_in_schema=False)
    def alarm_form(request: Request) -> Response:
        return form_page(_prefill(request.query_params))

    @app.post("/alarm", response_class=HTMLResponse, include_in_schema=False)
    def alarm_submit(
        email: str = Form(""),
        frequency: str = Form(""),
        consent: str = Form(""),
        q: str = Form(""),
        ort: str = Form(""),
        umkreis: str = Form(""),
        arbeitszeit: str = Form(""),
        remote: str = Form(""),
        beruf: str = Form(""),
    ) -> Response:
        form: dict[str, Any] = {
            "email": email[:300],
            "frequency": frequency[:20],
            "q": q[:300],
            "ort": ort[:300],
            "umkreis": umkreis[:10],
            "arbeitszeit": arbeitszeit[:20],
            "remote": remote[:20],
            "beruf": beruf[:10],
        }
        try:
            address = validate_email(email)
            freq = validate_frequency(frequency)
            query = normalize_query(
                {
                    "q": q,
                    "ort": ort,
                    "umkreis": umkreis,
                    "arbeitszeit": arbeitszeit,
                    "remote": remote,
                    "beruf": beruf,
                }
            )
            if query.ort and resolve_city(query.ort) is None:
                raise AlertInputError(
                    f"Ort „{query.ort[:80]}“ nicht gefunden – bitte Stadt oder PLZ angeben."
                )
            if consent != "ja":
                raise AlertInputError("Bitte stimmen Sie der Speicherung Ihrer Daten für den Jobalarm zu.")
        except AlertInputError as exc:
            return form_page(form, str(exc), status=400)
        now = _now()
        token, token_hash = new_token()
        signup = repo.sign_up(
            email=address.address,
            email_key=address.key,
            query=query.to_json(),
            frequency=freq,
            token_hash=token_hash,
            now=now,
            max_mails=MAX_CONFIRMATION_MAILS,
        )
        if signup.outcome == "rate_limited":
            return form_page(
                form,
                f"An diese Adresse wurden in den letzten 24 Stunden bereits {MAX_CONFIRMATION_MAILS} "
                "Bestätigungs-E-Mails gesendet. Bitte bestätigen Sie eine davon oder versuchen Sie es morgen erneut.",
                status=429,
            )
        if signup.outcome in ("created", "reused") and signup.alert_id is not None:
            _, one_click = unsubscribe_urls(base, ctx.secret, signup.alert_id)
            message = confirmation_message(
                sender=settings.mail_from,
                to=address.address,
                description=query.describe(),
                frequency=freq,
                confirm_url=confirm_url(base, token),
                one_click_url=one_click,
                now=now,
            )
            try:
                mail.send(message)
            except MailError as exc:
                log.error("Bestätigungs-E-Mail nicht gesendet: %s", exc)
                repo.undo_sign_up(signup, token_hash)
                return form_page(
                    form,
                    "Die Bestätigungs-E-Mail konnte gerade nicht gesendet werden. Bitte versuchen Sie es später "
                    "erneut – gespeichert wurde nichts.",
                    status=503,
                )
        # "exists" gets the same page: whether an address already has this alert is nobody else's business
        return ctx.html("alarm/pending.html", email=address.address, description=query.describe())

    # ------------------------------------------------------------------ confirmation

    def confirm_token(token: str) -> dict[str, Any]:
        row = repo.token(hash_token(token), "confirm", _now()) if plausible(token) else None
        if row is None or row["alert_id"] is None:
            raise not_found(
                "Dieser Bestätigungslink ist ungültig oder abgelaufen. Bitte legen Sie den Jobalarm neu an."
            )
        return row

    def alert_view(alert: dict[str, Any]) -> dict[str, Any]:
        query = AlertQuery.from_json(alert["query"])
        page_url, _ = unsubscribe_urls("", ctx.secret, alert["id"])
        return {
            "id": alert["id"],
            "email": alert["email"],
            "description": query.describe(),
            "frequency": FREQUENCIES.get(alert["frequency"], alert["frequency"]),
            "status": alert["status"],
            "unsubscribe_url": page_url,
            "search_url": query.search_url(""),
        }

    @app.get("/alarm/bestaetigen/{token}", response_class=HTMLResponse, include_in_schema=False)
    def confirm_landing(token: str) -> Response:
        row = confirm_token(token)
        alert = repo.get_alert(int(row["alert_id"]))
        if alert is None:
            raise not_found("Dieser Jobalarm wurde inzwischen abgemeldet.")
        return ctx.html(
            "alarm/confirm.html", alert=alert_view(alert), token=token, done=alert["status"] == "confirmed"
        )

    @app.post("/alarm/bestaetigen/{token}", response_class=HTMLResponse, include_in_schema=False)
    def confirm_post(token: str) -> Response:
        row = confirm_token(token)
        repo.confirm(hash_token(token), _now())
        alert = repo.get_alert(int(row["alert_id"]))
        if alert is None or alert["status"] != "confirmed":
            raise not_found("Dieser Jobalarm wurde inzwischen abgemeldet.")
        return ctx.html("alarm/confirmed.html", alert=alert_view(alert))

    # ------------------------------------------------------------------ unsubscribe

    def check_signature(alert_id: int, signature: str) -> None:
        if not (len(signature) <= 100 and verify(ctx.secret, signature, "unsubscribe", str(alert_id))):
            raise PageError(
                403, "Dieser Abmeldelink ist ungültig. Bitte verwenden Sie den Link aus der E-Mail."
            )

    @app.get("/alarm/abmelden/{alert_id}/{signature}", response_class=HTMLResponse, include_in_schema=False)
    def unsubscribe_page(alert_id: int, signature: str) -> Response:
        check_signature(alert_id, signature)
        alert = repo.get_alert(alert_id)
        return ctx.html(
            "alarm/unsubscribe.html",
            alert=alert_view(alert) if alert else None,
            action=f"/alarm/abmelden/{alert_id}/{signature}",
            done=False,
        )

    @app.post("/alarm/abmelden/{alert_id}/{signature}", response_class=HTMLResponse, include_in_schema=False)
    def unsubscribe_post(alert_id: int, signature: str) -> Response:
        check_signature(alert_id, signature)
        repo.delete_alert(alert_id)
        return ctx.html("alarm/unsubscribe.html", alert=None, action="", done=True)

    @app.get("/alarm/abmelden-1klick/{alert_id}/{signature}", include_in_schema=False)
    def one_click_get(alert_id: int, signature: str) -> Response:
        # a GET (link scanner, user pasting the header URL) must not unsubscribe: show the confirm page
        return RedirectResponse(f"/alarm/abmelden/{alert_id}/{signature}", status_code=303)

    @app.post("/alarm/abmelden-1klick/{alert_id}/{signature}", include_in_schema=False)
    def one_click_post(alert_id: int, signature: str) -> Response:
        check_signature(alert_id, signature)
        repo.delete_alert(alert_id)  # idempotent: a repeated POST finds nothing and still says "abgemeldet"
        return ctx.html("alarm/unsubscribe.html", alert=None, action="", done=True)

    # ------------------------------------------------------------------ DSGVO: access, export, deletion

    @app.get("/alarm/meine-daten", response_class=HTMLResponse, include_in_schema=False)
    def data_form() -> Response:
        return ctx.html("alarm/data_request.html", error="", sent=False, form={})

    @app.post("/alarm/meine-daten", response_class=HTMLResponse, include_in_schema=False)
    def data_request(email: str = Form("")) -> Response:
        try:
            address = validate_email(email)
        except AlertInputError as exc:
            return ctx.html(
                "alarm/data_request.html", status=400, error=str(exc), sent=False, form={"email": email[:300]}
            )
        now = _now()
        if repo.has_data(address.key):
            token, token_hash = new_token()
            mail_id = repo.data_request(address.key, token_hash, now, MAX_DATA_MAILS)
            if mail_id is None:
                return ctx.html(
                    "alarm/data_request.html",
                    status=429,
                    error=f"An diese Adresse wurden in den letzten 24 Stunden bereits {MAX_DATA_MAILS} Links "
                    "gesendet. Bitte verwenden Sie einen davon oder versuchen Sie es morgen erneut.",
                    sent=False,
                    form={"email": address.address},
                )
            try:
                mail.send(
                    data_link_message(
                        sender=settings.mail_from, to=address.address, data_url=data_url(base, token), now=now
                    )
                )
            except MailError as exc:
                log.error("Auskunfts-E-Mail nicht gesendet: %s", exc)
                repo.undo_data_request(token_hash, mail_id)
                return ctx.html(
                    "alarm/data_request.html",
                    status=503,
                    error="Die E-Mail konnte gerade nicht gesendet werden. Bitte versuchen Sie es später erneut.",
                    sent=False,
                    form={"email": address.address},
                )
        # same answer with or without stored data: the page must not reveal who subscribes
        return ctx.html("alarm/data_request.html", error="", sent=True, form={"email": address.address})

    def data_token(token: str) -> str:
        row = repo.token(hash_token(token), "data", _now()) if plausible(token) else None
        if row is None:
            raise not_found(
                "Dieser Link ist ungültig oder abgelaufen (24 Stunden). Bitte fordern Sie einen neuen an."
            )
        return str(row["email_key"])

    def jsonable(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, dict):
            return {k: jsonable(v) for k, v in value.items()}
        if isinstance(value, list):
            return [jsonable(v) for v in value]
        return value

    @app.get("/alarm/meine-daten/{token}.json", include_in_schema=False)
    def data_json(token: str) -> Response:
        data = repo.export(data_token(token))
        for alert in data["alerts"]:
            alert["query"] = AlertQuery.from_json(alert["query"]).params()
        return JSONResponse(
            jsonable(data),
            headers={
                "Content-Disposition": 'attachment; filename="stellenatlas-jobalarm-daten.json"',
                "Cache-Control": "no-store",
            },
        )

    @app.get("/alarm/meine-daten/{token}", response_class=HTMLResponse, include_in_schema=False)
    def data_page(token: str) -> Response:
        data = repo.export(data_token(token))
        alerts = [dict(a, **alert_view(a)) for a in data["alerts"]]
        response = ctx.html("alarm/data.html", data=data, alerts=alerts, token=token, deleted=False)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.post("/alarm/meine-daten/{token}/loeschen", response_class=HTMLResponse, include_in_schema=False)
    def data_delete(token: str) -> Response:
        email_key = data_token(token)
        removed = repo.delete_all(email_key)
        log.info("DSGVO-Löschung: %d Zeilen", removed)
        return ctx.html("alarm/data.html", data=None, alerts=[], token="", deleted=True)

    # ------------------------------------------------------------------ Atom feed per search

    @app.get("/suche.atom", summary="Neue Stellen einer Suche als Atom-Feed")
    def search_feed(params: Annotated[SearchParams, Query()]) -> Response:
        q, ort, umkreis = params.q, params.ort, params.umkreis
        arbeitszeit, remote, beruf = params.arbeitszeit, params.remote, params.beruf
        query = AlertQuery(
            q=" ".join(q.split())[:200],
            ort=ort.strip(),
            umkreis=umkreis,
            arbeitszeit=arbeitszeit,
            remote=remote,
            beruf=beruf,
            gehalt=params.gehalt,
        )
        if query.ort and resolve_city(query.ort) is None:
            raise PageError(400, f"Ort „{query.ort[:80]}“ nicht gefunden.")
        now = _now()
        try:
            entries, updated = feed_entries(ctx, query, now)
        except SearchQueryError as exc:
            raise PageError(400, str(exc)) from None
        authority = urlsplit(base).hostname or "localhost"
        canonical = query.search_url("")  # "/suche?..." in a stable parameter order
        xml = feed_xml(
            feed_id=f"tag:{authority},{TAG_DATE}:{canonical}",
            title=f"stellenatlas: {query.describe() if (query.q or query.ort or query.beruf) else 'neue Stellen'}",
            self_url=query.search_url(base, "/suche.atom"),
            alternate_url=query.search_url(base),
            updated=updated,
            entries=entries,
        )
        return Response(xml, media_type=ATOM_TYPE)
