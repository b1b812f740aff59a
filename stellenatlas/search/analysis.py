"""German text analysis for the search index: the Python half that tantivy's filters cannot express.

tantivy does lowercasing, stop words, Snowball stemming and dictionary compound splitting. What it cannot
do is conflate German word families that matter for job titles, so every analysed text (at index time AND
at query time) first goes through `prepare_text`:

* gender markers go ("IT-Projektkoordinator (m/w/d)" -> "IT-Projektkoordinator"),
* feminine suffixes go where the base is a job word ("Koordinatorin" -> "Koordinator"),
* "-ator/-ation" families meet at "-at" ("Koordinator", "Koordination" -> "Koordinat"), because a job
  seeker typing "Projektkoordination" wants the "Projektkoordinator" postings,
* "-frau" becomes "-mann" ("Kauffrau" -> "Kaufmann").

The compound dictionary (`compound_parts.txt`) is built by tools/build_search_dictionary.py from the BA
job-title list with the same `fold_word`, so the words it holds are in the form the filter sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import tantivy

from stellenatlas.normalize import text as _text
from stellenatlas.normalize.occupation import classify_title
from stellenatlas.normalize.text import strip_gender_forms

STEM_ANALYZER = "de_stem"
COMPOUND_ANALYZER = "de_compound"
PLAIN_ANALYZER = "de_plain"  # lowercase words, unstemmed: the field typo tolerance compares against
KEYWORD_ANALYZER = "raw"  # built into tantivy: the whole value is one term

# A query chunk the title classifier relates to no occupation at all (a city, "Teilzeit", "CE", "Remote")
# is a side condition of the search, not part of the job name: below this confidence it is one.
SIDE_WORD_CONFIDENCE = 0.1
# A search takes the query's occupation from a lower confidence than a posting's label (THRESHOLD): the code
# is only an alternative way to match ("LKW-Fahrer" finds "Berufskraftfahrer" postings), ranked below postings
# with the typed words, while a wrong label on a posting would count in every statistic about it.
QUERY_OCCUPATION_THRESHOLD = 0.3
MAX_QUERY_CHUNKS = 8  # one classifier call per chunk: a pasted paragraph is not split further

_WORD = re.compile(r"[0-9a-zäöüß]+", re.IGNORECASE)
# Agent nouns whose feminine form is base + "in"/"innen": Koordinator-in, Erzieher-in, Referent-in,
# Praktikant-in, Friseur-in, Journalist-in, Pädagog-in. "Termin", "Medizin", "Berlin" do not end like that.
_AGENT_END = re.compile(r"(?:er|or|ent|ant|eur|ist|og|at|ot|ekt|al|ar|är|it|zt)$")
_ATOR_FAMILY = re.compile(r"(at)(?:ionen|ion|orinnen|orin|oren|or)$")
_FRAU = re.compile(r"frau(?:en)?$")
# Only words with one of these endings can change in `fold_word`; the rest just need lowercasing, which
# `str.lower()` does for the whole text at C speed (the index build spends most of its Python time here).
# The word is taken whole (possessive) and its ending checked by look-behinds: ~15 % faster than a lazy
# word followed by the alternatives, which retried the endings at every letter. Same matches, except that
# a word that IS an ending ("in", "or") matches too; `_fold_match` leaves those alone, as before.
_FOLD_ENDINGS = ("in", "innen", "ion", "ionen", "or", "oren", "frau", "frauen")
_FOLD_CANDIDATE = re.compile(
    r"(?<![0-9a-zäöüß])[0-9a-zäöüß]++" + "(?:" + "|".join(f"(?<={e})" for e in _FOLD_ENDINGS) + ")"
)
# Same matches as normalize.text's gender patterns, but each starts with a literal character so the regex
# engine can skip ahead instead of testing a look-behind at every position of a 1-2 KB description.
_GENDER_SUFFIX_FAST = re.compile(
    r"(?:[:*_/](?<=[a-zäöüß][:*_/])|\((?<=[a-zäöüß]\()|\s\((?<=[a-zäöüß]\s\())-?(?:in|innen)\)?(?![a-zäöüß])",
    re.IGNORECASE,
)
_BINNEN_I_FAST = re.compile(r"In(?<=[a-zäöüß]In)(nen)?(?![a-zäöüß])")
_GENDER_BARE_HINT = re.compile(r"/\s*[mwfd]\s*/\s*[mwfdx](?![\w/])", re.IGNORECASE)

# Tiny parts a compound may be built from; everything else in the dictionary has >= 4 letters so that
# "Leiter" is never split into nonsense like "lei" + "ter".
SHORT_PARTS = ("it", "edv", "kfz", "lkw", "pkw", "bau", "hr", "sap", "ki", "erp", "crm", "cnc", "sps")


@cache
def compound_parts() -> tuple[str, ...]:
    """The shipped compound dictionary: lowercase, folded word parts, one per line."""
    path = resources.files("stellenatlas.search").joinpath("compound_parts.txt")
    if not path.is_file():  # only while tools/build_search_dictionary.py builds it
        return ()
    text = path.read_text(encoding="utf-8")
    words = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(words)


@cache
def _known_words() -> frozenset[str]:
    return frozenset(compound_parts())


@lru_cache(maxsize=100_000)
def fold_word(word: str) -> str:
    """Conflate one lowercase word with its masculine singular job-title form (see module docstring)."""
    w = word.lower()
    if len(w) >= 6:
        for suffix in ("innen", "in"):
            if w.endswith(suffix):
                base = w[: -len(suffix)]
                if _AGENT_END.search(base) or base in _known_words():
                    w = base
                break
    w = _ATOR_FAMILY.sub(r"\1", w)
    if len(w) > 4:
        w = _FRAU.sub("mann", w)
    return w


def _fold_match(m: re.Match[str]) -> str:
    word = m.group(0)
    return word if word in _FOLD_ENDINGS else fold_word(word)


def strip_gender_forms_fast(text: str) -> str:
    """`normalize.text.strip_gender_forms` for the tokenizer: same removals, whitespace left as it is."""
    text = _text._GENDER_BRACKET.sub(" ", text)
    if _GENDER_BARE_HINT.search(text):  # cheap necessary condition for the slow look-behind pattern
        text = _text._GENDER_BARE.sub(" ", text)
    text = _GENDER_SUFFIX_FAST.sub("", text)
    return _BINNEN_I_FAST.sub("", text)


def prepare_text(text: str) -> str:
    """Gender-neutralise, lowercase and fold a text before tantivy analyses it.

    Punctuation and whitespace are kept as they are (splitting is the tokenizer's job); the tokens tantivy
    produces are those of `strip_gender_forms` + `fold_word` on every word.
    """
    return _FOLD_CANDIDATE.sub(_fold_match, strip_gender_forms_fast(text).lower())


def query_words(text: str, max_words: int = 12) -> list[str]:
    """The user's words, lowercased and folded; hyphens and punctuation separate words."""
    return [fold_word(w) for w in _WORD.findall(strip_gender_forms(text))][:max_words]


def stem_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("german"))
        .filter(tantivy.Filter.stemmer("german"))
        .build()
    )


def plain_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .build()
    )


def compound_analyzer() -> tantivy.TextAnalyzer:
    # Compound splitting is the expensive filter (p99 27 ms when applied to every field): titles only.
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("german"))
        .filter(tantivy.Filter.split_compound(list(compound_parts())))
        .filter(tantivy.Filter.stemmer("german"))
        .build()
    )


# Every pair of a title's distinct compound parts is indexed as one term (`part_pairs`): a query word of
# several parts ("Pflegefachkraft": pfleg, fach, kraft) then intersects a few rare pair terms instead of
# common parts (1M postings: "kraft" 81k, "fach" 120k documents; 1.1 ms -> see docs/benchmarks-search.md).
# A title with more distinct parts than this gets no pairs but the PAIRS_PARTIAL marker, and a query reaches
# it through the parts themselves, so the match set stays exactly "every part somewhere in the title".
PAIR_MAX_PARTS = 16
PAIRS_PARTIAL = "+"


def pair_term(a: str, b: str) -> str:
    """The `title_pairs` term of two parts, in either order (a blank: no analysed token contains one)."""
    return f"{a} {b}" if a <= b else f"{b} {a}"


def part_pairs(parts: list[str]) -> list[str]:
    """The `title_pairs` terms of a title's compound parts (`compound_analyzer` tokens)."""
    uniq = sorted(set(parts))
    if len(uniq) > PAIR_MAX_PARTS:
        return [PAIRS_PARTIAL]
    return [pair_term(a, b) for i, a in enumerate(uniq) for b in uniq[i + 1 :]]


@cache
def analyzers() -> dict[str, tantivy.TextAnalyzer]:
    """Analyzers by registered name; built once per process (the compound one holds the dictionary)."""
    return {
        STEM_ANALYZER: stem_analyzer(),
        COMPOUND_ANALYZER: compound_analyzer(),
        PLAIN_ANALYZER: plain_analyzer(),
    }


def exact_title_key(title: str) -> str:
    """Key under which a title counts as "the same title": stemmed tokens joined by blanks.

    "IT-Projektkoordinatorin (m/w/d)" and "IT Projektkoordinator" share the key "it projektkoordinat".
    """
    return exact_key_of_prepared(prepare_text(title))


def exact_key_of_prepared(prepared_title: str) -> str:
    """`exact_title_key` of a title that already went through `prepare_text` (the index build has it)."""
    return " ".join(analyzers()[STEM_ANALYZER].analyze(prepared_title))[:200]


@dataclass(frozen=True, slots=True)
class QueryOccupation:
    """What the title classifier makes of a search text.

    `kldb` is the 5-digit code when the occupation part of the text is classified with at least the
    classifier's THRESHOLD, else "". `side_words` are the folded words of the chunks that name no
    occupation (city, working time, licence class): a posting found through its code must still match them.
    """

    kldb: str
    confidence: float
    side_words: tuple[str, ...] = ()


NO_OCCUPATION = QueryOccupation("", 0.0)


@lru_cache(maxsize=4096)
def query_occupation(text: str) -> QueryOccupation:
    """Classify the occupation named in a search text, apart from the words around it.

    "Pflegefachkraft Berlin" -> 81302 with side word "berlin": the classifier alone would swallow the city
    into the title (and may then be less sure); split off, the city stays a condition of the search.
    Connector chunks ("und", "für") stay with the title: "Gesundheits- und Krankenpfleger" is one name.
    """
    cleaned = strip_gender_forms(text)
    chunks = cleaned.split()
    if not chunks:
        return NO_OCCUPATION
    stem = analyzers()[STEM_ANALYZER]
    title_chunks: list[str] = []
    side: list[str] = []
    if 1 < len(chunks) <= MAX_QUERY_CHUNKS:
        for chunk in chunks:
            words = query_words(chunk)
            is_connector = not any(stem.analyze(w) for w in words)
            if (
                words
                and not is_connector
                and classify_title(chunk, semantic=False).confidence < SIDE_WORD_CONFIDENCE
            ):
                side.extend(words)
            else:
                title_chunks.append(chunk)
    else:
        title_chunks = chunks
    if not title_chunks:
        return NO_OCCUPATION
    # Side words above were told apart by the linear expert alone (microseconds per chunk); the occupation
    # itself also asks the sentence encoder: one embedding per new query text, a few milliseconds, cached.
    found = classify_title(" ".join(title_chunks))
    if not found.candidates or found.confidence < QUERY_OCCUPATION_THRESHOLD:
        return QueryOccupation("", found.confidence)
    return QueryOccupation(found.candidates[0][0], found.confidence, tuple(side))
