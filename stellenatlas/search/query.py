"""Queries for the tantivy index: the validated plan of a `SearchQuery`, its filters and its text query.

Query building never hands user text to tantivy's query parser: the text is tokenized with the very analyzers
the index uses (`analysis.py`) and turned into term/boolean queries, so "C++ (m/w/d)" or a 10,000-character
paste cannot raise a syntax error. Filters are exact; the two range filters use indexed day and salary
buckets (a range over the inverted index is a bitset tantivy intersects cheaply) with an exact fast-field test
only for the bound's own bucket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import tantivy
from tantivy import FieldType, Occur, Query

from stellenatlas.domain.models import PostingStatus
from stellenatlas.normalize.text import fold
from stellenatlas.search.analysis import (
    COMPOUND_ANALYZER,
    NO_OCCUPATION,
    PAIRS_PARTIAL,
    STEM_ANALYZER,
    QueryOccupation,
    analyzers,
    exact_title_key,
    pair_term,
    query_occupation,
    query_words,
)
from stellenatlas.search.base import SORT_KEYS, SearchQuery, SearchQueryError
from stellenatlas.search.radius import MAX_RADIUS_KM, MIN_RADIUS_KM

MAX_TEXT_CHARS = 200  # longer input is truncated: no job title or keyword list is longer
MAX_PAGE_SIZE = 100
FUZZY_MIN_LEN = 6
# Field weights: title hits beat description hits; an identical title beats everything.
W_TITLE, W_PARTS, W_BODY, W_EMPLOYER, W_FUZZY, W_EXACT = 3.0, 2.0, 1.0, 0.5, 0.3, 10.0
# Constant score of "the posting's KldB code is the occupation the query names": about one title-word hit,
# so a synonym posting ("Pflegefachmann" for "Pflegefachkraft") ranks below postings with the typed words
# in their title (which, when of the same code, collect both scores).
W_KLDB = 3.0
DAY_S = 86_400
SALARY_STEP = 100  # EUR per month per `sal_bucket`
_STATUSES = tuple(s.value for s in PostingStatus)


def salary_bucket(monthly_eur: float) -> int:
    return int(max(0.0, monthly_eur) // SALARY_STEP)


def employer_key(name: str) -> str:
    return " ".join(fold(name).split())


def timestamp(value: datetime) -> int:
    if value.tzinfo is None:  # the pipeline stores naive datetimes as UTC
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


@dataclass(frozen=True, slots=True)
class Plan:
    """A validated, clamped query."""

    text_words: list[str]
    exact_key: str
    occupation: QueryOccupation
    center: tuple[float, float] | None
    radius_km: float | None
    offset: int
    page: int
    page_size: int


def plan_query(q: SearchQuery, max_page: int) -> Plan:
    if q.sort not in SORT_KEYS:
        raise SearchQueryError(f"Unbekannte Sortierung „{q.sort}“.")
    if q.kldb_prefix and not (q.kldb_prefix.isdigit() and 1 <= len(q.kldb_prefix) <= 5):
        raise SearchQueryError("Der Berufsschlüssel (KldB) muss aus 1 bis 5 Ziffern bestehen.")
    if q.salary_min_monthly is not None and not (0 <= q.salary_min_monthly < 1e7):
        raise SearchQueryError("Das Mindestgehalt muss eine positive Zahl sein.")
    center: tuple[float, float] | None = None
    if (q.lat is None) != (q.lon is None):
        raise SearchQueryError("Für die Umkreissuche werden Breiten- und Längengrad benötigt.")
    if q.lat is not None and q.lon is not None:
        if not (-90 <= q.lat <= 90 and -180 <= q.lon <= 180):  # also rejects NaN
            raise SearchQueryError("Die Koordinaten des Suchorts sind ungültig.")
        center = (q.lat, q.lon)
    radius = q.radius_km
    if radius is not None:
        if center is None:
            raise SearchQueryError("Ein Umkreis braucht einen Suchort.")
        if not radius >= 0:  # negative or NaN
            raise SearchQueryError("Der Umkreis muss 0 km oder mehr betragen.")
        radius = min(max(radius, MIN_RADIUS_KM), MAX_RADIUS_KM)
    if q.sort == "distance" and center is None:
        raise SearchQueryError("Nach Entfernung sortieren geht nur mit einem Suchort.")
    page_size = min(max(int(q.page_size), 1), MAX_PAGE_SIZE)
    page = min(max(int(q.page), 1), max_page)
    text = q.text[:MAX_TEXT_CHARS]
    words = query_words(text)
    return Plan(
        text_words=words,
        exact_key=exact_title_key(text) if words else "",
        occupation=query_occupation(text) if words else NO_OCCUPATION,
        center=center,
        radius_km=radius,
        offset=(page - 1) * page_size,
        page=page,
        page_size=page_size,
    )


class QueryBuilder:
    """Filters and text queries for one index schema."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def cache_key(self, epoch: int, q: SearchQuery, plan: Plan, geo: bool) -> tuple[object, ...]:
        """Everything that decides a query's match set, normalised as `filters` and `text_query` use it
        (the words that are dropped as unknown depend on the searcher, which the epoch stands for)."""
        return (
            epoch,
            tuple(dict.fromkeys(plan.text_words)),
            plan.occupation,
            q.status,
            q.kldb_prefix,
            q.working_time,
            q.remote,
            employer_key(q.employer) if q.employer else None,
            None if q.salary_min_monthly is None else float(q.salary_min_monthly),
            None if q.posted_since is None else timestamp(q.posted_since),
            (plan.center, plan.radius_km) if geo else None,
        )

    def term(self, field: str, value: str | int) -> Query:
        return Query.term_query(self.schema, field, value)

    def filters(self, searcher: tantivy.Searcher, q: SearchQuery) -> list[Query]:
        out: list[Query] = []
        if q.status and any(searcher.doc_freq("status", s) for s in _STATUSES if s != q.status):
            # Only when another status is in the index: the index holds open postings only (ingest and
            # rebuild add nothing else), and a term matching every document costs a full pass (1M: +15 ms).
            out.append(self.term("status", q.status))
        if q.kldb_prefix:
            out.append(self.term("kldb_prefix", q.kldb_prefix))
        if q.working_time:
            out.append(self.term("working_time", q.working_time))
        if q.remote:
            out.append(self.term("remote", q.remote))
        if q.employer:
            out.append(self.term("employer_key", employer_key(q.employer)))
        if q.salary_min_monthly is not None:
            value = float(q.salary_min_monthly)
            out.append(
                self.at_least(
                    "sal_bucket",
                    salary_bucket(value),
                    value % SALARY_STEP != 0,
                    Query.range_query(self.schema, "sal_max", FieldType.Float, value),
                )
            )
        if q.posted_since is not None:
            ts = timestamp(q.posted_since)
            out.append(
                self.at_least(
                    "posted_day",
                    max(0, ts // DAY_S),
                    ts % DAY_S != 0 and ts > 0,
                    Query.range_query(self.schema, "posted_ts", FieldType.Integer, ts),
                )
            )
        return out

    def at_least(self, bucket_field: str, bucket: int, partial: bool, exact: Query) -> Query:
        """value >= bound, through the indexed bucket field: every bucket above the bound's, and the bound's
        own bucket only through the exact fast-field test when the bound lies inside it."""
        if not partial:
            return Query.range_query(
                self.schema, bucket_field, FieldType.Unsigned, bucket, None, use_inverted_index=True
            )
        above = Query.range_query(
            self.schema, bucket_field, FieldType.Unsigned, bucket + 1, None, use_inverted_index=True
        )
        edge = Query.boolean_query([(Occur.Must, self.term(bucket_field, bucket)), (Occur.Must, exact)])
        return Query.boolean_query([(Occur.Should, above), (Occur.Should, edge)])

    def text_query(
        self, searcher: tantivy.Searcher, words: list[str], exact_key: str, occupation: QueryOccupation
    ) -> Query | None:
        """Match semantics, with W = the query's words that occur in the index at all:

        (every word of W matches)  OR  (kldb == the classified occupation AND every side word in W matches)

        (built as: every side word AND (every other word OR the code), the same set).

        A side word is one the classifier relates to no occupation (city, "Teilzeit", "CE"), so
        "Pflegefachkraft Berlin" finds "Pflegefachmann" postings that mention Berlin, but not every nursing
        posting. Words in no field's vocabulary ("@" never is a word; a word no posting contains) are
        dropped instead of zeroing the result; if none is left, nothing matches.
        """
        clauses: dict[str, Query] = {}
        for word in dict.fromkeys(words):
            clause = self.word_clause(searcher, word)
            if clause is not None:
                clauses[word] = clause
        if not clauses:
            # stop words only ("für") keep the old meaning (no text condition); unknown words find nothing
            return Query.empty_query() if any(self.is_content_word(w) for w in words) else None
        if not occupation.kldb:
            match = Query.boolean_query([(Occur.Must, c) for c in clauses.values()])
        else:
            # (every word) OR (code AND every side word) == every side word AND (every other word OR code):
            # written so, each word's clause is evaluated once ("Teilzeit" matches a third of all postings
            # and cost twice in the first form), and a posting that matches both ways scores its side words
            # once plus the code's constant.
            side = set(occupation.side_words)
            must = [(Occur.Must, c) for w, c in clauses.items() if w in side]
            others = [c for w, c in clauses.items() if w not in side]
            code = Query.const_score_query(self.term("kldb", occupation.kldb), W_KLDB)
            if others:
                either = Query.boolean_query(
                    [
                        (Occur.Should, Query.boolean_query([(Occur.Must, c) for c in others])),
                        (Occur.Should, code),
                    ]
                )
                must.append((Occur.Must, either))
            else:
                must.append((Occur.Should, code))  # every word is a side word: the code only adds score
            match = Query.boolean_query(must)
        if not exact_key:
            return match
        # Should beside the match: it only adds score, it never lets a posting match on its own
        return Query.boolean_query(
            [
                (Occur.Must, match),
                (Occur.Should, Query.boost_query(self.term("title_exact", exact_key), W_EXACT)),
            ]
        )

    @staticmethod
    def is_content_word(word: str) -> bool:
        return bool(analyzers()[STEM_ANALYZER].analyze(word))

    def parts_query(self, searcher: tantivy.Searcher, parts: list[str]) -> Query:
        """Titles holding every one of these compound parts, anywhere: "projektkoordinat" must meet
        "Koordinator IT-Projekte". As `title_pairs` terms: the rarest pairs until every part is in one
        (all parts present iff each chosen pair is), so the intersection is led by a rare term ("kraft pfleg"
        7k of 1M postings, where "fach kraft" has 40k). Titles too long for pairs are matched part by part."""
        uniq = list(dict.fromkeys(parts))
        if len(uniq) == 1:
            return self.term("title_parts", uniq[0])
        terms = [(pair_term(a, b), a, b) for i, a in enumerate(uniq) for b in uniq[i + 1 :]]
        candidates = sorted((searcher.doc_freq("title_pairs", term), term, a, b) for term, a, b in terms)
        chosen: list[Query] = []
        covered: set[str] = set()
        for _, term, a, b in candidates:
            if a in covered and b in covered:
                continue
            chosen.append(self.term("title_pairs", term))
            covered.update((a, b))
            if len(covered) == len(uniq):
                break
        pairs = Query.boolean_query([(Occur.Must, q) for q in chosen])
        partial = Query.boolean_query(
            [(Occur.Must, self.term("title_pairs", PAIRS_PARTIAL))]
            + [(Occur.Must, self.term("title_parts", p)) for p in uniq]
        )
        return Query.boolean_query([(Occur.Should, pairs), (Occur.Should, partial)])

    def word_clause(self, searcher: tantivy.Searcher, word: str) -> Query | None:
        """The alternatives one query word may match, or None for a stop word or a word no posting has."""
        stem = analyzers()[STEM_ANALYZER]
        compound = analyzers()[COMPOUND_ANALYZER]
        tokens = stem.analyze(word)
        if not tokens:  # stop word ("für", "und") or over-long junk
            return None
        token = tokens[0]
        known = any(searcher.doc_freq(f, token) for f in ("title", "body", "employer_text"))
        alts: list[tuple[Occur, Query]] = [
            (Occur.Should, Query.boost_query(self.term("title", token), W_TITLE)),
            (Occur.Should, Query.boost_query(self.term("body", token), W_BODY)),
            (Occur.Should, Query.boost_query(self.term("employer_text", token), W_EMPLOYER)),
        ]
        in_titles = bool(searcher.doc_freq("title", token))
        parts = compound.analyze(word)
        if len(parts) > 1:
            alts.append((Occur.Should, Query.boost_query(self.parts_query(searcher, parts), W_PARTS)))
            in_titles = in_titles or all(searcher.doc_freq("title_parts", p) for p in parts)
        elif parts:
            alts.append((Occur.Should, Query.boost_query(self.term("title_parts", parts[0]), W_PARTS)))
            in_titles = in_titles or bool(searcher.doc_freq("title_parts", parts[0]))
        known = known or in_titles
        if len(word) >= FUZZY_MIN_LEN and not in_titles:
            # Typo tolerance for words no title contains ("Schweisser"): a word spelled like a title word is
            # taken as meant. Its fuzzy expansion matched every near spelling too, and for a word in half
            # of all postings ("Sicherheit") that union cost more than the rest of the query (1M: +13 ms).
            # Against unstemmed words: a typo can change what the stemmer cuts off.
            fuzzy = Query.fuzzy_term_query(self.schema, "title_plain", word, distance=1)
            alts.append((Occur.Should, Query.boost_query(fuzzy, W_FUZZY)))
            known = known or bool(getattr(searcher.search(fuzzy, limit=1, count=True), "count", 0))
        return Query.boolean_query(alts) if known else None
