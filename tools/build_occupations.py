"""Build the occupation reference files under stellenatlas/refdata/data/ from ../shared/data/occupations/.

Run: `.venv/bin/python -m tools.build_occupations [SRC_DIR]`. Outputs (gzip CSV, UTF-8, `,`-separated):

* kldb2010.csv.gz       code, level, title, short_title, description (excerpt of "Allgemeine Bemerkungen")
* job_titles.csv.gz     dkz_id, codenummer, kldb, zustand, neutral, male, female, source
                        (source "ba" = Gesamtberufsliste; "kldb" = example title named in the KldB explanations,
                        which also covers part of the Gesamtberufsliste not in the public extract)
* esco_occupations.csv.gz  uri, label, alt_labels ("|"-joined), isco (4 digits), definition (excerpt)
* kldb_isco.csv.gz      kldb, isco, n (AuxCO categories supporting the pair)
* occupation_model.npz  weights of the job-title classifier (stellenatlas/normalize/occupation_model.py), with
                        the semantic head and its piece-table encoder (occupation_semantic.py, occupation_static.py)

The ESCO turtle file is parsed with a small purpose-built parser: it is a flat list of `<id> a skos:Concept ; ...`
blocks with one predicate per line, which is all we need (no rdflib dependency).
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SRC = ROOT.parent / "shared" / "data" / "occupations"
OUT = ROOT / "stellenatlas" / "refdata" / "data"

_EXAMPLE = re.compile(r"(\d{5})-(\d{3}) (.+?)(?=\s{2}\d{5}-\d{3} |\s*$)")

_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", html.unescape(text)).strip()


def _excerpt(text: str, limit: int = 400) -> str:
    text = _clean(text)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    # End on a sentence boundary when one is close, so the excerpt reads as German prose.
    dot = cut.rfind(". ")
    return cut[: dot + 1] if dot > limit // 2 else cut.rsplit(" ", 1)[0] + " …"


def _male_female(neutral: str) -> tuple[str, str]:
    """Best-effort male/female forms for titles that only exist in neutral form ("Koordinator/in - EDV")."""
    male = re.sub(r"/-?in\b|/r\b|/-?frau\b", "", neutral)
    female = re.sub(r"(\w+)/-?in\b", r"\1in", neutral)
    female = re.sub(r"(\w+)e/r\b", r"\1e", female)
    return _clean(male), _clean(female)


def read_kldb(src: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    rows: list[dict[str, str]] = []
    extra_titles: list[dict[str, str]] = []
    with open(src / "kldb2010_gliederung.csv", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        for rec in reader:
            level = rec[1].strip()
            # The source drops leading zeros of the military codes ("1104" is 01104): pad to the level.
            code, title, short = rec[0].strip().zfill(int(level)), _clean(rec[2]), _clean(rec[3])
            remarks, further = rec[4], rec[6]
            rows.append(
                {
                    "code": code,
                    "level": level,
                    "title": title,
                    "short_title": short,
                    "description": _excerpt(remarks),
                }
            )
            if level != "5":
                continue
            further = _clean(further)
            if "Zugeordnete Berufe" in further:
                body = further.split(":", 1)[1]
                for m in re.finditer(r"(\d{5})-(\d{3}) (.+?)(?= \d{5}-\d{3} |$)", body):
                    neutral = m.group(3).strip()
                    male, female = _male_female(neutral)
                    extra_titles.append(
                        {
                            "dkz_id": "",
                            "codenummer": f"B {m.group(1)}-{m.group(2)}",
                            "kldb": m.group(1),
                            "zustand": "",
                            "neutral": neutral,
                            "male": male,
                            "female": female,
                            "source": "kldb",
                        }
                    )
    return rows, extra_titles


def read_kldb_text(src: Path) -> dict[str, str]:
    """code -> full "Allgemeine Bemerkungen" + "Einschlüsse" text (training input for the title model only)."""
    out: dict[str, str] = {}
    with open(src / "kldb2010_gliederung.csv", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        for rec in reader:
            code = rec[0].strip().zfill(int(rec[1].strip()))
            out[code] = (rec[4] + "   " + rec[5]).replace("&nbsp;", " ")
    return out


def read_reference_texts(src: Path, esco: list[dict[str, str]] | None = None) -> list[str]:
    """Texts whose words (not their codes) feed the piece table of the static title encoder: ESCO labels and
    alternative labels, AuxCO titles and task descriptions, the KldB explanations."""
    out: list[str] = []
    for occ in esco if esco is not None else read_esco(src):
        out.append(occ["label"])
        out.extend(a for a in occ["alt_labels"].split("|") if a)
    with open(src / "auxco_auxco_categories.csv", encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            out.extend(_clean(rec[k]) for k in ("title", "task", "task_description"))
    out.extend(_clean(text) for _code, text in sorted(read_kldb_text(src).items()))
    return [t for t in out if t]


def read_ba(src: Path) -> list[dict[str, str]]:
    out = []
    with open(src / "ba_gesamtberufsliste_2019_public.csv", encoding="utf-8-sig", newline="") as fh:
        for rec in csv.DictReader(fh):
            out.append(
                {
                    "dkz_id": rec["dkz_id"],
                    "codenummer": rec["codenummer"],
                    "kldb": rec["kldb2010"],
                    "zustand": rec["zustand"],
                    "neutral": _clean(rec["bezeichnung_neutral_kurz"]),
                    "male": _clean(rec["bezeichnung_maennlich_lang"]),
                    "female": _clean(rec["bezeichnung_weiblich_lang"]),
                    "source": "ba",
                }
            )
    return out


_TTL_STR = re.compile(r'"((?:[^"\\]|\\.)*)"@de')
_TTL_IRI = re.compile(r"<([^>]*)>")


def _unescape_ttl(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def read_esco(src: Path) -> list[dict[str, str]]:
    """Parse the ESCO occupations turtle: occupations with labels and their ISCO-08 four-digit group."""
    concepts: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    text = (src / "esco_v1.2_occupations_de.ttl").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.strip()
        if line.endswith("a skos:Concept ;"):
            ident = _TTL_IRI.match(line)
            current = {"alt": [], "broader": [], "exact": ""}
            concepts[ident.group(1) if ident else line] = current
            continue
        if current is None or not line.startswith("skos:"):
            continue
        pred = line.split(None, 1)[0]
        if pred == "skos:prefLabel":
            m = _TTL_STR.search(line)
            current["label"] = _unescape_ttl(m.group(1)) if m else ""
        elif pred == "skos:altLabel":
            m = _TTL_STR.search(line)
            if m:
                current["alt"].append(_unescape_ttl(m.group(1)))
        elif pred == "skos:definition":
            m = _TTL_STR.search(line)
            current["definition"] = _unescape_ttl(m.group(1)) if m else ""
        elif pred == "skos:exactMatch":
            current["exact"] = _TTL_IRI.findall(line)[0]
        elif pred in ("skos:broader", "skos:broaderTransitive"):
            current["broader"].extend(_TTL_IRI.findall(line))

    def isco_of(key: str) -> str:
        exact = str(concepts[key]["exact"])
        return exact.rsplit("/C", 1)[1] if "/isco/C" in exact else ""

    out = []
    for c in concepts.values():
        exact = str(c["exact"])
        if "/esco/occupation/" not in exact:
            continue
        # Walk up the broader chain (occupations may nest under other occupations) to a 4-digit ISCO group.
        isco = ""
        for parent in c["broader"]:
            code = isco_of(parent) if parent in concepts else ""
            if len(code) == 4:
                isco = code
                break
        alts = sorted(set(c["alt"]) - {c.get("label", "")})
        out.append(
            {
                "uri": exact,
                "label": str(c.get("label", "")),
                "alt_labels": "|".join(a.replace("|", "/") for a in alts),
                "isco": isco,
                "definition": _excerpt(str(c.get("definition", "")), 300),
            }
        )
    out.sort(key=lambda r: r["uri"])
    return out


def read_kldb_isco(src: Path) -> list[dict[str, str]]:
    """KldB 5-digit -> ISCO-08 pairs via AuxCO categories (default ISCO of every category mapped to the KldB)."""
    default_isco: dict[str, str] = {}
    with open(src / "auxco_auxco_categories.csv", encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            default_isco[rec["auxco_id"]] = rec["default_isco_id"]
    pairs: Counter[tuple[str, str]] = Counter()
    with open(src / "auxco_auxco_mapping_from_kldb.csv", encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            isco = default_isco.get(rec["auxco_id"], "")
            if re.fullmatch(r"\d{5}", rec["kldb_id"]) and re.fullmatch(r"\d{4}", isco):
                pairs[(rec["kldb_id"], isco)] += 1
    return [{"kldb": k, "isco": i, "n": str(n)} for (k, i), n in sorted(pairs.items())]


def _write(name: str, rows: list[dict[str, str]], fields: list[str]) -> int:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = OUT / name
    # mtime=0 keeps the gzip bytes reproducible across rebuilds.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    return path.stat().st_size


def main(argv: list[str]) -> None:
    src = Path(argv[0]) if argv else DEFAULT_SRC
    OUT.mkdir(parents=True, exist_ok=True)
    kldb_rows, example_titles = read_kldb(src)
    ba = read_ba(src)
    known = {r["codenummer"] for r in ba}
    seen_examples: set[str] = set()
    extra = []
    for r in example_titles:
        if r["codenummer"] in known or r["codenummer"] in seen_examples:
            continue
        seen_examples.add(r["codenummer"])
        extra.append(r)
    titles = ba + extra
    esco = read_esco(src)
    pairs = read_kldb_isco(src)
    sizes = {
        "kldb2010.csv.gz": _write(
            "kldb2010.csv.gz", kldb_rows, ["code", "level", "title", "short_title", "description"]
        ),
        "job_titles.csv.gz": _write(
            "job_titles.csv.gz",
            titles,
            ["dkz_id", "codenummer", "kldb", "zustand", "neutral", "male", "female", "source"],
        ),
        "esco_occupations.csv.gz": _write(
            "esco_occupations.csv.gz", esco, ["uri", "label", "alt_labels", "isco", "definition"]
        ),
        "kldb_isco.csv.gz": _write("kldb_isco.csv.gz", pairs, ["kldb", "isco", "n"]),
    }
    # Import late: the loaders read the files written just above.
    from stellenatlas.refdata import occupations as refocc

    for loader in (refocc.job_titles, refocc.esco_occupations, refocc.kldb_isco):
        loader.cache_clear()
    links = refocc.link_esco(refocc.job_titles())
    sizes["kldb_esco.csv.gz"] = _write(
        "kldb_esco.csv.gz", [{"kldb": k, "uri": e.uri} for k, e in sorted(links.items())], ["kldb", "uri"]
    )
    # The classifier's weights: trained on every title (minutes on one core), calibrated on a held-out fold.
    from stellenatlas.normalize.occupation import MODEL_FILE
    from stellenatlas.normalize.occupation_train import train_model

    refocc.kldb_table.cache_clear()
    # Without the KldB explanation prose (`read_kldb_text`): it helped on held-out BA titles but hurt posting-style
    # titles (docs/quality-occupation.md, 2026-11-25).
    # With the semantic head over sentence embeddings (+4 points top-1 on held-out titles), read by the static
    # piece-table distillation of USE multilingual (stored in the model file; microseconds per title).
    from stellenatlas.normalize.occupation_train import piece_encoder

    all_titles = refocc.job_titles()
    encoder = piece_encoder(all_titles, refocc.kldb_table(), read_reference_texts(src, esco))
    train_model(all_titles, refocc.kldb_table(), encoder=encoder).save(OUT / MODEL_FILE)
    sizes[MODEL_FILE] = (OUT / MODEL_FILE).stat().st_size
    by_level: defaultdict[str, int] = defaultdict(int)
    for r in kldb_rows:
        by_level[r["level"]] += 1
    print(f"kldb levels {dict(by_level)}; titles ba={len(ba)} kldb-examples={len(extra)}; esco={len(esco)}")
    print(f"esco without isco: {sum(1 for e in esco if not e['isco'])}; kldb-isco pairs {len(pairs)}")
    for name, size in sizes.items():
        print(f"{name}: {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main(sys.argv[1:])
