"""Job detail and occupation × city pages, each with a JSON twin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, Response

from stellenatlas.domain import Posting, PostingStatus
from stellenatlas.insights.export import to_csv
from stellenatlas.insights.fmt import de_int, eur
from stellenatlas.insights.narrative import narrative
from stellenatlas.insights.pages import (
    PageNotFound,
    PageRef,
    find_page,
    page_url,
    resolve_city,
    resolve_occupation,
)
from stellenatlas.insights.precompute import load_facts
from stellenatlas.refdata import occupations as refocc
from stellenatlas.refdata import places as refplaces
from stellenatlas.web import render
from stellenatlas.web.errors import not_found

if TYPE_CHECKING:
    from stellenatlas.web.app import WebContext


def _job_id(raw: str) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise not_found(f"Keine Stellenanzeige mit der Nummer „{raw[:40]}“.")
    return int(raw)


def posting_json(p: Posting) -> dict[str, Any]:
    municipalities = refplaces.municipalities()
    return {
        "id": p.id,
        "source": p.source,
        "source_id": p.source_id,
        "title": p.title,
        "employer": {"name": p.employer.name, "sector": p.employer.sector.value},
        "description": p.description,
        "location_text": p.location_text,
        "places": [
            {
                "ags": a,
                "name": municipalities[a].name,
                "lat": municipalities[a].lat,
                "lon": municipalities[a].lon,
            }
            for a in p.place_ags
            if a in municipalities
        ],
        "kldb": p.kldb or None,
        "occupation_confidence": p.occupation_confidence,
        "salary": None
        if p.salary is None
        else {
            "min": p.salary.min,
            "max": p.salary.max,
            "period": p.salary.period.value,
            "currency": p.salary.currency,
            "gross": p.salary.gross,
            "tariff": p.salary.tariff or None,
            "monthly_min": p.salary.monthly_min,
            "monthly_max": p.salary.monthly_max,
            "text": p.salary_text,
        },
        "working_time": p.working_time.value,
        "remote": p.remote.value,
        "contract": p.contract.value,
        "experience": p.experience.value,
        "skills": list(p.skills),
        "url": p.url or None,
        "posted_at": p.posted_at.isoformat() if p.posted_at else None,
        "valid_through": p.valid_through.isoformat() if p.valid_through else None,
        "status": p.status.value,
        "duplicate_of": p.duplicate_of,
    }


def meta_description(facts: dict[str, Any]) -> str:
    """One sentence for search results and link previews, with the figures and their basis."""
    occ, place, sal = facts["occupation"], facts["place"], facts["salary"]
    text = f"{de_int(facts['postings']['active'])} offene Stellen als {occ['title']} in {place['name']}"
    if sal.get("level"):
        text += f", Gehalt im Median {eur(sal['median'])} brutto im Monat (n = {de_int(sal['n'])}, {sal['region']})"
    return text + ". Arbeitgeber, Anforderungen und Trends aus Stellenanzeigen – jede Zahl mit Quelle."


def register_page_routes(app: FastAPI, ctx: WebContext) -> None:
    store = ctx.services.store
    base_url = ctx.settings.base_url

    def load_job(raw_id: str) -> Posting:
        posting = store.get_posting(_job_id(raw_id))
        # held back or refused by moderation: not public (issue 7), the same answer as an unknown id
        if posting is None or posting.status in (PostingStatus.PENDING, PostingStatus.REJECTED):
            raise not_found(f"Keine Stellenanzeige mit der Nummer {raw_id}.")
        return posting

    @app.get("/jobs/{job_id}.json", summary="Stellenanzeige (JSON)")
    def job_json(job_id: str) -> Response:
        return JSONResponse(posting_json(load_job(job_id)))

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_html(job_id: str) -> Response:
        job = load_job(job_id)
        municipalities = refplaces.municipalities()
        places = [municipalities[a] for a in job.place_ags if a in municipalities]
        occupation = refocc.kldb(job.kldb) if job.kldb else None
        canonical = f"{base_url}/jobs/{job.id}"
        occ_page = None
        similar_url = None
        if places:
            what = (occupation.short_title or occupation.title) if occupation is not None else job.title
            similar_url = f"/suche?q={quote(what)}&ort={quote(places[0].name)}&umkreis=25"
        if occupation is not None and places:
            found = resolve_occupation(occupation.short_title or occupation.title)
            slug = found[2] if found else refocc.slug_for(occupation.short_title or occupation.title)
            occ_page = {
                "url": page_url(slug, places[0]),
                "label": f"{occupation.short_title or occupation.title} in {places[0].name}",
            }
        return ctx.html(
            "job.html",
            job=job,
            canonical=canonical,
            occupation=occupation,
            occ_page=occ_page,
            similar_url=similar_url,
            jsonld=render.json_for_script(render.job_jsonld(job, places, canonical)),
            status_label=render.STATUS[job.status],
            salary_label=render.salary_label(job.salary),
            source_label=render.SOURCES.get(job.source, job.source),
            labels={
                "working_time": render.WORKING_TIME[job.working_time],
                "remote": render.REMOTE[job.remote],
                "contract": render.CONTRACT[job.contract],
                "experience": render.EXPERIENCE[job.experience],
            },
        )

    def load_page(occupation: str, city: str) -> tuple[PageRef, dict[str, Any]]:
        try:
            # URLs carry slugs of known titles; a typo gets a 404 with suggestions, not a guessed occupation
            ref = find_page(occupation.replace("-", " "), city, classify=False)
        except PageNotFound as exc:
            suggestions = exc.suggestions
            place = resolve_city(city)
            if place is not None:
                suggestions = [
                    {**s, "url": s["url"] or f"/suche?q={s['label']}&ort={place.name}"} for s in suggestions
                ]
            raise not_found(exc.message, suggestions) from None
        facts, _cached = load_facts(store, ref, min_sample=ctx.settings.min_salary_sample)
        facts["url"] = ref.url
        facts["canonical"] = base_url + ref.url
        return ref, facts

    @app.get("/beruf/{occupation}/{city}.json", summary="Beruf × Ort: alle Kennzahlen (JSON)")
    def occupation_city_json(occupation: str, city: str) -> Response:
        _, facts = load_page(occupation, city)
        return JSONResponse(facts)

    @app.get("/beruf/{occupation}/{city}.csv", summary="Beruf × Ort: Statistiken als CSV")
    def occupation_city_csv(occupation: str, city: str) -> Response:
        ref, facts = load_page(occupation, city)
        name = f"stellenatlas-{ref.occupation_slug}-{facts['place']['slug']}.csv"
        return Response(
            to_csv(facts),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.get("/beruf/{occupation}/{city}", response_class=HTMLResponse, include_in_schema=False)
    def occupation_city_html(occupation: str, city: str) -> Response:
        from stellenatlas.web.search_views import job_summary

        ref, facts = load_page(occupation, city)
        postings = store.postings_for(ref.occupation.kldb, (ref.place.ags,), limit=20, offset=0)
        municipalities = refplaces.municipalities()
        occ, place = facts["occupation"], facts["place"]
        crumbs = [
            ("Start", f"{base_url}/"),
            (occ["title"], f"{base_url}/suche?q={quote(occ['title'])}"),
            (place["name"], facts["canonical"]),
        ]
        jsonld = [
            render.breadcrumb_jsonld(crumbs),
            render.occupation_jsonld(facts, facts["canonical"]),
            *(
                render.job_jsonld(
                    p,
                    [municipalities[a] for a in p.place_ags if a in municipalities],
                    f"{base_url}/jobs/{p.id}",
                )
                for p in postings
            ),
        ]
        return ctx.html(
            "occupation_city.html",
            facts=facts,
            jobs=[job_summary(p, None) for p in postings],
            narrative=narrative(facts),
            meta_description=meta_description(facts),
            jsonld=[render.json_for_script(block) for block in jsonld],
            chart=render.bar_chart(facts["trend"]["series"]["stadt"]),
            salary_chart=render.salary_histogram(facts["salary"].get("histogram", [])),
        )
