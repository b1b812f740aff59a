"""Relevance test set for search: German queries, rule-judged postings, nDCG@10 over the whole pipeline.

    python -m tools.relevance            # normalize -> index -> search the sample set, print nDCG@10
    python -m tools.relevance --judge    # (re)write tests/search/data/relevance_judgments.json

Corpus: `generate(20000, 42, now=2026-11-01 08:00 UTC)`, each posting normalized by the product pipeline
(`normalize.pipeline.normalize`), indexed with `TantivyIndex` and searched with `SearchQuery` - exactly what
the web search does, minus HTTP.

Judging rule (never looks at the search engine, only at the generator's ground truth in `RawPosting.extra`):

* grade 2: the posting's true KldB code is the query's target occupation,
* grade 1: a different occupation in the same 4-digit KldB group (e.g. 8130x nursing, 4341x software),
* and, for queries with a place, at least one true place of the posting lies within the radius (haversine
  between municipality coordinates; remote-only postings without a place do not qualify),
* and the posting satisfies the query's filters by its TRUE working time / remote value,
* expired postings (valid_through before `now`) are not judged relevant: search hides them.

The target of a query is named by the catalogue's masculine title (e.g. "Pflegefachmann"); the query text is
what a person types ("Pflegefachkraft Teilzeit", "Erzieherin", "IT Projektkoordinator"). Judgments are stored
by posting number (the 7-digit suffix of the sample source_id).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stellenatlas.domain.models import RawPosting
from stellenatlas.refdata import places as refplaces
from stellenatlas.search.base import IndexDoc, SearchQuery, doc_from_posting
from stellenatlas.search.tantivy_index import TantivyIndex, haversine_km, rebuild
from stellenatlas.sources.sample import generate
from stellenatlas.sources.sample.catalog import OCCUPATIONS

NOW = datetime(2026, 11, 1, 8, tzinfo=UTC)
COUNT, SEED = 20_000, 42
JUDGMENTS = Path(__file__).resolve().parent.parent / "tests" / "search" / "data" / "relevance_judgments.json"
K = 10


@dataclass(frozen=True)
class RelQuery:
    text: str
    target: str  # catalogue masculine title of the occupation the searcher means
    city: str = ""  # municipality name (resolved with refdata.places)
    radius_km: float = 25.0
    working_time: str | None = None
    remote: str | None = None


# As people type them: gender forms, compounds split or joined, abbreviations, one typo, extra words.
QUERIES: tuple[RelQuery, ...] = (
    RelQuery("IT Projektkoordinator", "IT-Projektkoordinator", "Gelsenkirchen", 25),
    RelQuery("IT-Projektkoordinatorin", "IT-Projektkoordinator"),
    RelQuery("Projektkoordination IT", "IT-Projektkoordinator", "Essen", 50),
    RelQuery("Koordinator IT-Projekte", "IT-Projektkoordinator"),
    RelQuery("Softwareentwickler", "Softwareentwickler", "München", 25),
    RelQuery("Softwareentwicklerin (m/w/d)", "Softwareentwickler"),
    RelQuery("Software Entwickler Remote", "Softwareentwickler", remote="remote"),
    RelQuery("Anwendungsentwickler", "Anwendungsentwickler", "Köln", 50),
    RelQuery("Fachinformatiker Systemintegration", "Fachinformatiker für Systemintegration"),
    RelQuery("Systemadministrator", "IT-Systemadministrator", "Dortmund", 30),
    RelQuery("Pflegefachfrau", "Pflegefachmann", "Bochum", 25),
    RelQuery("Pflegefachkraft", "Pflegefachmann", "Berlin", 20),
    RelQuery("Gesundheits- und Krankenpfleger", "Pflegefachmann", "Hamburg", 25),
    RelQuery("Pflegefachkraft Teilzeit", "Pflegefachmann", working_time="teilzeit"),
    RelQuery("Altenpflegerin", "Altenpfleger", "Gelsenkirchen", 20),
    RelQuery("Altenpfleger", "Altenpfleger", "Herne", 25),
    RelQuery("Pflegehelfer", "Pflegehelfer", "Essen", 25),
    RelQuery("Medizinische Fachangestellte", "Medizinischer Fachangestellter", "Essen", 30),
    RelQuery("MFA Teilzeit", "Medizinischer Fachangestellter", working_time="teilzeit"),
    RelQuery("Zahnmedizinische Fachangestellte", "Zahnmedizinischer Fachangestellter", "Bochum", 30),
    RelQuery("Physiotherapeut", "Physiotherapeut", "Köln", 25),
    RelQuery("Notfallsanitäter", "Notfallsanitäter", "Dortmund", 50),
    RelQuery("Erzieherin", "Erzieher", "Gelsenkirchen", 15),
    RelQuery("Erzieher (m/w/d) Vollzeit", "Erzieher", "Berlin", 25, working_time="vollzeit"),
    RelQuery("Sozialarbeiter", "Sozialarbeiter", "Essen", 25),
    RelQuery("Sozialpädagogin", "Sozialarbeiter"),
    RelQuery("Heilerziehungspfleger", "Heilerziehungspfleger"),
    RelQuery("Elektriker", "Elektroniker für Energie- und Gebäudetechnik", "Duisburg", 25),
    RelQuery("Elektroniker Energie- und Gebäudetechnik", "Elektroniker für Energie- und Gebäudetechnik"),
    RelQuery("Mechatroniker", "Mechatroniker", "Stuttgart", 40),
    RelQuery("Kfz-Mechatroniker", "Kfz-Mechatroniker", "Bochum", 30),
    RelQuery("KFZ Mechatroniker", "Kfz-Mechatroniker", "Hannover", 30),
    RelQuery(
        "Anlagenmechaniker SHK", "Anlagenmechaniker für Sanitär-, Heizungs- und Klimatechnik", "Essen", 30
    ),
    RelQuery("Heizungsbauer", "Anlagenmechaniker für Sanitär-, Heizungs- und Klimatechnik"),
    RelQuery("Industriemechaniker", "Industriemechaniker", "Dortmund", 40),
    RelQuery("Zerspanungsmechaniker", "Zerspanungsmechaniker"),
    RelQuery("CNC-Fräser", "Zerspanungsmechaniker"),
    RelQuery("Schweisser", "Schweißer"),
    RelQuery("Produktionshelfer", "Produktionshelfer", "Gelsenkirchen", 25),
    RelQuery("Berufskraftfahrer", "Berufskraftfahrer", "Duisburg", 40),
    RelQuery("LKW-Fahrer CE", "Berufskraftfahrer"),
    RelQuery("Fachkraft Lagerlogistik", "Fachkraft für Lagerlogistik", "Dortmund", 25),
    RelQuery("Lagerhelfer", "Lagerhelfer", "Oberhausen", 25),
    RelQuery("Staplerfahrer", "Staplerfahrer", "Hamm", 40),
    RelQuery("Kauffrau für Büromanagement", "Kaufmann für Büromanagement", "Essen", 25),
    RelQuery("Bürokaufmann", "Kaufmann für Büromanagement"),
    RelQuery("Sachbearbeiterin", "Kaufmännischer Sachbearbeiter", "Bochum", 25),
    RelQuery("Buchhalter", "Buchhalter", "Dortmund", 40),
    RelQuery("Finanzbuchhalterin", "Buchhalter"),
    RelQuery("Steuerfachangestellte", "Steuerfachangestellter", "Recklinghausen", 40),
    RelQuery("Verwaltungsfachangestellte", "Verwaltungsfachangestellter", "Gelsenkirchen", 25),
    RelQuery("Personalreferentin", "Personalreferent"),
    RelQuery("Bauleiter", "Bauleiter"),
    RelQuery("Bauingenieur", "Bauingenieur"),
    RelQuery("Maschinenbauingenieur", "Maschinenbauingenieur"),
    RelQuery("Elektroingenieur", "Elektroingenieur"),
    RelQuery("Vertriebsmitarbeiter Innendienst", "Vertriebsmitarbeiter Innendienst", "Köln", 40),
    RelQuery("Verkäuferin Teilzeit", "Verkäufer", "Essen", 20, working_time="teilzeit"),
    RelQuery("Kassierer", "Kassierer"),
    RelQuery("Koch", "Koch", "Berlin", 25),
    RelQuery("Küchenhilfe", "Küchenhilfe", "Dortmund", 25),
    RelQuery("Reinigungskraft", "Reinigungskraft", "Gelsenkirchen", 20),
    RelQuery("Hausmeister", "Hausmeister", "Bochum", 25),
    RelQuery("Sicherheitsmitarbeiter", "Sicherheitsmitarbeiter"),
    RelQuery("Friseurin", "Friseur", "Essen", 30),
    RelQuery("Marketing Manager Hybrid", "Marketing Manager", remote="hybrid"),
    RelQuery("Kundenservice", "Kundenservicemitarbeiter", "Duisburg", 50),
    RelQuery("Landschaftsgärtner", "Landschaftsgärtner"),
    RelQuery("Tischler", "Tischler", "Essen", 40),
    RelQuery("Schreiner", "Tischler"),
)


def _targets() -> dict[str, str]:
    by_title: dict[str, str] = {}
    for occ in OCCUPATIONS:
        by_title.setdefault(occ.male, occ.kldb)
    return by_title


def _city(name: str) -> refplaces.Place:
    hits = [p for p in refplaces.suggest(name, 5) if p.name == name]
    if not hits:
        raise SystemExit(f"unknown city {name!r}")
    return hits[0]


def posting_no(source_id: str) -> int:
    return int(source_id.rsplit("-", 1)[1])


def corpus() -> list[RawPosting]:
    return list(generate(COUNT, SEED, now=NOW))


def judge(raws: list[RawPosting]) -> dict[str, Any]:
    """Apply the rule from the module docstring; returns the JSON document."""
    munis = refplaces.municipalities()
    targets = _targets()
    today = NOW.date()
    out = []
    for q in QUERIES:
        kldb = targets[q.target]
        center = _city(q.city) if q.city else None
        grades: dict[int, int] = {}
        for raw in raws:
            truth = raw.extra
            code = str(truth["kldb"])
            if code == kldb:
                grade = 2
            elif code[:4] == kldb[:4]:
                grade = 1
            else:
                continue
            if raw.valid_through is not None and raw.valid_through < today:
                continue
            if q.working_time and truth["working_time"] != q.working_time:
                continue
            if q.remote and truth["remote"] != q.remote:
                continue
            if center is not None:
                pts = [munis[a] for a in truth["place_ags"] if a in munis]
                if not any(haversine_km(center.lat, center.lon, p.lat, p.lon) <= q.radius_km for p in pts):
                    continue
            grades[posting_no(raw.source_id)] = grade
        out.append(
            {
                **dataclasses.asdict(q),
                "kldb": kldb,
                "grade2": sorted(n for n, g in grades.items() if g == 2),
                "grade1": sorted(n for n, g in grades.items() if g == 1),
            }
        )
    return {
        "corpus": {"generator": "stellenatlas.sources.sample.generate", "count": COUNT, "seed": SEED},
        "now": NOW.isoformat(),
        "rule": "grade 2 = true KldB equals target; grade 1 = same 4-digit group; within radius of a true "
        "place; true working_time/remote match the filters; not expired at `now`",
        "queries": out,
    }


def index_docs(raws: list[RawPosting]) -> Iterator[IndexDoc]:
    """normalize -> Posting -> IndexDoc, ids = posting number + 1 (the store would assign its own)."""
    from stellenatlas.normalize.pipeline import Rejected, normalize

    munis = refplaces.municipalities()
    for raw in raws:
        try:
            posting = normalize(raw, today=NOW.date()).posting
        except Rejected:
            continue
        yield doc_from_posting(dataclasses.replace(posting, id=posting_no(raw.source_id) + 1), munis)


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def evaluate(index: TantivyIndex, judgments: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for j in judgments["queries"]:
        graded = {n + 1: 2 for n in j["grade2"]} | {n + 1: 1 for n in j["grade1"]}
        center = _city(j["city"]) if j["city"] else None
        q = SearchQuery(
            text=j["text"],
            lat=center.lat if center else None,
            lon=center.lon if center else None,
            radius_km=j["radius_km"] if center else None,
            working_time=j["working_time"],
            remote=j["remote"],
            page_size=K,
            facets=False,
        )
        res = index.search(q)
        got = [graded.get(h.posting_id, 0) for h in res.hits]
        ideal = dcg(sorted(graded.values(), reverse=True)[:K])
        ndcg = dcg(got) / ideal if ideal else 0.0
        rows.append(
            {"text": j["text"], "city": j["city"], "ndcg": ndcg, "relevant": len(graded), "total": res.total}
        )
    return rows


def run(judgments_path: Path = JUDGMENTS, verbose: bool = True) -> float:
    """Mean nDCG@10 over the judged queries (queries without any relevant posting are skipped)."""
    judgments = json.loads(judgments_path.read_text(encoding="utf-8"))
    raws = corpus()
    with tempfile.TemporaryDirectory(prefix="stellenatlas-relevance-") as tmp:
        t0 = time.perf_counter()
        index = rebuild(index_docs(raws), tmp)
        if verbose:
            print(f"{index.count()} postings normalized + indexed in {time.perf_counter() - t0:.1f} s")
        rows = [r for r in evaluate(index, judgments) if r["relevant"]]
    mean = sum(r["ndcg"] for r in rows) / len(rows)
    if verbose:
        for r in sorted(rows, key=lambda r: r["ndcg"]):
            where = f" @ {r['city']}" if r["city"] else ""
            print(f"{r['ndcg']:.3f}  {r['text']}{where}  (relevant {r['relevant']}, found {r['total']})")
        print(f"nDCG@{K} = {mean:.3f} over {len(rows)} queries")
    return mean


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--judge", action="store_true", help="rewrite the judgments file from the rule")
    args = ap.parse_args(argv)
    if args.judge:
        doc = judge(corpus())
        JUDGMENTS.parent.mkdir(parents=True, exist_ok=True)
        JUDGMENTS.write_text(
            json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
        )
        n = len(doc["queries"])
        empty = sum(1 for q in doc["queries"] if not q["grade2"] and not q["grade1"])
        print(f"{n} queries judged ({empty} without relevant postings) -> {JUDGMENTS}", file=sys.stderr)
        return
    run()


if __name__ == "__main__":
    main()
