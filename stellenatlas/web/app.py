"""The web site and its JSON twins: the same route serves HTML and, with a `.json` suffix, JSON."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from stellenatlas.search.tantivy_index import IndexSchemaError
from stellenatlas.services import Services, open_services
from stellenatlas.settings import Settings, load_settings, secret_key
from stellenatlas.web import render
from stellenatlas.web.accounts_views import register_accounts_routes
from stellenatlas.web.alert_views import register_alert_routes
from stellenatlas.web.errors import PageError, validation_message
from stellenatlas.web.pages import register_page_routes
from stellenatlas.web.search_views import register_search_routes
from stellenatlas.web.security import SecurityMiddleware, current_csrf_token
from stellenatlas.web.suggest_views import register_suggest_routes

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
# Paths that accept cookieless POSTs, each verifying a signed token of its own (RFC 8058 one-click unsubscribe).
CSRF_EXEMPT: tuple[str, ...] = ("/alarm/abmelden-1klick/",)
P = ParamSpec("P")
T = TypeVar("T")


@dataclass
class WebContext:
    services: Services
    settings: Settings
    env: Any
    secret: str
    _sources: tuple[float, list[dict[str, Any]]] = (0.0, [])
    _reloaded: float = 0.0
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # tests set the data's clock

    def sources(self) -> list[dict[str, Any]]:
        """Per-source posting counts, cached for a minute: they only feed labels like "Beispieldaten"."""
        stamp, value = self._sources
        if time.monotonic() - stamp > 60:
            value = self.services.store.source_counts()
            self._sources = (time.monotonic(), value)
        return value

    def sample_data(self) -> bool:
        return any(s["source"] == "sample" for s in self.sources())

    def fresh_index(self) -> Any:
        """Web workers pick up postings indexed by the (single) writer process without restart."""
        try:
            index = self.services.index
        except IndexSchemaError as exc:
            raise PageError(503, f"Die Suche ist gerade nicht verfügbar. {exc}") from None
        if time.monotonic() - self._reloaded > 2:
            index.reload()
            self._reloaded = time.monotonic()
        return index

    async def offload(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run the blocking part of a hot request (a search). With the embedded store every step is local
        CPU work (tantivy, SQLite in WAL mode, which readers never wait for): inline on the event loop, because
        a hop to a worker thread and back cost more than the work it moved, and the GIL runs one of them at a
        time anyway (1M postings, 2 workers, wrk: 3.15 instead of 3.4-3.65 ms of CPU per search). With a database
        server, waiting for it must not hold the loop: a worker thread."""
        if self.services.store.engine.dialect.name == "sqlite":
            return fn(*args, **kwargs)
        return await run_in_threadpool(fn, *args, **kwargs)

    def html(self, template: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("sample_data", self.sample_data())
        ctx.setdefault("csrf_token", current_csrf_token())
        ctx.setdefault("form", {})
        return HTMLResponse(self.env.get_template(template).render(**ctx), status_code=status)


def _warm_reference_data() -> None:
    """Load the reference tables at start-up (cached per process), not on the first visitor's request:
    municipalities, place slugs and the job-title slug index took ~0.5 s on the first page view, the title
    classifier with its piece encoder about 2 s on the first search."""
    from stellenatlas.refdata import occupations as refocc
    from stellenatlas.refdata import places as refplaces

    refplaces.by_slug("gelsenkirchen")
    refocc.occupation_by_slug("it-projektkoordinator")
    # The title classifier and its piece encoder (about 2 s together): search queries name occupations.
    from stellenatlas.normalize.occupation import default_classifier

    classifier = default_classifier()
    if classifier.encoder is not None:
        classifier.encoder.embed(["Projektkoordinator"])


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    services = open_services(settings)
    app = FastAPI(
        title="stellenatlas API",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        description="Offene Stellen und Berufsstatistiken für Deutschland. Jede Zahl mit Stichprobe (n), "
        "Quelle und Stand.",
    )
    _warm_reference_data()
    ctx = WebContext(services=services, settings=settings, env=render.make_env(), secret=secret_key(settings))
    app.state.ctx = ctx
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(
        SecurityMiddleware,  # type: ignore[arg-type]
        max_body_bytes=settings.max_body_bytes,
        csrf_exempt=CSRF_EXEMPT,
        secure_cookies=settings.base_url.startswith("https://"),
        api_rate_limit=settings.api_rate_limit,
    )

    def error_page(
        request: Request, status: int, message: str, suggestions: list[dict[str, str]]
    ) -> Response:
        if wants_json(request):
            body: dict[str, Any] = {"error": message}
            if suggestions:
                body["suggestions"] = suggestions
            return JSONResponse(body, status_code=status)
        if status == 404:
            return ctx.html("not_found.html", status=404, message=message, suggestions=suggestions)
        return ctx.html("error.html", status=status, heading="Anfrage nicht möglich", message=message)

    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError) -> Response:
        return error_page(request, exc.status, exc.message, exc.suggestions)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "Diese Seite gibt es nicht." if exc.status_code == 404 else str(exc.detail)
        return error_page(request, exc.status_code, message, [])

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        message = validation_message(exc.errors())
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=400)
        return ctx.html("error.html", status=400, heading="Ungültige Anfrage", message=message)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        message = "Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut."
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=500)
        return ctx.html("error.html", status=500, heading="Fehler", message=message)

    def home_data() -> dict[str, Any]:
        from stellenatlas.insights.pages import page_list

        return {
            "total": sum(s["active"] for s in ctx.sources()),
            "as_of": datetime.now(UTC).date().isoformat(),
            "sources": ctx.sources(),
            "top_pages": [
                {"url": p["url"], "label": f"{p['title']} in {p['city']}", "count": p["count"]}
                for p in page_list(services.store)[:30]
            ],
        }

    @app.get(
        "/.json", summary="Startseite (JSON): aktive Stellen, Quellen, Berufsseiten mit den meisten Anzeigen"
    )
    def home_json() -> dict[str, Any]:
        return home_data()

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> Response:
        return ctx.html("home.html", **home_data())

    @app.get("/datenquellen", response_class=HTMLResponse, include_in_schema=False)
    def data_sources(request: Request) -> Response:
        from stellenatlas.refdata import occupations as refocc
        from stellenatlas.refdata import places as refplaces

        return ctx.html(
            "sources.html", sources=ctx.sources(), attributions=[*refplaces.SOURCES, *refocc.SOURCES]
        )

    @app.get("/datenschutz", response_class=HTMLResponse, include_in_schema=False)
    def privacy(request: Request) -> Response:
        # The periods come from the code that enforces them, so the page cannot drift from the behaviour.
        from stellenatlas.store.alerts_repo import CONFIRM_TOKEN_TTL, DATA_TOKEN_TTL
        from stellenatlas.web.accounts_auth import LOGIN_WINDOW, SESSION_COOKIE, SESSION_TTL
        from stellenatlas.web.accounts_views import REGISTER_WINDOW, VERIFY_TTL
        from stellenatlas.web.admin_views import REPORT_WINDOW
        from stellenatlas.web.alert_views import MAX_CONFIRMATION_MAILS
        from stellenatlas.web.security import CSRF_COOKIE

        def hours(td: timedelta) -> int:
            return int(td.total_seconds() // 3600)

        return ctx.html(
            "datenschutz.html",
            csrf_cookie=CSRF_COOKIE,
            session_cookie=SESSION_COOKIE,
            session_hours=hours(SESSION_TTL),
            confirm_days=CONFIRM_TOKEN_TTL.days,
            data_hours=hours(DATA_TOKEN_TTL),
            verify_hours=hours(VERIFY_TTL),
            login_minutes=int(LOGIN_WINDOW.total_seconds() // 60),
            register_hours=hours(REGISTER_WINDOW),
            report_hours=hours(REPORT_WINDOW),
            max_confirmations=MAX_CONFIRMATION_MAILS,
        )

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> Response:
        return ctx.html(
            "api.html",
            routes=sorted(
                (str(getattr(r, "path", "")), getattr(r, "summary", "") or "")
                for r in app.routes
                if getattr(r, "include_in_schema", False)
            ),
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, Any]:
        # a load balancer calls this often: the cached per-source counts, not a COUNT over all postings
        return {"ok": True, "postings": sum(s["active"] for s in ctx.sources())}

    @app.get("/robots.txt", response_class=PlainTextResponse, include_in_schema=False)
    def robots() -> str:
        return f"User-agent: *\nDisallow: /suche\nAllow: /\nSitemap: {settings.base_url}/sitemap.xml\n"

    @app.get("/sitemap.xml", include_in_schema=False)
    def sitemap() -> Response:
        from xml.sax.saxutils import escape

        from stellenatlas.insights.pages import page_list

        urls = [f"{settings.base_url}/"] + [
            f"{settings.base_url}{p['url']}" for p in page_list(services.store)
        ]
        body = "".join(f"<url><loc>{escape(u)}</loc></url>" for u in urls[:50_000])
        xml = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'
        )
        return Response(xml, media_type="application/xml")

    register_search_routes(app, ctx)
    register_suggest_routes(app, ctx)
    register_alert_routes(app, ctx)
    register_accounts_routes(app, ctx)
    register_page_routes(app, ctx)

    return app
