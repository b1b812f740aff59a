"""Autocomplete for the search form: occupations and places, as small JSON lists.

    GET /api/vorschlaege/berufe.json?q=pflege&limit=8
    GET /api/vorschlaege/orte.json?q=mue

Occupation labels are shown gender-inclusive ("Pflegefachmann/-frau", "Softwareentwickler/in"), and feminine
or gender-marked input finds the same entries ("Koordinatorin", "Erzieher:in" -> "Koordinator", "Erzieher").
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse

from stellenatlas.normalize.text import strip_gender_forms
from stellenatlas.refdata import occupations as refocc
from stellenatlas.refdata import places as refplaces

MAX_Q = 100  # longer than any occupation or municipality name
MAX_LIMIT = 20
CACHE = "public, max-age=3600"  # reference data changes with a release, not per request

_AGENT = re.compile(r"(?:er|or|ent|ant|eur|ist|oge|at|ot|ekt)$")
_FEMININE = re.compile(r"(?<=[a-zäöüß]{3})(?:(?<=er|or|nt|ur|st|og|at|ot|kt)in(?:nen)?|frau(?:en)?)$")


def masculine_prefix(prefix: str) -> str:
    """The reference list holds masculine titles: "Koordinatorin" -> "Koordinator", "Kauffrau" -> "Kaufmann"."""
    text = strip_gender_forms(prefix).strip()
    m = _FEMININE.search(text.lower())
    if not m:
        return text
    base = text[: m.start()]
    return base + "mann" if m.group(0).startswith("frau") else base


def neutral_label(title: str) -> str:
    """Gender-inclusive display form of a masculine title, on its head word (the first job noun)."""
    words = title.split(" ")
    for i, word in enumerate(words):
        low = word.lower()
        if low.endswith("mann") and len(low) > 4:
            words[i] = word + "/-frau"
            return " ".join(words)
        if word[:1].isupper() and _AGENT.search(low) and len(low) > 3:
            words[i] = word + ("/-in" if low.endswith("e") else "/in")
            return " ".join(words)
    return title


def occupation_suggestions(q: str, limit: int) -> list[dict[str, str]]:
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, str]] = []
    for prefix in dict.fromkeys([q.strip(), masculine_prefix(q)]):  # ordered, without repeats
        if not prefix:
            continue
        for title, kldb in refocc.suggest(prefix, limit):
            label = neutral_label(title)
            if (label, kldb) not in seen and len(out) < limit:
                seen.add((label, kldb))
                out.append({"label": label, "kldb": kldb})
    return out


def place_suggestions(q: str, limit: int) -> list[dict[str, Any]]:
    return [
        {"label": p.name, "ags": p.ags, "kreis": p.kreis, "land": p.land, "plz": p.plz}
        for p in refplaces.suggest(q.strip(), limit)
    ]


def register_suggest_routes(app: FastAPI, ctx: Any = None) -> None:
    """Add the two autocomplete routes; `ctx` (the WebContext) is not needed: reference data only."""
    q_param = Query("", max_length=MAX_Q, description="Anfang des Berufs oder Orts, z. B. „Pflege“")
    limit_param = Query(10, ge=1, le=MAX_LIMIT, description="Höchstzahl der Vorschläge")

    @app.get("/api/vorschlaege/berufe.json", summary="Vorschläge: Berufe (Autovervollständigung)")
    def suggest_occupations(q: str = q_param, limit: int = limit_param) -> JSONResponse:
        return JSONResponse(
            {"q": q, "vorschlaege": occupation_suggestions(q, limit)}, headers={"Cache-Control": CACHE}
        )

    @app.get("/api/vorschlaege/orte.json", summary="Vorschläge: Orte (Autovervollständigung)")
    def suggest_places(q: str = q_param, limit: int = limit_param) -> JSONResponse:
        return JSONResponse(
            {"q": q, "vorschlaege": place_suggestions(q, limit)}, headers={"Cache-Control": CACHE}
        )
