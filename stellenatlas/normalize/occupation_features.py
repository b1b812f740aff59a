"""German job-title analysis for the occupation classifier: cleaning, tokens, compound heads, n-grams.

Pure functions plus a `Vocabulary` (the set of title words seen in training) used to split compounds:
"Projektkoordinator" -> head "koordinator" + modifier "projekt" when both are known words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import Stemmer

from stellenatlas.normalize.text import fold, strip_gender_forms

_STEMMER = Stemmer.Stemmer("german")

# BA neutral forms that strip_gender_forms does not cover: "Aalräucherer/-räucherin", "Abfallbeauftragte/r",
# "Geologe/Geologin", "Kaufmann/-frau", "Weinbaugehilfe/-gehilfin".
_BA_NEUTRAL = re.compile(r"/-?\s?[a-zäöüß]*(?:in|frau|r)\b(?!/)|/\s?[A-ZÄÖÜ][a-zäöüß]+in\b")
_WORD = re.compile(r"[a-z0-9]+(?:[#+]+)?")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# Segments after these separators are usually employer, place or perks: "Koordinator IT-Projekte – Stadtwerke".
_SEGMENT = re.compile(r"\s[–—|]\s|\s-\s|\s/\s|,\s|\s@\s|\bbei\s|:\s")

# Words that carry no occupation signal in posting titles (folded).
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "am",
        "and",
        "als",
        "auf",
        "aus",
        "bei",
        "bzw",
        "das",
        "dem",
        "den",
        "der",
        "des",
        "die",
        "ein",
        "eine",
        "einen",
        "einer",
        "eines",
        "fuer",
        "im",
        "in",
        "inkl",
        "mit",
        "nach",
        "oder",
        "ohne",
        "the",
        "of",
        "for",
        "to",
        "u",
        "und",
        "vom",
        "von",
        "zum",
        "zur",
        "z",
        "b",
        "ca",
        "m",
        "w",
        "d",
        "x",
        "f",
        "i",
        "gn",
        "mwd",
        "wmd",
        "dwm",
        "mw",
        "wm",
        "mfd",
        "div",
        "divers",
        "all",
        "gender",
        "genders",
        "alle",
        "geschlechter",
        "ab",
        "sofort",
        "zum",
        "nachster",
        "naechstmoeglichen",
        "zeitpunkt",
        "vollzeit",
        "teilzeit",
        "vz",
        "tz",
        "befristet",
        "unbefristet",
        "festanstellung",
        "minijob",
        "minijobber",
        "mini",
        "job",
        "jobs",
        "stelle",
        "stellen",
        "stellenangebot",
        "gesucht",
        "gesuchte",
        "ref",
        "nr",
        "wir",
        "suchen",
        "suche",
        "dich",
        "sie",
        "du",
        "ihr",
        "dein",
        "deine",
        "unser",
        "unsere",
        "unseren",
        "team",
        "verstaerkung",
        "neue",
        "neuen",
        "home",
        "office",
        "homeoffice",
        "remote",
        "hybrid",
        "mobil",
        "mobiles",
        "arbeiten",
        "bonus",
        "euro",
        "eur",
        "std",
        "stunde",
        "stunden",
        "h",
        "fachrichtung",
        "schwerpunkt",
        "bereich",
        "mwd",
        "wmd",
        "gehalt",
        "bis",
        "zu",
        "prozent",
        "standort",
        "region",
        "raum",
        "senior",
        "junior",
        "sr",
        "jr",
        "principal",
        "trainee",
        "werkstudent",
        "werkstudentin",
        "working",
        "student",
    ]
)

# Curated English -> German vocabulary for the head nouns of English titles and common modifiers.
ENGLISH = {
    "developer": "entwickler",
    "developers": "entwickler",
    "development": "entwicklung",
    "programmer": "programmierer",
    "engineer": "ingenieur",
    "engineering": "ingenieurwesen",
    "coordinator": "koordinator",
    "consultant": "berater",
    "consulting": "beratung",
    "advisor": "berater",
    "nurse": "pflegefachkraft",
    "nursing": "pflege",
    "project": "projekt",
    "projects": "projekt",
    "sales": "vertrieb",
    "accountant": "buchhalter",
    "accounting": "buchhaltung",
    "bookkeeper": "buchhalter",
    "assistant": "assistent",
    "administrator": "administrator",
    "admin": "administrator",
    "architect": "architekt",
    "driver": "fahrer",
    "technician": "techniker",
    "mechanic": "mechaniker",
    "electrician": "elektriker",
    "teacher": "lehrer",
    "customer": "kunden",
    "specialist": "spezialist",
    "expert": "experte",
    "head": "leiter",
    "director": "direktor",
    "clerk": "sachbearbeiter",
    "scientist": "wissenschaftler",
    "researcher": "forscher",
    "research": "forschung",
    "data": "daten",
    "warehouse": "lager",
    "worker": "arbeiter",
    "operator": "bediener",
    "cook": "koch",
    "waiter": "kellner",
    "cleaner": "reiniger",
    "receptionist": "empfang",
    "purchaser": "einkaeufer",
    "buyer": "einkaeufer",
    "purchasing": "einkauf",
    "procurement": "einkauf",
    "marketing": "marketing",
    "finance": "finanz",
    "financial": "finanz",
    "quality": "qualitaet",
    "network": "netzwerk",
    "system": "system",
    "systems": "system",
    "security": "sicherheit",
    "physician": "arzt",
    "doctor": "arzt",
    "lawyer": "rechtsanwalt",
    "tax": "steuer",
    "logistics": "logistik",
    "production": "produktion",
    "maintenance": "instandhaltung",
    "electrical": "elektro",
    "mechanical": "maschinenbau",
    "civil": "bau",
    "human": "personal",
    "resources": "",
    "hr": "personal",
    "recruiter": "personalberater",
    "recruiting": "personalbeschaffung",
    "payroll": "lohnbuchhaltung",
    "office": "buero",
    "teamlead": "teamleiter",
    "lead": "",
    "manager": "manager",
    "management": "management",
    "owner": "",
    "analyst": "analyst",
    "designer": "designer",
    "tester": "tester",
    "support": "support",
    "service": "service",
}

# Technology words in IT titles point at software development: "Fullstack Developer (Java/Angular)".
_SOFTWARE_HINTS = frozenset(
    [
        "java",
        "javascript",
        "typescript",
        "python",
        "angular",
        "react",
        "vue",
        "php",
        "net",
        "c#",
        "c++",
        "golang",
        "kotlin",
        "swift",
        "fullstack",
        "frontend",
        "backend",
        "web",
        "cloud",
        "devops",
        "sap",
        "abap",
        "salesforce",
    ]
)

# Abbreviations as they appear in postings -> the spelling the BA list uses.
ABBREVIATIONS = {
    "edv": "it",
    "dv": "it",
    "ikt": "it",
    "mfa": "medizinischer fachangestellter",
    "zfa": "zahnmedizinischer fachangestellter",
    "pta": "pharmazeutisch technischer assistent",
    "mta": "medizinisch technischer assistent",
    "kita": "kindertagesstaette",
    "kfz": "kfz",
    "lkw": "lkw",
    "bwl": "betriebswirt",
    "gf": "geschaeftsfuehrer",
    "shk": "sanitaer heizung klimatechnik",
}

_ADJECTIVE = re.compile(r"(?:isch|lich|end|iert|ig|ell|al|iv)(?:e|er|es|en)?$")


def clean_title(title: str) -> str:
    """Folded title without gender forms; punctuation kept for segmenting."""
    text = strip_gender_forms(title)
    text = _BA_NEUTRAL.sub("", text)
    return fold(text)


def segments(folded: str) -> list[str]:
    """Title variants to score: full text, without brackets, and the part before the first separator."""
    out = [folded]
    no_parens = _PARENS.sub(" ", folded)
    if no_parens.strip() != folded.strip():
        out.append(no_parens)
    first = _SEGMENT.split(no_parens, maxsplit=1)[0]
    if first.strip() and first.strip() != no_parens.strip():
        out.append(first)
    return out


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


@lru_cache(maxsize=65536)
def words(folded: str) -> tuple[str, ...]:
    """Stemmed content words with English and abbreviation mapping; stopwords removed."""
    out: list[str] = []
    software = False
    for raw in _WORD.findall(folded):
        if raw in _SOFTWARE_HINTS:
            software = True
            continue
        if raw in STOPWORDS or raw.isdigit():
            continue
        mapped = ENGLISH.get(raw, ABBREVIATIONS.get(raw, raw))
        for w in mapped.split():
            out.append(stem(w))
    if software:
        out.insert(0, "software")
    return tuple(out)


class Vocabulary:
    """Known title words (stemmed) for compound splitting."""

    def __init__(self, known: Iterable[str]) -> None:
        self.known = frozenset(w for w in known if len(w) >= 3)
        self._split = lru_cache(maxsize=131072)(self._split_uncached)

    def split(self, word: str) -> tuple[str, ...]:
        """ "projektkoordinator" -> ("projekt", "koordinator"); unknown or short words -> (word,)."""
        return self._split(word)

    def _split_uncached(self, word: str) -> tuple[str, ...]:
        if len(word) < 7:
            return (word,)
        # Longest known head first: German compounds are right-headed.
        for i in range(3, len(word) - 3):
            head = word[i:]
            if head not in self.known:
                continue
            modifier = word[:i]
            for cand in (modifier, modifier[:-1] if modifier.endswith(("s", "n", "e")) else ""):
                if cand in self.known:
                    return (*self.split(cand), head)
            return (modifier, head) if len(modifier) >= 4 else (head,)
        return (word,)


def role_word(tokens: tuple[str, ...]) -> str:
    """The job noun: first token that is not an adjective ("leitend pflegefachkraft" -> "pflegefachkraft")."""
    for t in tokens:
        if not _ADJECTIVE.search(t):
            return t
    return tokens[0] if tokens else ""


def _segment_weights(folded: str) -> list[tuple[str, float]]:
    """Main part at full weight; bracketed text and text after separators (employer, place, qualifier)
    at half weight, so they refine a match without being able to dominate it."""
    main = _PARENS.sub(" ", folded)
    parts = _SEGMENT.split(main, maxsplit=1)
    out = [(parts[0], 1.0)]
    if len(parts) > 1:
        out.append((parts[1], 0.5))
    out.extend((m.group(0)[1:-1], 0.5) for m in _PARENS.finditer(folded))
    return out


def features(folded: str, vocab: Vocabulary) -> dict[str, float]:
    """Weighted sparse features of one folded title (not normalized)."""
    feats: dict[str, float] = {}

    def put(key: str, weight: float) -> None:
        if weight > feats.get(key, 0.0):
            feats[key] = weight

    role = ""
    for text, seg_w in _segment_weights(folded):
        tokens = words(text)
        if not tokens:
            continue
        if not role and seg_w == 1.0:
            role = role_word(tokens)
        for t in tokens:
            put("w:" + t, seg_w)
            parts = vocab.split(t)
            if len(parts) > 1:
                put("h:" + parts[-1], 0.5 * seg_w)
                for p in parts[:-1]:
                    put("w:" + p, 0.6 * seg_w)
            padded = f" {t} "
            for i in range(len(padded) - 3):
                put("g:" + padded[i : i + 4], 0.25 * seg_w)
    if role:
        put("r:" + vocab.split(role)[-1], 0.6)
    return feats


def exact_key(folded: str) -> str:
    """Order-insensitive key: "projektkoordinator it" and "it-projektkoordinator" coincide."""
    return " ".join(sorted(set(words(folded))))
