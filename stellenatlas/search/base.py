"""The search contract: what the web layer asks (`SearchQuery`), what it gets (`SearchResult`), and what the
store hands the index per posting (`IndexDoc`). Implementations: `tantivy_index.TantivyIndex`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, NamedTuple, Protocol

from stellenatlas.domain.models import Place, Posting, PostingStatus

SortKey = Literal["relevance", "date", "distance", "salary"]
SORT_KEYS: tuple[str, ...] = ("relevance", "date", "distance", "salary")


class SearchQueryError(ValueError):
    """A query the index refuses; the message is German and safe to show to the user."""


@dataclass(frozen=True, slots=True)
class SearchQuery:
    text: str = ""
    kldb_prefix: str = ""  # 1-5 digits: "4" (Informatik...), "43", "43412"
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    working_time: str | None = None  # WorkingTime value, e.g. "vollzeit"
    remote: str | None = None  # Remote value, e.g. "hybrid"
    salary_min_monthly: float | None = None  # posting's upper monthly EUR bound must reach this
    employer: str | None = None  # employer name, case-insensitive exact
    posted_since: datetime | None = None
    sort: SortKey = "relevance"
    page: int = 1
    page_size: int = 20
    status: str = PostingStatus.ACTIVE.value  # "" = any status (moderation views)
    facets: bool = True  # facet counts cost a pass over the whole match set; lists may switch them off


@dataclass(frozen=True, slots=True)
class SearchHit:
    posting_id: int
    score: float
    distance_km: float | None = None


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[tuple[str, int]]]
    page: int
    page_size: int
    # True when a radius/distance query had more candidates than the engine materialises: `total` and
    # facets then count only the candidates examined (a lower bound); the web layer should say so.
    truncated: bool = False

    @property
    def pages(self) -> int:
        return (self.total + self.page_size - 1) // self.page_size if self.page_size else 0


class IndexPlace(NamedTuple):
    ags: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """Everything the index needs about one posting (no domain objects: cheap to build and to pickle)."""

    id: int
    title: str
    description: str = ""
    employer: str = ""
    employer_sector: str = ""
    kldb: str = ""
    places: tuple[IndexPlace, ...] = ()
    working_time: str = "unbekannt"
    remote: str = "unbekannt"
    salary_monthly_min: float | None = None
    salary_monthly_max: float | None = None
    posted_at: datetime | None = None
    status: str = PostingStatus.ACTIVE.value
    extra_terms: tuple[str, ...] = field(default=())  # e.g. skills; searched like the description


def doc_from_posting(posting: Posting, places: Mapping[str, Place]) -> IndexDoc:
    """Build the index document of a persisted posting; places not in `places` are left out."""
    if posting.id is None:
        raise ValueError("posting has no store id yet")
    salary = posting.salary
    return IndexDoc(
        id=posting.id,
        title=posting.title,
        description=posting.description,
        employer=posting.employer.name,
        employer_sector=posting.employer.sector.value,
        kldb=posting.kldb,
        places=tuple(
            IndexPlace(p.ags, p.name, p.lat, p.lon) for ags in posting.place_ags if (p := places.get(ags))
        ),
        working_time=posting.working_time.value,
        remote=posting.remote.value,
        salary_monthly_min=salary.monthly_min if salary else None,
        salary_monthly_max=salary.monthly_max if salary else None,
        posted_at=posting.posted_at,
        status=posting.status.value,
        extra_terms=posting.skills,
    )


class SearchIndex(Protocol):
    def add(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace (by id) postings; returns how many. Visible after `commit()`."""
        ...

    def delete(self, posting_ids: Iterable[int]) -> None: ...

    def commit(self) -> None: ...

    def search(self, q: SearchQuery) -> SearchResult: ...

    def count(self) -> int:
        """Documents in the index, any status."""
        ...

    def reload(self) -> None:
        """Pick up what another process committed (or a rebuilt index swapped in)."""
        ...
