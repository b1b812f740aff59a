"""Search page and its JSON twin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, cast
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Query
from fastapi.responses import HTMLResponse, JSONResponse, Response

from stellenatlas.domain import Posting
from stellenatlas.insights.pages import resolve_city
from stellenatlas.refdata import places as refplaces
from stellenatlas.search.base import SearchQuery, SearchQueryError, SearchResult, SortKey
from stellenatlas.web import render

if TYPE_CHECKING:
    from stellenatlas.web.app import WebContext

FACET_PARAMS = {"working_time": "arbeitszeit", "remote": "remote", "employer": "arbeitgeber", "kldb": "beruf"}
SORT_LABELS = (("relevance", "Relevanz"), ("date", "Datum"), ("distance", "Entfernung"), ("salary", "Gehalt"))
FACET_LABELS = {
    "working_time": {k.value: v for k, v in render.WORKING_TIME.items()},
    "remote": {k.value: v for k, v in render.REMOTE.items()},
}


class SearchParams:
    """The query parameters of a search, validated once for /suche, /suche.json and /suche.atom."""

    def __init__(
        self,
        q: str = Query("", max_length=10_000, description="Stichworte, z. B. „IT Projektkoordinator“"),
        ort: str = Query("", max_length=200, description="Ort oder PLZ"),
        umkreis: int = Query(25, ge=0, le=200, description="Umkreis in km (0 = nur der Ort)"),
        arbeitszeit: str = Query("", pattern="^(|vollzeit|teilzeit|minijob)$"),
        remote: str = Query("", pattern="^(|vor_ort|hybrid|remote)$"),
        beruf: str = Query(
            "", pattern="^[0-9]{0,5}$", description="KldB-2010-Code, beliebige Ebene (1–5 Stellen)"
        ),
        sort: str = Query("", pattern="^(|relevance|date|distance|salary)$"),
        page: int = Query(1, ge=1, le=1_000_000),
        arbeitgeber: str = Query("", max_length=200, description="Arbeitgeber (genauer Name)"),
    ) -> None:
        self.q, self.ort, self.umkreis, self.arbeitszeit, self.remote = q, ort, umkreis, arbeitszeit, remote
        self.beruf, self.sort, self.page, self.arbeitgeber = beruf, sort, page, arbeitgeber


def facet_label(name: str, value: str) -> str:
    if name == "city":
        place = refplaces.get(value)
        return place.name if place else value
    return FACET_LABELS.get(name, {}).get(value, value)


def job_summary(p: Posting, distance_km: float | None) -> dict[str, Any]:
    municipalities = refplaces.municipalities()
    names = [municipalities[a].name for a in p.place_ags if a in municipalities]
    return {
        "id": p.id,
        "title": p.title,
        "employer": p.employer.name,
        "location": ", ".join(names) or p.location_text,
        "ags": list(p.place_ags),
        "kldb": p.kldb,
        "posted_at": p.posted_at.date().isoformat() if p.posted_at else None,
        "working_time": p.working_time.value,
        "remote": p.remote.value,
        "salary": render.salary_label(p.salary),
        "distance_km": None if distance_km is None else round(distance_km, 1),
        "url": f"/jobs/{p.id}",
        "source": p.source,
    }


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
            sort=cast(SortKey, sort_key),
            page=page,
            page_size=settings.page_size,
        )
        try:
            result = ctx.fresh_index().search(query)
        except SearchQueryError as exc:
            return form, None, [], place, str(exc)
        by_id = {p.id: p for p in ctx.services.store.get_postings([h.posting_id for h in result.hits])}
        jobs = [job_summary(by_id[h.posting_id], h.distance_km) for h in result.hits if h.posting_id in by_id]
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
    def search_json(params: Annotated[SearchParams, Depends()]) -> Response:
        form, result, jobs, place, message = run(params)
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
    def search_html(params: Annotated[SearchParams, Depends()]) -> Response:
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
