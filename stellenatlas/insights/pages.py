"""Which occupation × city pages exist, how a request finds one, and the plain-text rendering for the CLI."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from stellenatlas.domain import Occupation, Place
from stellenatlas.insights.fmt import eur
from stellenatlas.insights.occupation_city import FactCache, occupation_city_facts
from stellenatlas.normalize.occupation import classify_title
from stellenatlas.normalize.places import resolve_place
from stellenatlas.normalize.text import fold, slugify, strip_gender_forms
from stellenatlas.refdata import occupations as refocc
from stellenatlas.refdata import places as refplaces
from stellenatlas.store.repo import Store

PAGE_LIST_KEY = "page_list"
MIN_CONFIDENCE = 0.5


@dataclass
class PageNotFound(Exception):
    message: str
    suggestions: list[dict[str, str]] = field(default_factory=list)

    def message_with_suggestions(self) -> str:
        if not self.suggestions:
            return self.message
        return self.message + "\nMeinten Sie: " + ", ".join(s["label"] for s in self.suggestions)


@dataclass(frozen=True)
class PageRef:
    occupation: Occupation
    title: str  # display title, e.g. "IT-Projektkoordinator"
    occupation_slug: str
    place: Place

    @property
    def url(self) -> str:
        return page_url(self.occupation_slug, self.place)

    def facts(
        self,
        store: Store,
        *,
        min_sample: int,
        today: date | None = None,
        pages_here: dict[str, dict[str, Any]] | None = None,
        cache: FactCache | None = None,
    ) -> dict[str, Any]:
        return occupation_city_facts(
            store,
            self.occupation,
            self.title,
            self.occupation_slug,
            self.place,
            min_sample=min_sample,
            today=today,
            pages_here=pages_here,
            cache=cache,
        )


def page_url(occupation_slug: str, place: Place) -> str:
    return f"/beruf/{occupation_slug}/{refplaces.place_slug(place)}"


def display_title(title: str) -> str:
    """BA list titles carry "/in" forms ("IT-Projektkoordinator/in"); pages show the base form."""
    return strip_gender_forms(title)


def resolve_occupation(text: str, *, classify: bool = True) -> tuple[str, Occupation, str] | None:
    """Occupation from a slug or a free title: (display title, occupation, canonical slug).

    With `classify=False` only known titles (by slug) are accepted: a page URL must name its occupation, not
    leave it to the title classifier, which maps typos to whatever title is nearest.
    """
    text = text.strip()[:200]
    if not text:
        return None
    slug = slugify(strip_gender_forms(text))
    found = refocc.occupation_by_slug(slug)
    if found is not None:
        title, occ = found
        return display_title(title), occ, refocc.slug_for(title)
    if not classify:
        return None
    result = classify_title(text.replace("-", " ") if "-" in text and " " not in text else text)
    if result.kldb and result.confidence >= MIN_CONFIDENCE:
        classified = refocc.kldb(result.kldb)
        if classified is not None:
            title = result.matched_title or classified.short_title or classified.title
            return display_title(title), classified, refocc.slug_for(title)
    return None


def resolve_city(text: str) -> Place | None:
    text = text.strip()[:200]
    if not text:
        return None
    place = refplaces.by_slug(slugify(text))
    if place is not None:
        return place
    match = resolve_place(text)
    if match.status == "resolved" and match.places:
        return match.places[0]
    return None


def find_page(occupation_text: str, city_text: str, *, classify: bool = True) -> PageRef:
    """The page of an occupation (slug or free title; see `resolve_occupation`) in a city."""
    occ = resolve_occupation(occupation_text, classify=classify)
    place = resolve_city(city_text)
    if occ is None:
        suggestions = [
            {"label": title, "url": page_url(slug, place) if place else ""}
            for title, slug in _occupation_suggestions(occupation_text)
        ]
        raise PageNotFound(f"Beruf „{occupation_text[:80]}“ nicht gefunden.", suggestions)
    title, occupation, slug = occ
    if place is None:
        suggestions = [
            {"label": p.name, "url": page_url(slug, p)} for p in refplaces.suggest(city_text[:3], 5)
        ]
        raise PageNotFound(f"Ort „{city_text[:80]}“ nicht gefunden.", suggestions)
    return PageRef(occupation=occupation, title=title, occupation_slug=slug, place=place)


def _occupation_suggestions(text: str, limit: int = 5) -> list[tuple[str, str]]:
    """(display title, slug) of occupations close to a title that matched none: typo-near slugs first, then
    titles starting like its words."""
    text = strip_gender_forms(text[:200])
    found: dict[str, str] = {}
    for title, _kldb, slug in refocc.similar_titles(text, limit):
        found.setdefault(slug, display_title(title))
    words = [w for w in slugify(text).split("-") if len(w) >= 3]
    for prefix in [text.strip()[:6], *(w[:5] for w in words)]:
        if len(found) >= limit or not prefix:
            break
        for title, _kldb in refocc.suggest(prefix, limit=limit):
            found.setdefault(refocc.slug_for(title), display_title(title))
    return [(title, slug) for slug, title in list(found.items())[:limit]]


def refresh_page_list(store: Store, *, min_postings: int, today: date | None = None) -> int:
    """Store the occupation × city pairs with at least `min_postings` postings in the last 12 months.

    The display title of an occupation is the most frequent posting title (gender forms and seniority words
    removed) that names a job title of the BA list with the same KldB code; else the KldB short title.
    """
    today = today or datetime.now(UTC).date()
    since = datetime.combine(today - timedelta(days=365), time.min, tzinfo=UTC)
    pairs = store.kldb_place_counts(min_count=min_postings, since=since)
    municipalities = refplaces.municipalities()
    titles: dict[str, tuple[str, str]] = {}
    for kldb in {k for k, _, _ in pairs}:
        titles[kldb] = _canonical_title(store, kldb)
    pages: list[dict[str, Any]] = []
    for kldb, ags, n in pairs:
        place = municipalities.get(ags)
        if place is None or kldb not in titles:
            continue
        title, slug = titles[kldb]
        pages.append(
            {
                "kldb": kldb,
                "ags": ags,
                "count": n,
                "title": title,
                "occupation_slug": slug,
                "city": place.name,
                "url": page_url(slug, place),
            }
        )
    pages.sort(key=lambda p: (-p["count"], p["url"]))
    store.put_insight(PAGE_LIST_KEY, {"pages": pages, "min_postings": min_postings})
    return len(pages)


_SENIORITY = {"senior", "junior", "lead", "leitender", "leitende", "erfahrener", "erfahrene"}


def _canonical_title(store: Store, kldb: str) -> tuple[str, str]:
    counts: Counter[str] = Counter()
    for title in store.titles_for(kldb, limit=500):
        base = strip_gender_forms(title).split(" – ")[0].split(" - ")[0]
        words = [w for w in base.split() if fold(w) not in _SENIORITY]
        counts[" ".join(words)] += 1
    for candidate, _ in counts.most_common(10):
        found = refocc.occupation_by_slug(slugify(candidate))
        if found is not None and found[1].kldb == kldb:
            return display_title(found[0]), refocc.slug_for(found[0])
    occ = refocc.kldb(kldb)
    title = (occ.short_title or occ.title) if occ else kldb
    return title, slugify(title)


def page_list(store: Store) -> list[dict[str, Any]]:
    data = store.get_insight(PAGE_LIST_KEY)
    return list(data["pages"]) if data else []


def render_text(facts: dict[str, Any]) -> str:
    occ, place = facts["occupation"], facts["place"]
    lines = [
        f"{occ['title']} Jobs und Stellenangebote in {place['name']}",
        f"KldB 2010: {occ['kldb']} {occ['kldb_title']} · {place['kreis']}, {place['land']} · Stand {facts['as_of']}",
        f"Quelle: {facts['source']['label']}",
        "",
        f"Aktive Stellenanzeigen: {facts['postings']['active']}",
    ]
    trend = facts["trend"]
    lines.append(
        f"Neue Anzeigen letzte 12 Monate: {trend['last_12_months']} (Vorjahr: {trend['previous_12_months']})"
    )
    sal = facts["salary"]
    lines.append("")
    if sal.get("level"):
        where = sal["region"] + (
            " (Ausweichregion: zu wenige Angaben in " + place["name"] + ")" if sal["fallback"] else ""
        )
        lines.append(
            f"Gehalt (Monat, brutto, n={sal['n']}, {where}): 25 % {eur(sal['q25'])}, "
            f"Median {eur(sal['median'])}, 75 % {eur(sal['q75'])}"
        )
        if sal.get("experience_region") and sal["experience_region"] != sal["region"]:
            lines.append(f"  nach Erfahrung ({sal['experience_region']}):")
        for row in sal["by_experience"]:
            if row["median"] is not None:
                lines.append(f"  {row['label']}: {eur(row['q25'])} – {eur(row['q75'])} (n={row['n']})")
    else:
        lines.append(
            f"Gehalt: zu wenige Angaben (mindestens {sal['min_sample']} nötig, auch in größeren Regionen)."
        )
    tariff = sal.get("tariff")
    if tariff:
        lines.append(f"Tarifgruppen ({tariff['region']}, {tariff['n']} Anzeigen):")
        lines += [
            f"  {g['tariff']}: {eur(g['min'])} – {eur(g['max'])} (n={g['n']})" for g in tariff["groups"][:5]
        ]
    req = facts.get("requirements") or {}
    if req.get("n"):
        edu = ", ".join(
            f"{e['label']} {round((e['share'] or 0) * 100)} %" for e in req.get("education", []) if e["count"]
        )
        lines += ["", f"Abschluss (n={req['n']}): {edu}"]
        if req.get("career_changer_share") is not None:
            lines.append(f"Offen für Quereinsteiger: {round(req['career_changer_share'] * 100)} %")
    if facts["employers"]:
        lines += ["", "Arbeitgeber mit den meisten Anzeigen:"]
        lines += [f"  {e['name']}: {e['count']}" for e in facts["employers"][:5]]
    if facts["nearby"]:
        lines += ["", "In der Nähe:"]
        lines += [
            f"  {n['name']} ({n['distance_km']} km): {n['count']} Anzeigen in 12 Monaten, {n['active']} offen"
            for n in facts["nearby"]
        ]
    return "\n".join(lines)
