"""Build stellenatlas/search/compound_parts.txt, the word-part dictionary for tantivy's `split_compound`.

Run: `.venv/bin/python -m tools.build_search_dictionary [BA_CSV]`.

tantivy splits a token only when dictionary words cover it completely, and it prefers the longest match,
so the dictionary must hold the *parts* ("projekt", "koordinat") and not the compounds themselves
("projektkoordinat" would be matched whole and never split). Steps:

1. words of the BA Gesamtberufsliste (male long forms) plus common posting words, folded with the same
   `fold_word` the index uses ("Koordinator" -> "koordinat");
2. harvest parts that only occur inside compounds: a tail `b` of `a + b` where `a` is a known word
   ("fach" + "kraft") counts when it closes at least 3 different compounds; heads likewise;
3. keep a candidate only if it cannot itself be segmented into shorter kept parts (atoms);
4. add the linking-s form of atoms that take one ("Bildung" -> "bildungs" for "Bildungsreferent").
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

from stellenatlas.search.analysis import SHORT_PARTS, fold_word

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SRC = ROOT.parent / "shared" / "data" / "occupations" / "ba_gesamtberufsliste_2019_public.csv"
OUT = ROOT / "stellenatlas" / "search" / "compound_parts.txt"

# Words frequent in real posting titles but rare or absent as standalone BA titles.
EXTRA_WORDS = [
    "projekt",
    "projekte",
    "koordinator",
    "koordination",
    "manager",
    "management",
    "entwickler",
    "entwicklung",
    "berater",
    "beratung",
    "leiter",
    "leitung",
    "assistenz",
    "assistent",
    "sachbearbeiter",
    "sachbearbeitung",
    "pflege",
    "fach",
    "kraft",
    "kräfte",
    "helfer",
    "mitarbeiter",
    "referent",
    "spezialist",
    "techniker",
    "ingenieur",
    "software",
    "system",
    "systeme",
    "daten",
    "netzwerk",
    "vertrieb",
    "service",
    "kunden",
    "lager",
    "logistik",
    "verkauf",
    "verkäufer",
    "büro",
    "kauf",
    "kaufmann",
    "personal",
    "finanz",
    "finanzen",
    "buchhalter",
    "buchhaltung",
    "controller",
    "controlling",
    "marketing",
    "online",
    "web",
    "support",
    "administrator",
    "administration",
    "elektro",
    "elektroniker",
    "mechaniker",
    "mechatroniker",
    "monteur",
    "fahrer",
    "kraftfahrer",
    "erzieher",
    "sozial",
    "arbeiter",
    "pädagoge",
    "kinder",
    "alten",
    "kranken",
    "gesundheit",
    "pfleger",
    "leitung",
    "team",
    "schicht",
    "produktion",
    "qualität",
    "sicherung",
    "einkauf",
    "steuer",
    "recht",
    "anwalt",
    "medizin",
    "zahn",
    "arzt",
    "apotheke",
    "lehrer",
    "reinigung",
    "küche",
    "koch",
    "hotel",
    "empfang",
    "verwaltung",
    "dienst",
    "stadt",
    "werk",
    "werke",
    "energie",
    "anlagen",
    "haus",
    "technik",
    "gebäude",
    "immobilien",
    "kunde",
    "objekt",
    "bereich",
    "gruppe",
    "abteilung",
    "stelle",
    "planer",
    "planung",
    "prüfer",
    "prüfung",
    "analyst",
    "analyse",
    "architekt",
    "architektur",
    "anwendung",
    "anwendungs",
    "betreuer",
    "betreuung",
    "berufs",
    "kranken",
    "wirtschaft",
    "informatik",
    "informatiker",
    "betrieb",
    "betriebs",
    "wohn",
    "bildung",
    "schule",
    "sport",
    "jugend",
    "fertigung",
    "montage",
    "instandhaltung",
    "wartung",
    "versand",
    "handel",
    "dokumentation",
    "konstrukteur",
    "konstruktion",
]

# Derivational endings that the harvest would otherwise take for word parts ("medizin" + "isch").
_NOT_A_PART = re.compile(r"^(?:isch|lich|ung|heit|keit|ier|ig|bar|sam|haft|ment|ell|ativ|iv|los)\w{0,3}$")
_LINKING_S = re.compile(r"(?:ung|heit|keit|schaft|ion|tät|ling|ing|um|at|amt|ort|tum)$")
_WORD = re.compile(r"[a-zäöüß]+")


def _segmentable(word: str, parts: set[str]) -> bool:
    """True when `word` splits into >= 2 pieces from `parts` (the same rule tantivy's filter needs)."""
    n = len(word)
    ok = [False] * (n + 1)
    ok[0] = True
    for i in range(n):
        if not ok[i]:
            continue
        for j in range(i + 2, n + 1):
            if (i, j) != (0, n) and word[i:j] in parts:
                ok[j] = True
    return ok[n]


def build(src: Path) -> list[str]:
    counts: Counter[str] = Counter()
    with src.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for w in _WORD.findall(row["bezeichnung_maennlich_lang"].lower()):
                counts[fold_word(w)] += 1
    for w in EXTRA_WORDS:
        counts[fold_word(w)] += 3
    known = {w for w in counts if len(w) >= 4} | set(SHORT_PARTS)

    heads: Counter[str] = Counter()
    tails: Counter[str] = Counter()
    for w in counts:
        for i in range(4, len(w) - 3):
            a, b = w[:i], w[i:]
            if a in known or (a.endswith("s") and a[:-1] in known):
                tails[b] += 1
            if b in known:
                heads[a.removesuffix("s") if a[:-1] in known else a] += 1
    harvested = {b for b, c in tails.items() if c >= 3} | {a for a, c in heads.items() if c >= 3}
    candidates = known | {w for w in harvested if not _NOT_A_PART.match(w)}

    atoms: set[str] = set()
    linked: set[str] = set()
    for w in sorted(candidates, key=lambda x: (len(x), x)):
        if _segmentable(w, atoms | linked):
            continue
        atoms.add(w)
        if _LINKING_S.search(w):
            linked.add(w + "s")
    # A part must be a plausible word: junk tails such as "ungs" are linking forms already covered.
    return sorted(atoms | linked)


def main(argv: list[str]) -> None:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_SRC
    words = build(src)
    header = (
        "# Generated by tools/build_search_dictionary.py from the BA Gesamtberufsliste 2019; do not edit.\n"
    )
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} parts -> {OUT}")


if __name__ == "__main__":
    main(sys.argv)
