"""Errors a route raises on purpose; app.py renders them as a German HTML page or a JSON body."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageError(Exception):
    status: int
    message: str
    suggestions: list[dict[str, str]] = field(default_factory=list)


def not_found(message: str, suggestions: list[dict[str, str]] | None = None) -> PageError:
    return PageError(404, message, suggestions or [])
