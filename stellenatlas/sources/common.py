"""Small parsers every source needs: dates in the forms job data uses, and employment types."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

# schema.org employmentType and the spellings job feeds use -> the German words the normalizer reads.
EMPLOYMENT_TYPES = {
    "FULL_TIME": "Vollzeit",
    "FULLTIME": "Vollzeit",
    "PART_TIME": "Teilzeit",
    "PARTTIME": "Teilzeit",
    "CONTRACTOR": "Freiberuflich",
    "TEMPORARY": "Befristet",
    "CONTRACT": "Befristet",
    "INTERN": "Praktikum",
    "VOLUNTEER": "Ehrenamt",
    "PER_DIEM": "Tageweise",
    "MINIJOB": "Minijob",
    "OTHER": "",
}
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:,?\s+(\d{1,2}):(\d{2}))?")


def employment_text(values: Iterable[Any]) -> str:
    """ "FULL_TIME, PART_TIME" / ["FULL_TIME", "Teilzeit"] -> "Vollzeit, Teilzeit" (unknown words kept)."""
    words: list[str] = []
    for value in values:
        for token in re.split(r"[,;/]", str(value or "")):
            token = token.strip()
            if not token:
                continue
            word = EMPLOYMENT_TYPES.get(token.upper().replace("-", "_").replace(" ", "_"), token)
            if word and word not in words:
                words.append(word)
    return ", ".join(words)


def parse_datetime(value: Any) -> datetime | None:
    """A point in time from ISO 8601 ("2026-03-02T08:00:00Z", "2026-03-02"), German ("02.03.2026 08:00") or
    RFC 2822 ("Mon, 02 Mar 2026 08:00:00 GMT") text; naive times are taken as UTC. None when unreadable."""
    if value is None:
        return None
    text = " ".join(str(value).split())[:100]
    if not text:
        return None
    m = _GERMAN_DATE.fullmatch(text)
    if m:
        try:
            return datetime(int(m[3]), int(m[2]), int(m[1]), int(m[4] or 0), int(m[5] or 0), tzinfo=UTC)
        except ValueError:
            return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
        except ValueError:
            try:
                parsed = parsedate_to_datetime(text)
            except (TypeError, ValueError, IndexError):
                return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
