"""Resolve a posting's free-text location ("45879 Gelsenkirchen", "Essen/Bochum", "Remote") to municipalities.

How it works: the text is folded (lowercase, umlauts transliterated), split into segments at strong separators
("," ";" "|" "&" "+" and lowercase "oder"/"und"/"bzw."), tokenized into words, and the longest word sequences
known to the index are taken greedily: municipality names and their variants, Ortsteil aliases, Länder, Kreise,
Regierungsbezirke, remote keywords. Matches may span "/" and brackets so "Frankfurt/Oder" and "Halle (Saale)"
stay one name. Ambiguous names are narrowed by PLZ, then Kreis/Regierungsbezirk/Land hints, then the best match
level (exact name > short form like "Frankfurt" > Ortsteil), then population.

All regexes are linear (no nested quantifiers) and the input is capped, so hostile input cannot blow up.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache, lru_cache

from stellenatlas.domain.models import Place
from stellenatlas.normalize.text import fold
from stellenatlas.refdata import places as refplaces

MAX_CHARS = 1000  # real location fields are < 200 chars; beyond this it is a description pasted by mistake
MAX_TOKENS = 250
MAX_PLACES = 50
_MAX_NGRAM = 8

RESOLVED = "resolved"
REMOTE = "remote"
UNRESOLVED = "unresolved"


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """Result of resolve_place.

    status: "resolved" (places found), "remote" (no place, but remote work or a nationwide scope such as
    "bundesweit"), "unresolved" (nothing usable; `reason` says why).
    remote: an explicit remote/home-office mention, also next to places ("Gelsenkirchen oder Remote").
    nationwide: "bundesweit"/"deutschlandweit" (which is not remote work: field jobs say it too).
    """

    status: str
    places: tuple[Place, ...] = ()
    remote: bool = False
    reason: str = ""
    nationwide: bool = False

    @property
    def ags(self) -> tuple[str, ...]:
        return tuple(p.ags for p in self.places)


# ---------------------------------------------------------------------------------------------------------------
# Tokenization (shared by the index and the queries, so both sides normalize identically)

# Lowercase conjunctions separate places; capitalised "Oder" is the river in "Frankfurt (Oder)".
# "Berg- und Universitätsstadt" (a designation) keeps its "und": not after a hyphen.
_CONJUNCTION = re.compile(r"(?<![\w(])(?<!- )(?:oder|und|bzw\.?|sowie|or|and)(?![\w)])")
_PLZ = re.compile(r"(?<![0-9])[0-9]{5}(?![0-9])")
_TOKEN = re.compile(r"[a-z0-9]+|[^a-z0-9\s]")
_STRONG_SEP = frozenset(",;|&+:•·\u2022")
_SOFT_SEP = frozenset("/\\")

# Abbreviations in official names and postings; applied to index and query alike.
_PAIR_ABBR: dict[tuple[str, str], tuple[str, ...]] = {
    ("a", "d"): ("an", "der"),
    ("i", "d"): ("in", "der"),
    ("v", "d"): ("vor", "der"),
    ("a", "m"): ("am", "main"),
    ("i", "br"): ("im", "breisgau"),
    ("a", "rh"): ("am", "rhein"),
}
_WORD_ABBR: dict[str, str] = {
    "a": "am",
    "i": "im",
    "b": "bei",
    "v": "vor",
    "st": "sankt",
    "westf": "westfalen",
    "rhld": "rheinland",
    "oldb": "oldenburg",
    "opf": "oberpfalz",
    "odw": "odenwald",
    "vogtl": "vogtland",
    "holst": "holstein",
    "wuertt": "wuerttemberg",
    "thuer": "thueringen",
    "schwarzw": "schwarzwald",
}


@dataclass(slots=True)
class _Word:
    text: str
    sub: int  # sub-segment number: increases at "/" so "Essen/Mülheim" are two mentions
    compound: int  # hyphen compound id: "Hamburg-Altona" share one


def _expand(words: list[_Word]) -> list[_Word]:
    out: list[_Word] = []
    i = 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1].text if i + 1 < len(words) else ""
        pair = _PAIR_ABBR.get((w.text, nxt)) if out else None
        if pair:
            out.extend(_Word(t, w.sub, w.compound) for t in pair)
            i += 2
            continue
        if out and w.text in _WORD_ABBR:
            out.append(_Word(_WORD_ABBR[w.text], w.sub, w.compound))
        elif w.text == "st":
            out.append(_Word("sankt", w.sub, w.compound))
        else:
            out.append(w)
        i += 1
    return out


def _segments(folded: str) -> list[list[_Word]]:
    segments: list[list[_Word]] = [[]]
    sub = compound = 0
    prev_end = -1
    prev_hyphen_end = -2
    count = 0
    for m in _TOKEN.finditer(folded):
        tok = m.group()
        if tok[0].isalnum():
            count += 1
            if count > MAX_TOKENS:
                break
            if prev_hyphen_end != m.start():
                compound += 1
            segments[-1].append(_Word(tok, sub, compound))
        elif tok in _STRONG_SEP:
            if segments[-1]:
                segments.append([])
            sub += 1
        elif tok in _SOFT_SEP:
            sub += 1
        elif tok == "-" and prev_end == m.start():
            prev_hyphen_end = m.end()
        prev_end = m.end()
    return [_expand(s) for s in segments if s]


def _key_words(text: str) -> list[str]:
    """Index key of a name: same normalization as queries, separators ignored."""
    folded = fold(text)
    return [w.text for seg in _segments(folded.replace(",", " ").replace(";", " ")) for w in seg]


# ---------------------------------------------------------------------------------------------------------------
# Index

_MUNI1, _MUNI2, _ALIAS, _LAND, _KREIS, _KREIS_EXPLICIT, _RB, _NOISE, _REMOTE, _NATIONWIDE, _COUNTRY = range(
    11
)

_LAND_ABBR = {
    "nrw": "05",
    "bw": "08",
    "rlp": "07",
    "baden wuerttemberg": "08",
    "meck pomm": "13",
    "mv": "13",
    "thueringen": "16",
}
_REMOTE_WORDS = (
    "remote",
    "full remote",
    "fully remote",
    "100 remote",
    "remote first",
    "homeoffice",
    "home office",
    "mobiles arbeiten",
    "mobile arbeit",
    "mobile office",
    "telearbeit",
    "heimarbeit",
    "ortsunabhaengig",
    "work from home",
    "wfh",
    "von zuhause",
    "von zu hause",
)
_NATIONWIDE_WORDS = (
    "bundesweit",
    "deutschlandweit",
    "deutschland weit",
    "ganz deutschland",
    "ueberregional",
    "nationwide",
    "germany wide",
)
_NOISE_WORDS = (
    "raum",
    "grossraum",
    "region",
    "metropolregion",
    "umgebung",
    "umkreis",
    "naehe",
    "nahe",
    "bei",
    "in",
    "im",
    "am",
    "stadt",
    "kreis",
    "landkreis",
    "gemeinde",
    "standort",
    "standorte",
    "einsatzort",
    "arbeitsort",
    "ort",
    "mehrere",
    "verschiedene",
    "diverse",
    "zentrale",
    "hauptsitz",
    "sitz",
    "niederlassung",
    "filiale",
    "d",
    "ruhrgebiet",
    "ruhrpott",
    "rhein main",
    "rhein neckar",
    "bodensee",
)
_COUNTRY_WORDS = ("deutschland", "germany", "de", "brd", "bundesrepublik deutschland")
_PREPOSITIONS = frozenset({"am", "an", "im", "in", "ob", "bei", "vor", "auf", "unter", "zu", "zum", "ueber"})
_ARTICLES = frozenset({"der", "dem", "den", "die"})

_Entry = tuple[int, str]  # (kind, code)


@dataclass(slots=True)
class _Index:
    keys: dict[str, list[_Entry]] = field(default_factory=dict)
    first: set[str] = field(default_factory=set)
    kreis_key: dict[str, str] = field(default_factory=dict)  # kreis code -> folded name key

    def add(self, words: list[str], kind: int, code: str = "") -> None:
        if not words or len(words) > _MAX_NGRAM:
            return
        key = " ".join(words)
        entries = self.keys.setdefault(key, [])
        if (kind, code) not in entries:
            entries.append((kind, code))
        self.first.add(words[0])


def _name_variants(display: str) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """(full key, extra level-1 keys, level-2 short keys) for a municipality's display name.

    "Frankfurt am Main" -> full "frankfurt am main", level 1 "frankfurt main", level 2 "frankfurt";
    "Halle (Saale)" -> full "halle saale", level 2 "halle"; "Lahr/Schwarzwald" -> level 2 "lahr".
    """
    full = _key_words(display)
    level1: list[list[str]] = []
    level2: list[list[str]] = []
    head = re.split(r"\s*[(/]", display, maxsplit=1)[0]
    if head != display:
        short = _key_words(head)
        if short and short != full:
            level2.append(short)
    for i, w in enumerate(full[1:], start=1):
        if w in _PREPOSITIONS:
            level2.append(full[:i])
            rest = full[i + 1 :]
            if rest and rest[0] in _ARTICLES:
                rest = rest[1:]
            if rest:
                level1.append(full[:i] + rest)
            break
    return full, level1, level2


@cache
def _index() -> _Index:
    idx = _Index()
    munis = refplaces.municipalities()
    for ags, place in munis.items():
        full, level1, level2 = _name_variants(place.name)
        idx.add(full, _MUNI1, ags)
        for words in level1:
            idx.add(words, _MUNI1, ags)
        for words in level2:
            idx.add(words, _MUNI2, ags)
    for alias, ags, source in refplaces.aliases():
        if ags not in munis:
            continue
        words = _key_words(alias)
        # OSM gives alternative spellings of the municipality itself; the others are Ortsteile.
        idx.add(words, _MUNI2 if source == "osm" else _ALIAS, ags)
    for code, region in refplaces.regions().items():
        words = _key_words(region.name)
        if region.kind == "land":
            idx.add(words, _LAND, code)
        elif region.kind == "rb":
            idx.add(["regierungsbezirk", *words], _RB, code)
            idx.add(["reg", "bez", *words], _RB, code)
            if code.startswith("09"):  # Bavarian names are unambiguous on their own: "Oberbayern"
                idx.add(words, _RB, code)
        else:
            idx.kreis_key[code] = " ".join(words)
            idx.add(words, _KREIS, code)
            base = (
                words[1:]
                if words[0] in ("region", "staedteregion", "regionalverband", "landkreis")
                else words
            )
            # A kreisfreie Stadt is a Kreis of one municipality; "Landkreis Rostock" must not hit the city.
            city = len(refplaces.kreis_members(code)) == 1
            prefixes = (
                (["stadtkreis"], ["kreisfreie", "stadt"])
                if city
                else (["kreis"], ["landkreis"], ["lk"], ["lkr"])
            )
            for prefix in prefixes:
                idx.add([*prefix, *base], _KREIS_EXPLICIT, code)
    for abbr, code in _LAND_ABBR.items():
        idx.add(abbr.split(), _LAND, code)
    for text in _REMOTE_WORDS:
        idx.add(text.split(), _REMOTE)
    for text in _NATIONWIDE_WORDS:
        idx.add(text.split(), _NATIONWIDE)
    for text in _COUNTRY_WORDS:
        idx.add(text.split(), _COUNTRY)
    # Designations from official names ("Stadt", "Hansestadt", "GKSt", "Tor zur Eifel") so that an official
    # name like "Hagen, Stadt der FernUniversität" does not produce a second mention.
    designations = {o.split(",", 1)[1] for o in refplaces.official_names().values() if "," in o}
    for text in (*_NOISE_WORDS, *sorted(designations)):
        words = _key_words(text)
        if words and " ".join(words) not in idx.keys:
            idx.add(words, _NOISE)
    return idx


# ---------------------------------------------------------------------------------------------------------------
# Resolution


@dataclass(slots=True)
class _Mention:
    key: str
    entries: list[_Entry]
    segment: int
    sub: int
    tiers: list[list[tuple[int, str]]]  # (level, ags) candidates: exact names, short names, Ortsteile


_NEAR = frozenset({"bei", "nahe", "naehe", "near"})
# A much bigger town reached only by its short form beats a tiny exact namesake: "Halle" is Halle (Saale)
# (238,000 inhabitants), not the village Halle in Kreis Holzminden (700).
_SHORT_FORM_FACTOR = 20
_SHORT_FORM_MIN_POPULATION = 100_000


def _scan(segments: list[list[_Word]], idx: _Index) -> list[tuple[str, list[_Entry], int, _Word, bool]]:
    """Greedy longest-match of index keys: (key, entries, segment number, first word, preceded by "bei")."""
    found: list[tuple[str, list[_Entry], int, _Word, bool]] = []
    for s, words in enumerate(segments):
        texts = [w.text for w in words]
        n = len(texts)
        i = 0
        skip_compound = -1
        while i < n:
            if words[i].compound == skip_compound or texts[i] not in idx.first:
                i += 1
                continue
            for length in range(min(_MAX_NGRAM, n - i), 0, -1):
                key = texts[i] if length == 1 else " ".join(texts[i : i + length])
                entries = idx.keys.get(key)
                if entries is not None:
                    found.append((key, entries, s, words[i], i > 0 and texts[i - 1] in _NEAR))
                    # The rest of a hyphen compound qualifies the match: "Hamburg-Altona", "Essen-Kettwig".
                    skip_compound = words[i + length - 1].compound
                    i += length
                    break
            else:
                i += 1
    return found


def _clean(text: object) -> str:
    if isinstance(text, bytes | bytearray):
        text = bytes(text[: MAX_CHARS * 4]).decode("utf-8", errors="replace")
    if not isinstance(text, str):
        return ""
    return text[:MAX_CHARS]


def resolve_place(text: str) -> PlaceMatch:
    """Resolve a free-text location to municipalities. Pure; never raises on any str/bytes input."""
    return _resolve_cached(_clean(text))


@lru_cache(maxsize=20_000)
def _resolve_cached(text: str) -> PlaceMatch:
    # Location strings repeat a lot across postings ("Berlin", "München"), hence the cache.
    return _resolve(text)


def _resolve(text: str) -> PlaceMatch:
    if not text.strip():
        return PlaceMatch(UNRESOLVED, reason="leere Ortsangabe")
    idx = _index()
    munis = refplaces.municipalities()
    text = _CONJUNCTION.sub(";", text.replace("\n", ";"))
    folded = fold(text)
    plz_list = _PLZ.findall(folded)
    if plz_list:
        folded = _PLZ.sub(" ", folded)
    plz_ags: set[str] = set()
    for plz in plz_list[:10]:
        plz_ags.update(refplaces.plz_ags(plz))

    remote = nationwide = country = False
    lands: set[str] = set()
    kreise: set[str] = set()
    rbs: set[str] = set()
    mentions: list[_Mention] = []
    for key, entries, seg, word, near in _scan(_segments(folded), idx):
        kinds = {k for k, _ in entries}
        by_kind: dict[int, list[str]] = defaultdict(list)
        for k, code in entries:
            by_kind[k].append(code)
        if _REMOTE in kinds:
            remote = True
            continue
        if _NATIONWIDE in kinds:
            nationwide = True
            continue
        if _COUNTRY in kinds:
            country = True
            continue
        if _MUNI1 not in kinds:
            if _LAND in kinds:
                lands.update(by_kind[_LAND])
                continue
            if _KREIS_EXPLICIT in kinds:
                kreise.update(by_kind[_KREIS_EXPLICIT])
                continue
            if _KREIS in kinds and _MUNI2 not in kinds:
                kreise.update(by_kind[_KREIS])
                continue
            if _RB in kinds:
                rbs.update(by_kind[_RB])
                continue
        tiers = [
            [(lvl, a) for a in by_kind[kind]]
            for lvl, kind in enumerate((_MUNI1, _MUNI2, _ALIAS))
            if by_kind[kind]
        ]
        if not tiers:
            continue  # noise
        top = tiers[0][0][0]
        same_part = [m for m in mentions if m.sub == word.sub]
        if near and any(m.segment == seg for m in mentions):
            continue  # "Unterföhring bei München": the second town only says where the first one is
        if same_part and top > min(m.tiers[0][0][0] for m in same_part):
            continue  # a weaker name after a place in the same part qualifies it: "Berlin Mitte", "Essen Kettwig"
        if same_part and top < max(m.tiers[0][0][0] for m in same_part):
            # ...and an Ortsteil before a real name does too: "Flughafen Frankfurt"
            mentions = [m for m in mentions if m.sub != word.sub or m.tiers[0][0][0] <= top]
        mentions.append(_Mention(key, entries, seg, word.sub, tiers))
        if len(mentions) >= MAX_PLACES:
            break

    # "Bönen, Unna", "Bremerhaven, Bremen": a later mention naming the Kreis or Land of an earlier one is a hint,
    # not a second place.
    kept: list[_Mention] = []
    for m in mentions:
        if kept and m.segment > kept[-1].segment:
            earlier = {a for prev in kept for tier in prev.tiers for _, a in tier}
            kreis_codes = {code for k, code in m.entries if k == _KREIS} & {a[:5] for a in earlier}
            land_codes = {code for k, code in m.entries if k == _LAND} & {a[:2] for a in earlier}
            if kreis_codes or land_codes:
                kreise.update(kreis_codes)
                lands.update(land_codes)
                continue
        kept.append(m)

    notes: list[str] = []
    result: list[Place] = []
    for m in kept:
        ags = _choose(m, plz_ags, kreise, rbs, lands, munis, notes)
        if ags and munis[ags] not in result:
            result.append(munis[ags])

    if not result and plz_ags:
        pool = _filter(sorted(plz_ags), kreise, rbs, lands)
        best = max(pool, key=lambda a: (munis[a].population, a))
        result.append(munis[best])
        notes.append(
            f"über PLZ {plz_list[0]}" + (" (mehrere Gemeinden, größte gewählt)" if len(pool) > 1 else "")
        )
    if not result and kreise:
        seat = _kreis_seat(kreise, idx, lands)
        if seat:
            result.append(munis[seat])
            notes.append("nur Kreis angegeben: Kreisstadt bzw. größte Gemeinde gewählt")

    if result:
        reason = "; ".join(notes) if notes else "eindeutig"
        return PlaceMatch(RESOLVED, tuple(result), remote=remote, reason=reason, nationwide=nationwide)
    if remote or nationwide:
        reason = "remote" if remote else "bundesweit ohne festen Ort"
        return PlaceMatch(REMOTE, (), remote=remote, reason=reason, nationwide=nationwide)
    if lands or rbs:
        return PlaceMatch(UNRESOLVED, reason="nur Bundesland oder Regierungsbezirk, keine Gemeinde")
    if country:
        return PlaceMatch(UNRESOLVED, reason="nur Staat angegeben, keine Gemeinde")
    return PlaceMatch(UNRESOLVED, reason="kein bekannter Ort gefunden")


def _filter(pool: list[str], kreise: set[str], rbs: set[str], lands: set[str]) -> list[str]:
    for keep in (
        lambda a: a[:5] in kreise,
        lambda a: a[:3] in rbs,
        lambda a: a[:2] in lands,
    ):
        narrowed = [a for a in pool if keep(a)]
        if narrowed:
            pool = narrowed
    return pool


def _choose(
    m: _Mention,
    plz_ags: set[str],
    kreise: set[str],
    rbs: set[str],
    lands: set[str],
    munis: dict[str, Place],
    notes: list[str],
) -> str | None:
    pool = [c for tier in m.tiers for c in tier]
    if plz_ags:
        by_plz = [c for c in pool if c[1] in plz_ags]
        if by_plz:
            pool = by_plz
        elif m.tiers[0][0][0] == 2:
            return None  # an Ortsteil name that contradicts the PLZ: trust the PLZ (handled by the caller)
        else:
            notes.append(f"PLZ passt nicht zu {m.key!r}")
    if kreise or rbs or lands:
        narrowed = _filter([a for _, a in pool], kreise, rbs, lands)
        keep = set(narrowed)
        pool = [c for c in pool if c[1] in keep]
    best_level = min(lvl for lvl, _ in pool)
    top = [c for c in pool if c[0] == best_level]
    choice = max(top, key=lambda c: (munis[c[1]].population, c[1]))[1]
    if best_level == 0:
        shorts = [a for lvl, a in pool if lvl == 1]
        big = max(shorts, key=lambda a: (munis[a].population, a)) if shorts else None
        size = munis[choice].population
        if big and munis[big].population >= max(_SHORT_FORM_MIN_POPULATION, _SHORT_FORM_FACTOR * size):
            notes.append(f"{m.key!r}: {munis[big].name} statt des kleinen {munis[choice].name}")
            return big
    if len({a for _, a in top}) > 1:
        notes.append(f"{m.key!r} mehrdeutig, größte Gemeinde gewählt")
    return choice


def _kreis_seat(kreise: set[str], idx: _Index, lands: set[str]) -> str | None:
    """For a bare Kreis: the member named like the Kreis, else the most populous member."""
    for code in sorted(kreise):
        if lands and code[:2] not in lands:
            continue
        members = refplaces.kreis_members(code)
        if not members:
            continue
        name_key = idx.kreis_key.get(code, "")
        for p in members:
            if " ".join(_key_words(p.name)) == name_key:
                return p.ags
        return members[0].ags
    return None
