"""The normalization chain: RawPosting -> Posting. Pure; every step is a function of the raw posting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stellenatlas.domain import Employer, Posting, PostingStatus, RawPosting, Remote, Sector
from stellenatlas.normalize import attributes
from stellenatlas.normalize.occupation import classify_title
from stellenatlas.normalize.places import resolve_place
from stellenatlas.normalize.salary import parse_salary

MAX_TITLE = 300
MAX_DESCRIPTION = 100_000


class Rejected(ValueError):
    """A raw posting that cannot become a Posting; the message is the reason that gets logged and counted."""


@dataclass(frozen=True, slots=True)
class Normalized:
    posting: Posting
    place_status: str  # resolved / remote / unresolved


def _sector(value: str) -> Sector:
    try:
        return Sector(value)
    except ValueError:
        return Sector.OTHER


def normalize(raw: RawPosting, today: date | None = None, *, raw_hash: str = "") -> Normalized:
    """Normalize one raw posting. With `today`, a posting whose deadline has passed comes out expired.
    `raw_hash` is `raw.payload_hash()` when the caller has computed it already (the ingest runner has)."""
    title = " ".join(raw.title.split())
    if not title:
        raise Rejected("Titel fehlt")
    if len(title) > MAX_TITLE:
        raise Rejected(f"Titel länger als {MAX_TITLE} Zeichen")
    if not raw.source_id.strip():
        raise Rejected("Quell-ID fehlt")
    employer_name = " ".join(raw.employer.split())
    if not employer_name:
        raise Rejected("Arbeitgeber fehlt")
    description = raw.description[:MAX_DESCRIPTION]

    match = resolve_place(raw.location)
    occupation = classify_title(title, description)
    salary = parse_salary(raw.salary_text) if raw.salary_text else None
    if salary is None and not raw.salary_text:
        # Many postings state the pay only inside the description.
        salary = parse_salary(description)

    # One text for every attribute, so it is lowered once (attributes._cap); the place line tells
    # "Remote / deutschlandweit", the working-time line "Heim-/Telearbeit".
    text = f"{title}\n{raw.working_time_text}\n{raw.location}\n{description}"
    remote = attributes.remote(text)
    if match.remote and remote is Remote.UNKNOWN:
        remote = Remote.REMOTE if not match.places else Remote.HYBRID

    posting = Posting(
        source=raw.source,
        source_id=raw.source_id,
        title=title,
        employer=Employer(name=employer_name, sector=_sector(raw.employer_sector)),
        description=description,
        location_text=raw.location,
        place_ags=tuple(p.ags for p in match.places),
        kldb=occupation.kldb,
        occupation_confidence=occupation.confidence,
        salary=salary,
        salary_text=raw.salary_text,
        working_time=attributes.working_time(text),
        remote=remote,
        contract=attributes.contract(text),
        experience=attributes.experience(title, text),
        skills=attributes.skills(text),
        url=raw.url,
        posted_at=raw.posted_at,
        valid_through=raw.valid_through,
        status=PostingStatus.EXPIRED
        if today is not None and raw.valid_through is not None and raw.valid_through < today
        else PostingStatus.ACTIVE,
        raw_hash=raw_hash or raw.payload_hash(),
        education=attributes.education(text),
        career_changer=attributes.career_changer(text),
    )
    return Normalized(posting=posting, place_status=match.status)
