"""Search page and its JSON twin."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Annotated, Any, cast
from urllib.parse import urlencode

from fastapi import FastAPI, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field
from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine

from stellenatlas.domain import Posting
from stellenatlas.domain.models import Remote, Salary, WorkingTime
from stellenatlas.insights.pages import resolve_city
from stellenatlas.refdata import places as refplaces
from stellenatlas.search.base import SearchHit, SearchQuery, SearchQueryError, SearchResult, SortKey
from stellenatlas.store.db import READ_ONLY_OPTION
from stellenatlas.store.mapping import salary_from_row, to_enum, utc
from stellenatlas.store.schema import employers, posting_places, postings
from stellenatlas.web import render

if TYPE_CHECKING:
    from stellenatlas.web.app import WebContext

MAX_DAYS = 365
FACET_PARAMS = {"working_time": "arbeitszeit", "remote": "remote", "employer": "arbeitgeber", "kldb": "beruf"}
SORT_LABELS = (("relevance", "Relevanz"), ("date", "Datum"), ("distance", "Entfernung"), ("salary", "Gehalt"))
FACET_LABELS = {
    "working_time": {k.value: v for k, v in render.WORKING_TIME.items()},
    "remote": {k.value: v for k, v in render.REMOTE.items()},
}


def _digits(max_len: int) -> Callable[[object], int]:
    """A whole number typed into a form field: "" (nothing chosen) is 0, anything but digits is refused."""

    def parse(value: object) -> int:
        text = str(value)
        if len(text) > max_len or (text and not text.isdigit()) or not text.isascii():
            raise ValueError("not a whole number")
        return int(text or 0)

    return parse


class SearchParams(BaseModel):
    """The query parameters of a search, validated once for /suche, /suche.json and /suche.atom.

    A query-parameter model, not a class dependency: FastAPI validates it on the event loop, where a
    dependency class would cost a thread hop of its own on every search."""

    q: str = Field("", max_length=10_000, description="Stichworte, z. B. „IT Projektkoordinator“")
    ort: str = Field("", max_length=200, description="Ort oder PLZ")
    umkreis: int = Field(25, ge=0, le=200, description="Umkreis in km (0 = nur der Ort)")
    arbeitszeit: str = Field("", pattern="^(|vollzeit|teilzeit|minijob)$")
    remote: str = Field("", pattern="^(|vor_ort|hybrid|remote)$")
    beruf: str = Field(
        "", pattern="^[0-9]{0,5}$", description="KldB-2010-Code, beliebige Ebene (1–5 Stellen)"
    )
    sort: str = Field("", pattern="^(|relevance|date|distance|salary)$")
    page: int = Field(1, ge=1, le=1_000_000)
    arbeitgeber: str = Field("", max_length=200, description="Arbeitgeber (genauer Name)")
    # the form sends "gehalt=&seit=" when nothing is chosen: blank is 0
    gehalt: Annotated[int, BeforeValidator(_digits(6))] = Field(
        0, description="Mindestgehalt in € brutto pro Monat (Vollzeit); nur Anzeigen mit Gehaltsangabe"
    )
    seit: Annotated[int, BeforeValidator(_digits(3)), AfterValidator(lambda d: min(d, MAX_DAYS))] = Field(
        0, description="Nur Anzeigen, die in den letzten N Tagen erschienen (1–365)"
    )


def since_days(now: datetime, days: int) -> datetime:
    """ "In den letzten N Tagen": from midnight (UTC) N days ago, so the bound is the same all day long
    (a whole day of the index's date buckets, and one facet cache entry per day instead of per second)."""
    return datetime.combine(now.astimezone(UTC).date() - timedelta(days=days), time.min, tzinfo=UTC)


def facet_label(name: str, value: str) -> str:
    if name == "city":
        place = refplaces.get(value)
        return place.name if place else value
    return FACET_LABELS.get(name, {}).get(value, value)


def _summary(
    *,
    posting_id: int | None,
    title: str,
    employer: str,
    place_ags: Sequence[str],
    location_text: str,
    kldb: str,
    posted_at: datetime | None,
    working_time: WorkingTime,
    remote: Remote,
    salary: Salary | None,
    distance_km: float | None,
    source: str,
) -> dict[str, Any]:
    """One result row as the search page, the JSON API, the Atom feed and alert mails show it."""
    municipalities = refplaces.municipalities()
    names = [municipalities[a].name for a in place_ags if a in municipalities]
    return {
        "id": posting_id,
        "title": title,
        "employer": employer,
        "location": ", ".join(names) or location_text,
        "ags": list(place_ags),
        "kldb": kldb,
        "posted_at": posted_at.date().isoformat() if posted_at else None,
        "working_time": working_time.value,
        "remote": remote.value,
        "salary": render.salary_label(salary),
        "distance_km": None if distance_km is None else round(distance_km, 1),
        "url": f"/jobs/{posting_id}",
        "source": source,
    }


def job_summary(p: Posting, distance_km: float | None) -> dict[str, Any]:
    return _summary(
        posting_id=p.id,
        title=p.title,
        employer=p.employer.name,
        place_ags=p.place_ags,
        location_text=p.location_text,
        kldb=p.kldb,
        posted_at=p.posted_at,
        working_time=p.working_time,
        remote=p.remote,
        salary=p.salary,
        distance_km=distance_km,
        source=p.source,
    )


# Only what a result row shows: a full Posting load (description, skills JSON, every enum) cost about as
# much as the search itself. Built once; SQLAlchemy caches the compiled form.
_SUMMARY_COLUMNS = (
    postings.c.id,
    postings.c.title,
    employers.c.name.label("employer_name"),
    postings.c.location_text,
    postings.c.kldb,
    postings.c.posted_at,
    postings.c.working_time,
    postings.c.remote,
    postings.c.salary_min,
    postings.c.salary_max,
    postings.c.salary_period,
    postings.c.salary_currency,
    postings.c.salary_gross,
    postings.c.salary_tariff,
    postings.c.salary_text,
    postings.c.source,
)
_SUMMARY_SELECT = (
    select(*_SUMMARY_COLUMNS)
    .select_from(postings.outerjoin(employers, postings.c.employer_id == employers.c.id))
    .where(postings.c.id.in_(bindparam("ids", expanding=True)))
)
_PLACES_SELECT = (
    select(posting_places.c.posting_id, posting_places.c.ags)
    .where(posting_places.c.posting_id.in_(bindparam("ids", expanding=True)))
    .order_by(posting_places.c.posting_id, posting_places.c.position)
)


def hit_summaries(engine: Engine, hits: Sequence[SearchHit]) -> list[dict[str, Any]]:
    """`job_summary` of each hit whose posting exists, in hit order, read with two narrow queries."""
    ids = [h.posting_id for h in hits]
    if not ids:
        return []
    with engine.connect().execution_options(**{READ_ONLY_OPTION: True}) as conn:
        # .all() and attribute access: the mapping view per row cost more than the query (20 rows: ~0.3 ms)
        rows = {r.id: r for r in conn.execute(_SUMMARY_SELECT, {"ids": ids}).all()}
        place_ags: dict[int, list[str]] = {}
        for pid, ags in conn.execute(_PLACES_SELECT, {"ids": ids}).all():
            place_ags.setdefault(pid, []).append(ags)
    out = []
    for h in hits:
        r = rows.get(h.posting_id)
        if r is None:
            continue
        out.append(
            _summary(
                posting_id=r.id,
                title=r.title,
                employer=r.employer_name or "",
                place_ags=place_ags.get(h.posting_id, []),
                location_text=r.location_text,
                kldb=r.kldb,
                posted_at=utc(r.posted_at),
                working_time=to_enum(WorkingTime, r.working_time, WorkingTime.UNKNOWN),
                remote=to_enum(Remote, r.remote, Remote.UNKNOWN),
                salary=salary_from_row(r._mapping),
                distance_km=h.distance_km,
                source=r.source,
            )
        )
    return out


def register_search_routes(app: FastAPI, ctx: WebContext) -> None:
    settings = ctx.settings

    def run(p: SearchParams) -> tuple[dict[str, Any], SearchResult | None, list[dict[str, Any]], Any, str]:
        q, ort, umkreis, page = p.q, p.ort, p.umkreis, p.page
        form = {
            "q": q,
            "ort": ort,
            "umkreis": umkreis,
            "arbeitszeit": p.arbeitszeit,
            "remote": p.remote,
            "beruf": p.beruf,
            "arbeitgeber": p.arbeitgeber,
            "gehalt": p.gehalt or "",
            "seit": p.seit or "",
            "sort": p.sort,
        }
        message = ""
        place = None
        lat = lon = radius = None
        if ort.strip():
            place = resolve_city(ort)
            if place is None:
                message = f"Ort „{ort[:80]}“ nicht gefunden – Ergebnisse aus ganz Deutschland."
            else:
                lat, lon, radius = place.lat, place.lon, float(umkreis) if umkreis else 0.0
        if page > settings.max_page:
            message = f"Es werden höchstens {settings.max_page} Seiten angezeigt."
            page = settings.max_page
        sort_key = p.sort or ("distance" if place and not q else "relevance")
        query = SearchQuery(
            text=q,
            kldb_prefix=p.beruf,
            lat=lat,
            lon=lon,
            radius_km=radius,
            working_time=p.arbeitszeit or None,
            remote=p.remote or None,
            employer=p.arbeitgeber.strip() or None,
            salary_min_monthly=float(p.gehalt) if p.gehalt else None,
            posted_since=since_days(ctx.clock(), p.seit) if p.seit else None,
            sort=cast(SortKey, sort_key),
            page=page,
            page_size=settings.page_size,
        )
        try:
            result = ctx.fresh_index().search(query)
        except SearchQueryError as exc:
            return form, None, [], place, str(exc)
        jobs = hit_summaries(ctx.services.store.engine, result.hits)
        return form, result, jobs, place, message

    def page_url(form: dict[str, Any], page: int, **changes: Any) -> str:
        params = {k: v for k, v in {**form, **changes}.items() if v not in ("", None)}
        if page > 1:
            params["page"] = page
        return "/suche?" + urlencode(params)

    def facet_url(form: dict[str, Any], name: str, value: str) -> str:
        """Link that narrows the current search to one facet value (page 1)."""
        if name == "city":
            place = refplaces.get(value)
            return page_url(form, 1, ort=place.name if place else value, umkreis=0)
        param = FACET_PARAMS[name]
        return page_url(form, 1, **{param: "" if form.get(param) == value else value})

    @app.get("/suche.json", summary="Stellensuche (JSON)")
    async def search_json(params: Annotated[SearchParams, Query()]) -> Response:
        form, result, jobs, place, message = await ctx.offload(run, params)
        if result is None:
            return JSONResponse({"error": message}, status_code=400)
        return JSONResponse(
            {
                "query": form,
                "message": message or None,
                "place": None if place is None else {"ags": place.ags, "name": place.name},
                "total": result.total,
                "page": result.page,
                "page_size": result.page_size,
                "jobs": jobs,
                "facets": {
                    k: [{"value": v, "count": n} for v, n in vals] for k, vals in result.facets.items()
                },
            }
        )

    @app.get("/suche", response_class=HTMLResponse, include_in_schema=False)
    async def search_html(params: Annotated[SearchParams, Query()]) -> Response:
        # rendered where the search ran: the page reads the store once more (source counts for its labels)
        return await ctx.offload(search_page, params)

    def search_page(params: SearchParams) -> Response:
        form, result, jobs, place, message = run(params)
        if result is None:
            return ctx.html("error.html", status=400, heading="Ungültige Suche", message=message)
        last_page = min(settings.max_page, max(1, -(-result.total // result.page_size)))
        return ctx.html(
            "search.html",
            form=form,
            result=result,
            jobs=jobs,
            place=place,
            message=message,
            facet_label=facet_label,
            facet_url=lambda name, value: facet_url(form, name, value),
            sort_urls=[
                (key, label, page_url(form, 1, sort=key))
                for key, label in SORT_LABELS
                if key != "distance" or place is not None
            ],
            prev_url=page_url(form, result.page - 1) if result.page > 1 else None,
            next_url=page_url(form, result.page + 1) if result.page < last_page else None,
        )
