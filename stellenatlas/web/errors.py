"""Errors a route raises on purpose; app.py renders them as a German HTML page or a JSON body."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageError(Exception):
    status: int
    message: str
    suggestions: list[dict[str, str]] = field(default_factory=list)


def not_found(message: str, suggestions: list[dict[str, str]] | None = None) -> PageError:
    return PageError(404, message, suggestions or [])


# Parameter names as visitors know them from the forms and URLs; the rest are shown as they are.
_PARAM_LABELS = {
    "umkreis": "Umkreis",
    "page": "Seite",
    "q": "Suchbegriff",
    "ort": "Ort",
    "limit": "Anzahl",
    "arbeitszeit": "Arbeitszeit",
    "remote": "Homeoffice",
    "sort": "Sortierung",
    "beruf": "Beruf",
}


def validation_message(errors: Sequence[Mapping[str, Any]]) -> str:
    """German text for FastAPI's (English) validation errors, e.g. "Umkreis: höchstens 200 erlaubt"."""
    problems = []
    for e in errors:
        name = ".".join(str(x) for x in e.get("loc", ())[1:]) or "Anfrage"
        label = _PARAM_LABELS.get(name, name)
        limits: Mapping[str, Any] = e.get("ctx") or {}
        kind = str(e.get("type", ""))
        if kind == "less_than_equal":
            text = f"höchstens {limits.get('le')} erlaubt"
        elif kind == "greater_than_equal":
            text = f"mindestens {limits.get('ge')} nötig"
        elif kind in ("int_parsing", "int_from_float"):
            text = "muss eine ganze Zahl sein"
        elif kind == "string_too_long":
            text = f"höchstens {limits.get('max_length')} Zeichen erlaubt"
        elif kind == "missing":
            text = "fehlt"
        else:
            text = "ungültiger Wert"
        problems.append(f"{label}: {text}")
    return "Ungültige Anfrage – " + "; ".join(problems)
