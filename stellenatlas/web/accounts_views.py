"""Employer pages: registration with e-mail verification, login/logout, dashboard, company profile, and the
form to post, edit and end a job. Admin queue and job reports: admin_views.py.

Access rules (proved by tests/web/test_access_matrix.py): anonymous visitors of a private page are sent to the
login (303); an account of the wrong role gets 403; a posting id that is not the employer's own gives 404, the
same answer as an unknown id, so no one learns which ids exist.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from stellenatlas.accounts import forms
from stellenatlas.accounts.publish import description_parts, reindex, save_job
from stellenatlas.accounts.sanitize import clean_html
from stellenatlas.accounts.secrets import hash_password, needs_rehash, new_token, token_hash, verify_password
from stellenatlas.domain import Posting, PostingStatus
from stellenatlas.normalize.occupation import classify_title
from stellenatlas.normalize.pipeline import Rejected
from stellenatlas.normalize.places import resolve_place
from stellenatlas.refdata import occupations as refocc
from stellenatlas.store.accounts_repo import AccountsRepo, EmailTaken
from stellenatlas.web import render
from stellenatlas.web.accounts_auth import TOO_MANY, Auth, LoginRequired
from stellenatlas.web.errors import PageError, not_found

if TYPE_CHECKING:
    from stellenatlas.web.app import WebContext

log = logging.getLogger(__name__)
VERIFY_TTL = timedelta(hours=48)
REGISTER_WINDOW = timedelta(hours=1)
REGISTER_MAX_PER_IP = 10
PAGE_SIZE = 20
EDITABLE = (PostingStatus.ACTIVE, PostingStatus.PENDING)


def posting_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise not_found("Diese Stellenanzeige gibt es nicht.")
    return int(raw)


def page_window(page: int, total: int, size: int = PAGE_SIZE) -> tuple[int, int, int]:
    """(page, last_page, offset) with `page` capped to the last page: deep pages cost no deep OFFSET."""
    last = max(1, -(-total // size))
    page = min(max(1, page), last)
    return page, last, (page - 1) * size


def _form_dict(form: Any) -> dict[str, Any]:
    return {k: v for k, v in form.items() if isinstance(v, str)}


def register_accounts_routes(app: FastAPI, ctx: WebContext) -> None:
    store = ctx.services.store
    repo = AccountsRepo(ctx.services.engine)
    auth = Auth(repo, ctx.secret, ctx.settings.base_url.startswith("https://"))
    base_url = ctx.settings.base_url
    from stellenatlas.alerts.mailer import mailer_from_settings

    # tests and the CLI may replace the mailer on app.state
    app.state.accounts_mailer = mailer_from_settings(ctx.settings)
    app.state.accounts_repo = repo

    def employer_description(job: Posting) -> Markup | None:
        """Sanitized HTML of an employer's posting for job.html; None for other sources (shown as text)."""
        if job.source != "arbeitgeber" or job.id is None:
            return None
        stored = repo.description_html(job.id)
        # cleaned again on output: a row written by an older, laxer cleaner cannot inject anything
        return Markup(clean_html(stored)) if stored else None  # noqa: S704 (nh3 output)

    ctx.env.globals["employer_description"] = employer_description

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse("/arbeitgeber/anmelden", status_code=303)

    def send_mail(request: Request, to: str, subject: str, body: str) -> bool:
        msg = EmailMessage()
        msg["From"] = ctx.settings.mail_from
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = formatdate(localtime=False, usegmt=True)
        msg["Message-ID"] = make_msgid(domain="stellenatlas")
        msg["Auto-Submitted"] = "auto-generated"
        msg.set_content(body)
        try:
            request.app.state.accounts_mailer.send(msg)
            return True
        except Exception:  # MailError or a broken mailer: the visitor gets a clear page, the log the cause
            log.exception("account mail to %s failed", to.split("@")[-1])
            return False

    def send_verification(request: Request, account: dict[str, Any]) -> bool:
        token = new_token()
        repo.add_token(account["id"], "verify", token_hash(token), VERIFY_TTL)
        link = f"{base_url}/arbeitgeber/bestaetigen?token={token}"
        body = (
            f"Guten Tag,\n\nbitte bestätigen Sie die E-Mail-Adresse Ihres Arbeitgeberkontos "
            f"„{account['company_name']}“ bei stellenatlas:\n\n{link}\n\n"
            "Der Link ist 48 Stunden gültig. Wenn Sie sich nicht registriert haben, ignorieren Sie diese E-Mail; "
            "ohne Bestätigung wird das Konto nicht freigeschaltet.\n\n– stellenatlas\n"
        )
        return send_mail(request, account["email"], "Bitte bestätigen Sie Ihre E-Mail-Adresse", body)

    # ------------------------------------------------------------------ public: landing, register, verify

    @app.get("/arbeitgeber", response_class=HTMLResponse, include_in_schema=False)
    def employer_start(request: Request, abgemeldet: str = Query("", max_length=1)) -> Response:
        account = auth.current(request)
        return ctx.html(
            "arbeitgeber/start.html", account=account, logged_out=bool(abgemeldet) and not account
        )

    @app.get("/arbeitgeber/registrieren", response_class=HTMLResponse, include_in_schema=False)
    def register_form(request: Request) -> Response:
        return ctx.html("arbeitgeber/registrieren.html", errors={})

    @app.post("/arbeitgeber/registrieren", response_class=HTMLResponse, include_in_schema=False)
    async def register(request: Request) -> Response:
        form = _form_dict(await request.form())
        ip = "ip:" + auth.client_key(request)
        if auth.limited("register", ip, REGISTER_MAX_PER_IP, REGISTER_WINDOW):
            return ctx.html("error.html", status=429, heading="Zu viele Versuche", message=TOO_MANY)
        reg, errors = forms.validate_registration(form)
        shown = {"firma": reg.company_name, "email": reg.email}
        if errors:
            return ctx.html("arbeitgeber/registrieren.html", status=400, errors=errors, form=shown)
        auth.hit("register", ip, REGISTER_WINDOW)
        hashed = hash_password(reg.password)  # also when the address exists: same time either way
        sent = True
        try:
            account_id = repo.create_account(
                email=reg.email,
                password_hash=hashed,
                company_name=reg.company_name,
                slug=forms.slugify(reg.company_name),
            )
            account = repo.account(account_id)
            assert account is not None
            sent = send_verification(request, account)
        except EmailTaken:
            # Same answer as for a new address (no account enumeration); the owner learns it by mail.
            existing = repo.account_by_email(reg.email)
            if existing is not None and existing["verified_at"] is None:
                sent = send_verification(request, existing)
            elif existing is not None:
                sent = send_mail(
                    request,
                    existing["email"],
                    "Ihr Arbeitgeberkonto bei stellenatlas",
                    "Guten Tag,\n\nfür diese E-Mail-Adresse besteht bereits ein Arbeitgeberkonto. Melden Sie "
                    f"sich hier an: {base_url}/arbeitgeber/anmelden\n\n– stellenatlas\n",
                )
        if not sent:
            message = "Die Bestätigungs-E-Mail konnte gerade nicht versendet werden. Bitte versuchen Sie es später erneut."
            return ctx.html("error.html", status=503, heading="E-Mail nicht versendet", message=message)
        return ctx.html("arbeitgeber/info.html", heading="Fast geschafft", message=(
            f"Wir haben eine E-Mail an {reg.email} geschickt. Bitte bestätigen Sie Ihre Adresse über den Link "
            "darin; danach können Sie sich anmelden."
        ))  # fmt: skip

    @app.get("/arbeitgeber/bestaetigen", response_class=HTMLResponse, include_in_schema=False)
    def verify_form(request: Request, token: str = Query("", max_length=100)) -> Response:
        # GET only shows a button: mail scanners that follow links confirm nothing
        if not token or repo.token_account(token_hash(token), "verify") is None:
            message = "Der Bestätigungslink ist ungültig oder abgelaufen. Registrieren Sie sich erneut, um einen neuen Link zu erhalten."
            return ctx.html("error.html", status=400, heading="Link ungültig", message=message)
        return ctx.html("arbeitgeber/bestaetigen.html", token=token)

    @app.post("/arbeitgeber/bestaetigen", response_class=HTMLResponse, include_in_schema=False)
    async def verify(request: Request) -> Response:
        token = str((await request.form()).get("token", ""))[:100]
        account_id = repo.use_token(token_hash(token), "verify") if token else None
        if account_id is None:
            message = "Der Bestätigungslink ist ungültig, abgelaufen oder wurde schon benutzt."
            return ctx.html("error.html", status=400, heading="Link ungültig", message=message)
        account = repo.account(account_id)
        if account is not None and account["verified_at"] is None:
            repo.update_account(account_id, verified_at=datetime.now(UTC))
        return ctx.html("arbeitgeber/info.html", heading="E-Mail-Adresse bestätigt", message=(
            "Vielen Dank! Ihr Konto ist aktiv. Sie können sich jetzt anmelden."
        ), link=("/arbeitgeber/anmelden", "Zur Anmeldung"))  # fmt: skip

    # ------------------------------------------------------------------ login / logout

    @app.get("/arbeitgeber/anmelden", response_class=HTMLResponse, include_in_schema=False)
    def login_form(request: Request) -> Response:
        return ctx.html("arbeitgeber/anmelden.html", errors={}, account=auth.current(request))

    @app.post("/arbeitgeber/anmelden", response_class=HTMLResponse, include_in_schema=False)
    async def login(request: Request) -> Response:
        form = _form_dict(await request.form())
        email = forms.text(form, "email")[:254]
        password = form.get("passwort", "")[:300]
        key = forms.email_key(email)
        shown = {"email": email}
        if auth.login_blocked(request, key):
            return ctx.html("arbeitgeber/anmelden.html", status=429, errors={"_": TOO_MANY}, form=shown)
        account = repo.account_by_email(key) if email else None
        if not verify_password(account["password_hash"] if account else None, password) or account is None:
            auth.login_failed(request, key)
            errors = {"_": "E-Mail-Adresse oder Passwort ist falsch."}
            return ctx.html("arbeitgeber/anmelden.html", status=400, errors=errors, form=shown)
        if account["verified_at"] is None:
            errors = {"_": "Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse über den Link in unserer E-Mail."}
            return ctx.html("arbeitgeber/anmelden.html", status=403, errors=errors, form=shown)
        auth.login_succeeded(key)
        if needs_rehash(account["password_hash"]):
            repo.update_account(account["id"], password_hash=hash_password(password))
        target = "/admin/pruefung" if account["role"] == "admin" else "/arbeitgeber/konto"
        response = RedirectResponse(target, status_code=303)
        auth.login(request, response, account["id"])
        return response

    @app.post("/arbeitgeber/abmelden", include_in_schema=False)
    def logout(request: Request) -> Response:
        response = RedirectResponse("/arbeitgeber?abgemeldet=1", status_code=303)
        auth.logout(request, response)
        return response

    # ------------------------------------------------------------------ dashboard and profile (owner only)

    @app.get("/arbeitgeber/konto", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(
        request: Request,
        page: int = Query(1, ge=1, le=1_000_000),
        gespeichert: str = Query("", max_length=20),
        beendet: str = Query("", max_length=20),
    ) -> Response:
        account = auth.require(request, "employer")
        total, _ = repo.list_owned(account["id"], limit=0)
        page, last, offset = page_window(page, total)
        _, rows = repo.list_owned(account["id"], limit=PAGE_SIZE, offset=offset)
        for r in rows:
            r["status_label"] = render.STATUS[PostingStatus(r["status"])]
        # the redirect after saving or ending names the posting: a confirmation, only for the owner's own ids
        notice = None
        for raw, action in ((gespeichert, "saved"), (beendet, "ended")):
            if raw.isdigit() and len(raw) <= 18:
                posting = store.get_posting(int(raw)) if repo.owned(account["id"], int(raw)) else None
                if posting is not None:
                    notice = {
                        "action": action,
                        "id": posting.id,
                        "title": posting.title,
                        "status": posting.status,
                    }
        return ctx.html(
            "arbeitgeber/konto.html",
            account=account,
            jobs=rows,
            page=page,
            last_page=last,
            total=total,
            notice=notice,
        )

    @app.get("/arbeitgeber/profil", response_class=HTMLResponse, include_in_schema=False)
    def profile_form(request: Request) -> Response:
        account = auth.require(request, "employer")
        shown = {
            "beschreibung": account["description"],
            "website": account["website"],
            "ort": account["location"],
        }
        return ctx.html("arbeitgeber/profil.html", account=account, errors={}, form=shown)

    @app.post("/arbeitgeber/profil", response_class=HTMLResponse, include_in_schema=False)
    async def profile_save(request: Request) -> Response:
        account = auth.require(request, "employer")
        form = _form_dict(await request.form())
        profile, errors = forms.validate_profile(form)
        if errors:
            shown = {"beschreibung": profile.description, "website": profile.website, "ort": profile.location}
            return ctx.html("arbeitgeber/profil.html", status=400, account=account, errors=errors, form=shown)
        repo.update_account(
            account["id"], description=profile.description, website=profile.website, location=profile.location
        )
        return RedirectResponse(f"/arbeitgeber/{account['slug']}", status_code=303)

    # ------------------------------------------------------------------ post / edit / end a job

    def own_posting(account: dict[str, Any], raw_id: str) -> tuple[Posting, dict[str, Any]]:
        pid = posting_id(raw_id)
        owned = repo.owned(account["id"], pid)
        posting = store.get_posting(pid) if owned else None
        if owned is None or posting is None:
            raise not_found("Diese Stellenanzeige gibt es nicht.")
        return posting, owned

    def preview(job: forms.JobForm) -> dict[str, Any]:
        match = resolve_place(job.location)
        occupation = classify_title(job.title)
        occ = refocc.kldb(occupation.kldb) if occupation.kldb else None
        cleaned, _ = description_parts(job)
        return {
            "places": [f"{p.name} ({p.kreis}, {p.land})" for p in match.places[:5]],
            "place_status": match.status,
            "remote": match.remote,
            "occupation": f"{occ.title} (KldB {occ.kldb})" if occ else "",
            "matched_title": occupation.matched_title,
            "confidence": round(occupation.confidence * 100),
            "description_html": Markup(cleaned),  # noqa: S704 (nh3 output)
            "salary": job.salary_text,
        }

    def job_form_page(
        account: dict[str, Any],
        action: str,
        form: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
        **extra: Any,
    ) -> Response:
        return ctx.html(
            "arbeitgeber/stelle.html",
            status=status,
            account=account,
            action=action,
            form=form,
            errors=errors,
            periods=forms.PERIOD_LABEL,
            reviewed=account["approved_at"] is None,
            **extra,
        )

    async def submit_job(
        request: Request, account: dict[str, Any], action: str, existing: Posting | None
    ) -> Response:
        form = _form_dict(await request.form())
        job, errors = forms.validate_job(form, datetime.now(UTC).date())
        if errors:
            return job_form_page(account, action, job.fields, errors, status=400, existing=existing)
        if form.get("aktion") == "vorschau":
            return job_form_page(account, action, job.fields, {}, preview=preview(job), existing=existing)
        try:
            published = save_job(
                job, account, store=store, repo=repo, index_of=lambda: ctx.services.index, existing=existing
            )
        except Rejected as exc:
            errors = {"_": f"Die Anzeige konnte nicht gespeichert werden: {exc}."}
            return job_form_page(account, action, job.fields, errors, status=400, existing=existing)
        return RedirectResponse(f"/arbeitgeber/konto?gespeichert={published.posting_id}", status_code=303)

    @app.get("/arbeitgeber/stellen/neu", response_class=HTMLResponse, include_in_schema=False)
    def new_job_form(request: Request) -> Response:
        account = auth.require(request, "employer")
        return job_form_page(account, "/arbeitgeber/stellen/neu", {"gehalt_zeitraum": "monat"}, {})

    @app.post("/arbeitgeber/stellen/neu", response_class=HTMLResponse, include_in_schema=False)
    async def new_job(request: Request) -> Response:
        account = auth.require(request, "employer")
        return await submit_job(request, account, "/arbeitgeber/stellen/neu", None)

    def editable(posting: Posting) -> None:
        if posting.status not in EDITABLE:
            raise PageError(
                409,
                f"Diese Anzeige ist {render.STATUS[posting.status]} und kann nicht mehr bearbeitet werden.",
            )

    @app.get("/arbeitgeber/stellen/{job_id}/bearbeiten", response_class=HTMLResponse, include_in_schema=False)
    def edit_job_form(request: Request, job_id: str) -> Response:
        account = auth.require(request, "employer")
        posting, owned = own_posting(account, job_id)
        editable(posting)
        action = f"/arbeitgeber/stellen/{posting.id}/bearbeiten"
        return job_form_page(account, action, owned["form"], {}, existing=posting)

    @app.post(
        "/arbeitgeber/stellen/{job_id}/bearbeiten", response_class=HTMLResponse, include_in_schema=False
    )
    async def edit_job(request: Request, job_id: str) -> Response:
        account = auth.require(request, "employer")
        posting, _ = own_posting(account, job_id)
        editable(posting)
        return await submit_job(request, account, f"/arbeitgeber/stellen/{posting.id}/bearbeiten", posting)

    @app.post("/arbeitgeber/stellen/{job_id}/beenden", include_in_schema=False)
    def end_job(request: Request, job_id: str) -> Response:
        account = auth.require(request, "employer")
        posting, _ = own_posting(account, job_id)
        if posting.status in EDITABLE and posting.id is not None:
            store.set_status(posting.id, PostingStatus.EXPIRED)
            reindex(lambda: ctx.services.index, store, [posting.id])
            return RedirectResponse(f"/arbeitgeber/konto?beendet={posting.id}", status_code=303)
        return RedirectResponse("/arbeitgeber/konto", status_code=303)

    # ------------------------------------------------------------------ public company profile (last: catch-all)

    @app.get("/arbeitgeber/{slug}", response_class=HTMLResponse, include_in_schema=False)
    def company(request: Request, slug: str, page: int = Query(1, ge=1, le=1_000_000)) -> Response:
        account = repo.account_by_slug(slug[:120]) if len(slug) <= 120 else None
        if account is None or account["verified_at"] is None:
            raise not_found("Diesen Arbeitgeber gibt es bei stellenatlas nicht.")
        total, _ = repo.list_owned(account["id"], status=PostingStatus.ACTIVE.value, limit=0)
        page, last, offset = page_window(page, total)
        _, rows = repo.list_owned(
            account["id"], status=PostingStatus.ACTIVE.value, limit=PAGE_SIZE, offset=offset
        )
        org: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Organization",
            "name": account["company_name"],
        }
        if account["website"]:
            org["url"] = account["website"]
        if account["description"]:
            org["description"] = account["description"]
        return ctx.html(
            "arbeitgeber/firma.html",
            company=account,
            jobs=rows,
            total=total,
            page=page,
            last_page=last,
            canonical=f"{base_url}/arbeitgeber/{account['slug']}",
            jsonld=render.json_for_script(org),
        )

    from stellenatlas.web.admin_views import register_admin_routes

    register_admin_routes(app, ctx, repo, auth)
