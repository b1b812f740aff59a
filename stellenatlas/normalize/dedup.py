"""Near-duplicate detection of job postings across sources. Pure functions over domain `Posting`s.

The same job shows up on the BA, on job boards and on the employer's career page with small differences:
gender forms in the title, reordered paragraphs, board boilerplate, "45879 Gelsenkirchen" vs "Gelsenkirchen",
"Stadtwerke Gelsenkirchen GmbH" vs "Stadtwerke Gelsenkirchen", tracking URLs. Detection runs in two steps:

1. Candidates: MinHash signatures of word shingles of the description, LSH banding (plus an exact block on
   employer x occupation, see `block_key`, because heavy edits push the description Jaccard below what LSH
   finds reliably). The stateful index lives in `stellenatlas.store.dedup_run`.
2. Verification: `compare()` scores a candidate pair from title, employer, place and description similarity
   (exact Jaccard of the description word sets; the MinHash estimate only pre-filters candidates),
   and `is_duplicate()` applies the documented decision rule (thresholds below).

Determinism: shingles are hashed with crc32 (Python's `hash()` is salted per process) and the MinHash
permutations come from a fixed seed, so signatures are identical across runs and machines.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlsplit

import numpy as np

from stellenatlas.domain.models import Posting
from stellenatlas.normalize.text import fold, strip_gender_forms

# --- parameters -------------------------------------------------------------------------------------------

# Words per shingle. Single words (stop words removed) measured best on the dev set: reordered paragraphs and
# 5-15 % edited words leave a copy's word set at Jaccard >= 0.62, while two *different* postings built from
# the same text blocks stay <= 0.47; with 2-word shingles the two ranges overlapped (0.37 vs 0.42).
SHINGLE_SIZE = 1
NUM_PERM = 128  # signature length; standard error of the Jaccard estimate ~ sqrt(J(1-J)/128) <= 0.044
# LSH: 25 bands x 5 rows (125 of the 128 values) -> a pair with Jaccard 0.7 becomes a candidate with
# p = 0.98, J 0.6 with p = 0.87, J 0.45 with p = 0.37, J 0.3 with p = 0.06. Lower pairs than 0.6 are found
# by the employer x occupation block when both are known.
BANDS = 25
ROWS = 5
SEED = 20_240_601  # fixed: signatures must be comparable across runs
MAX_TEXT = 20_000  # characters of a description that are shingled: the job is described at the start;
# the cap bounds time and memory for 1 MB inputs
MAX_TITLE = 300

# Decision rule (see `is_duplicate`); calibrated on a dev seed of tools/eval_dedup.py, reported on another.
THRESHOLD = 0.72  # weighted score at or above which a pair is a duplicate
MIN_TITLE = 0.45  # below this the titles name different jobs, whatever the text says
MIN_DESCRIPTION = 0.50  # Jaccard of the description word sets below this: different texts
PREFILTER = 0.40  # MinHash estimate below which a candidate is not scored at all (estimate error ~0.04)
SAME_TEXT = 0.85  # descriptions this similar and titles >= MIN_TITLE: duplicate even if employer names differ
WEIGHTS = {"title": 0.35, "employer": 0.20, "description": 0.45}

_SHIFT = np.uint64(32)
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)

# --- text normalization --------------------------------------------------------------------------------

_URL = re.compile(r"\b(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")  # runs of Unicode letters and digits
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Legal forms are noise for matching: boards drop them, career pages add "& Co. KG".
_LEGAL = re.compile(
    r"\b(?:ggmbh|gmbh|mbh|gbr|ohg|kgaa|kg|ag|se|ug|ek|e\s?k|e\s?v|ev|eg|e\s?g|ltd|inc|llc|plc|aoer|aor|"
    r"haftungsbeschraenkt|co|cie|und\s+co|partg|partgmbb|mbb|sarl|bv|nv|gesellschaft\s+mit\s+beschraenkter"
    r"\s+haftung|stiftung\s+buergerlichen\s+rechts)\b"
)
# Function words carry no evidence of sameness; without them unrelated texts share far fewer words.
STOPWORDS = frozenset(
    [
        "und",
        "oder",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "eines",
        "sie",
        "wir",
        "ihr",
        "ihre",
        "ihren",
        "ihrem",
        "ihrer",
        "unser",
        "unsere",
        "unseren",
        "unserem",
        "unserer",
        "in",
        "im",
        "an",
        "am",
        "auf",
        "aus",
        "bei",
        "mit",
        "nach",
        "von",
        "vor",
        "zu",
        "zum",
        "zur",
        "fuer",
        "ueber",
        "unter",
        "als",
        "auch",
        "wie",
        "so",
        "sich",
        "sind",
        "ist",
        "es",
        "sowie",
        "bzw",
        "wenn",
        "sein",
        "werden",
        "wird",
        "haben",
        "hat",
        "dass",
    ]
)
_TITLE_NOISE = frozenset(
    [
        "m",
        "w",
        "d",
        "x",
        "f",
        "gn",
        "all",
        "genders",
        "divers",
        "in",
        "im",
        "am",
        "an",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "und",
        "oder",
        "fuer",
        "zum",
        "zur",
        "ab",
        "sofort",
        "vollzeit",
        "teilzeit",
        "unbefristet",
        "befristet",
        "standort",
        "unseren",
        "unser",
        "job",
        "stelle",
        "stellenangebot",
    ]
)


def normalize_words(text: str) -> list[str]:
    """Folded words of a text without URLs and e-mail addresses (tracking links differ per source).

    Words are split first and only non-ASCII words go through `fold`: folding the whole text took the
    Unicode-decomposition path for every bullet "•" and dash "–" and was 4x slower.
    """
    text = text[:MAX_TEXT]
    if "://" in text or "www." in text or "@" in text:
        text = _URL.sub(" ", text)
    out: list[str] = []
    for w in _WORD.findall(text.lower()):
        if w.isascii():
            out.append(w)
        else:
            out.extend(x for x in _NON_WORD.split(fold(w)) if x)
    return out


def normalize_text(text: str) -> str:
    """Folded, URL-free, punctuation-free text: the form every similarity is computed on."""
    return " ".join(normalize_words(text))


def title_tokens(title: str) -> tuple[str, ...]:
    """Words that name the job: gender forms stripped, fill words ("in Vollzeit", "ab sofort") dropped.

    The feminine "-in"/"-innen" suffix is cut from long words so "Projektkoordinatorin" meets
    "Projektkoordinator"; `strip_gender_forms` handles the marked forms ("Koordinator:in", "(m/w/d)").
    """
    words = normalize_text(strip_gender_forms(title[:MAX_TITLE])).split()
    out = []
    for w in words:
        if w in _TITLE_NOISE:
            continue
        if len(w) > 7 and w.endswith("innen"):
            w = w[:-5]
        elif len(w) > 6 and w.endswith("in") and not w.endswith(("ein", "lin", "zin", "ain")):
            w = w[:-2]
        out.append(w)
    return tuple(out)


def employer_name_key(name: str) -> str:
    """Employer name for matching: folded, legal forms ("GmbH", "AG", "e.V.", "gGmbH & Co. KG") stripped."""
    text = normalize_text(name[:MAX_TITLE].replace("&", " und "))
    text = _LEGAL.sub(" ", text)
    return " ".join(text.split())


def _stable_hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def shingles(text: str, k: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted unique 32-bit hashes (uint32 array) of the k-word shingles of the normalized text, stop words
    removed. A text shorter than k words is one shingle; an empty text has none."""
    words = [w for w in normalize_words(text) if w not in STOPWORDS]
    if not words:
        return np.zeros(0, dtype=np.uint32)
    if len(words) <= k:
        grams = [" ".join(words)]
    else:
        grams = [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]
    return np.unique(np.fromiter((_stable_hash(g) for g in grams), dtype=np.uint32, count=len(grams)))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard of two `shingles` arrays; 0.0 when either is empty (nothing to compare)."""
    if a.size == 0 or b.size == 0:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    a = rng.integers(1, 1 << 63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)  # odd multipliers
    b = rng.integers(0, 1 << 63, size=NUM_PERM, dtype=np.uint64)
    return a, b


def _hash_values(hashes: np.ndarray) -> np.ndarray:
    """len(hashes) x NUM_PERM values of the hash family h(x) = ((a*x + b) mod 2^64) >> 32
    (multiply-add-shift, 2-universal for 32-bit keys; uint64 arithmetic wraps, which is the mod 2^64).
    No modulo by a prime: that division was 4x slower."""
    a, b = _permutations()
    values = np.outer(hashes.astype(np.uint64), a)
    values += b
    values >>= _SHIFT
    return values


def minhash(hashes: np.ndarray) -> np.ndarray:
    """MinHash signature (NUM_PERM uint32) of a shingle hash set; all-max for the empty set."""
    if hashes.size == 0:
        return _EMPTY.copy()
    return _hash_values(hashes).min(axis=0).astype(np.uint32)


def minhash_many(sets: Sequence[np.ndarray], chunk: int = 64) -> np.ndarray:
    """Signatures of many `shingles` arrays (len x NUM_PERM uint32), vectorized over chunks of texts
    (64 descriptions ~ 6,000 hashes: the intermediate matrix stays in cache)."""
    out = np.empty((len(sets), NUM_PERM), dtype=np.uint32)
    for start in range(0, len(sets), chunk):
        sets_ = sets[start : start + chunk]
        sizes = np.fromiter((s.size for s in sets_), dtype=np.int64, count=len(sets_))
        block = out[start : start + len(sets_)]
        block[:] = _EMPTY
        nonempty = sizes > 0
        if not nonempty.any():
            continue
        values = _hash_values(np.concatenate([s for s in sets_ if s.size]))
        offsets = np.concatenate(([0], np.cumsum(sizes[nonempty])[:-1]))
        block[nonempty] = np.minimum.reduceat(values, offsets, axis=0).astype(np.uint32)
    return out


def is_empty_signature(sig: np.ndarray) -> bool:
    return bool((sig == 0xFFFFFFFF).all())


def band_hashes(sigs: np.ndarray) -> np.ndarray:
    """One uint64 key per LSH band (n x BANDS): the ROWS values of a band mixed FNV-style (wrapping)."""
    sigs = np.atleast_2d(sigs).astype(np.uint64)
    n = sigs.shape[0]
    rows = sigs[:, : BANDS * ROWS].reshape(n, BANDS, ROWS)
    h = np.full((n, BANDS), 0xCBF29CE484222325, dtype=np.uint64)
    prime = np.uint64(0x100000001B3)
    for r in range(ROWS):
        h = (h ^ rows[:, :, r]) * prime
    # the band number goes in so equal values in different bands never meet
    return h ^ (np.arange(BANDS, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))


def jaccard_estimate(a: np.ndarray, b: np.ndarray) -> float:
    """Share of equal signature slots; 0.0 when either text was empty (nothing to compare)."""
    if is_empty_signature(a) or is_empty_signature(b):
        return 0.0
    return float(np.count_nonzero(a == b)) / NUM_PERM


# --- pairwise similarities -----------------------------------------------------------------------------


def _trigrams(tokens: Iterable[str]) -> frozenset[str]:
    text = " " + " ".join(tokens) + " "
    return frozenset(text[i : i + 3] for i in range(len(text) - 2))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def title_similarity(a: str, b: str) -> float:
    """0..1, symmetric. Mean of character-trigram Dice (spelling, compounds) and word containment (extra
    words like "Senior" or "– Stadtwerke"), both on `title_tokens`."""
    ta, tb = title_tokens(a), title_tokens(b)
    if not ta or not tb:
        return 0.0
    sa, sb = set(ta), set(tb)
    containment = len(sa & sb) / min(len(sa), len(sb))
    return 0.5 * _dice(_trigrams(ta), _trigrams(tb)) + 0.5 * containment


def employer_similarity(a: str, b: str) -> float | None:
    """0..1, symmetric; None when a name is missing (anonymous board posting): no evidence either way."""
    ka, kb = employer_name_key(a), employer_name_key(b)
    if not ka or not kb:
        return None
    if ka == kb:
        return 1.0
    wa, wb = set(ka.split()), set(kb.split())
    containment = len(wa & wb) / min(len(wa), len(wb))
    return max(_dice(_trigrams(wa), _trigrams(wb)), containment * 0.9)


_PLACE_NOISE = frozenset(
    [
        "deutschland",
        "raum",
        "umgebung",
        "kreis",
        "landkreis",
        "stadt",
        "remote",
        "homeoffice",
        "bundesweit",
        "deutschlandweit",
        "oder",
        "und",
        "am",
        "an",
        "der",
        "im",
        "bei",
    ]
)


def _place_words(text: str) -> set[str]:
    return {w for w in normalize_words(text[:MAX_TITLE]) if len(w) >= 4 and not w.isdigit()} - _PLACE_NOISE


def place_overlap(a: Sequence[str], b: Sequence[str], text_a: str = "", text_b: str = "") -> float | None:
    """1.0 if the postings share a municipality, 0.0 if both are placed and share none, None if unplaced.

    Disjoint places whose location texts still share a place word ("Esslingen" vs "73728 Esslingen am
    Neckar", resolved to two different towns) give None: a resolver slip must not veto a duplicate.
    """
    if not a or not b:
        return None
    if set(a) & set(b):
        return 1.0
    if text_a and text_b and _place_words(text_a) & _place_words(text_b):
        return None
    return 0.0


@dataclass(frozen=True, slots=True)
class PairScore:
    title: float
    employer: float | None
    place: float | None
    description: float  # exact Jaccard of the description word sets
    occupation_conflict: bool  # both classified, different KldB Berufsgruppe (3 digits)
    score: float  # weighted title/employer/description; missing employer re-weights the rest

    @property
    def duplicate(self) -> bool:
        return is_duplicate(self)


def compare(
    a: Posting, b: Posting, shingles_a: np.ndarray | None = None, shingles_b: np.ndarray | None = None
) -> PairScore:
    """Score a candidate pair. Symmetric: compare(a, b) == compare(b, a). Pass `shingles` of the
    descriptions when known (an index keeps them instead of the text)."""
    if shingles_a is None:
        shingles_a = shingles(a.description)
    if shingles_b is None:
        shingles_b = shingles(b.description)
    title = title_similarity(a.title, b.title)
    employer = employer_similarity(a.employer.name, b.employer.name)
    place = place_overlap(a.place_ags, b.place_ags, a.location_text, b.location_text)
    description = jaccard(shingles_a, shingles_b)
    conflict = bool(a.kldb and b.kldb and a.kldb[:3] != b.kldb[:3])
    weights = dict(WEIGHTS)
    if employer is None:
        weights.pop("employer")
    total = sum(weights.values())
    score = weights["title"] * title + weights["description"] * description
    score += weights.get("employer", 0.0) * (employer or 0.0)
    return PairScore(title, employer, place, description, conflict, round(score / total, 6))


def is_duplicate(s: PairScore) -> bool:
    """The decision rule.

    Vetoes (any one: not a duplicate):
    * both postings are placed and share no municipality (the same text for Essen and for Bochum is two jobs);
    * title similarity < MIN_TITLE, or the occupations differ at KldB 3 digits unless titles are near-equal
      (>= 0.9; the classifier can split one title across groups, a human title cannot);
    * description Jaccard < MIN_DESCRIPTION.
    Then: weighted score >= THRESHOLD, or description >= SAME_TEXT (the employer names differ only because a
    board shows the client, a staffing agency or a brand name).
    """
    if s.place == 0.0:
        return False
    if s.title < MIN_TITLE or (s.occupation_conflict and s.title < 0.9):
        return False
    if s.description < MIN_DESCRIPTION:
        return False
    return s.score >= THRESHOLD or s.description >= SAME_TEXT


def block_key(p: Posting) -> str:
    """Exact candidate block: employer x KldB occupation; "" when either is unknown (no block)."""
    emp = employer_name_key(p.employer.name)
    if not emp or not p.kldb:
        return ""
    return f"{emp}|{p.kldb}"


# --- canonical choice ----------------------------------------------------------------------------------


def _host(url: str) -> str:
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def is_employer_site(p: Posting) -> bool:
    """The posting comes from the employer's own website (career page): its URL's host is the employer's
    website host or a subdomain of it ("karriere.stadtwerke-ge.de" for "www.stadtwerke-ge.de")."""
    own, at = _host(p.employer.website), _host(p.url)
    return bool(own and at and (at == own or at.endswith("." + own)))


_FAR_FUTURE = datetime.max.replace(tzinfo=UTC)


def canonical_key(p: Posting, description_length: int | None = None) -> tuple[int, datetime, int, int]:
    """Sort key of `choose_canonical`: smaller is more canonical. An index that keeps postings without their
    text passes the text's length."""
    posted = p.posted_at or _FAR_FUTURE
    if posted.tzinfo is None:
        posted = posted.replace(tzinfo=UTC)
    return (
        0 if is_employer_site(p) else 1,
        posted,
        -(len(p.description) if description_length is None else description_length),
        p.id if p.id is not None else 1 << 62,
    )


def choose_canonical(cluster: Sequence[Posting]) -> Posting:
    """The posting that represents a cluster of duplicates, in this order of preference:

    1. from the employer's own career page (the source of truth; boards copy from it),
    2. the oldest `posted_at` (the original; postings without a date come last),
    3. the longest description (boards truncate),
    4. the lowest store id (first ingested, i.e. oldest first_seen; keeps the choice stable).
    """
    if not cluster:
        raise ValueError("empty cluster")
    return min(cluster, key=canonical_key)
