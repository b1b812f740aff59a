"""Deterministic generator of realistic German job postings ("Beispieldaten", source "sample").

Same (count, seed, now) -> identical output: one `random.Random(seed)` drives everything, employer names come
from crc32-seeded generators, and nothing iterates over sets or dicts with unstable order.
The true KldB code, place AGS, salary and attributes go into `extra` so the normalizers can be scored.
"""

from __future__ import annotations

import csv
import math
import random
from bisect import bisect
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

from stellenatlas.domain.models import Contract, Experience, RawPosting, Remote, Sector, WorkingTime
from stellenatlas.sources.sample import texts as T
from stellenatlas.sources.sample.catalog import (
    FULL_REMOTE_POSSIBLE,
    HYBRID_POSSIBLE,
    OCCUPATIONS,
    OccupationSpec,
)
from stellenatlas.sources.sample.employers import EmployerInfo, employer

SOURCE = "sample"
SOURCE_LABEL = "Beispieldaten"
DEFAULT_NOW = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
PLACES_CSV = Path(__file__).with_name("places.csv")

RUHR_BOOST = 2.5  # the demo region gets more postings than its population alone would give
SALARY_SHARE_PRIVATE = 0.30
SALARY_SHARE_PUBLIC = 0.72
DAYS_BACK = 730
NEIGHBOR_KM = 35.0

# Regulated professions: no "Quereinsteiger" wording.
CARE_FAMILIES = frozenset({"nursing", "elderly", "doctor", "rescue", "lab_med", "social", "childcare"})
PRACTICE_FAMILIES = frozenset({"medical_office", "therapy", "pharmacy", "craft_health"})
SHIFT_FAMILIES = frozenset(
    {"production", "metal", "warehouse", "nursing", "elderly", "security", "driver", "kitchen"}
)
REGULATED = frozenset({"nursing", "doctor", "pharmacy", "therapy", "rescue", "lab_med", "teaching", "legal"})
SEASON = (1.2, 1.15, 1.1, 1.05, 1.0, 0.95, 0.85, 0.85, 1.1, 1.05, 1.0, 0.75)  # Jan..Dec
AREA_CODES = {
    "Gelsenkirchen": "0209", "Essen": "0201", "Bochum": "0234", "Dortmund": "0231", "Duisburg": "0203",
    "Oberhausen": "0208", "Mülheim an der Ruhr": "0208", "Bottrop": "02041", "Herne": "02323", "Hagen": "02331",
    "Hamm": "02381", "Recklinghausen": "02361", "Marl": "02365", "Gladbeck": "02043", "Berlin": "030",
    "Hamburg": "040", "München": "089", "Köln": "0221", "Frankfurt am Main": "069", "Stuttgart": "0711",
    "Düsseldorf": "0211", "Leipzig": "0341", "Dresden": "0351", "Hannover": "0511", "Bremen": "0421",
    "Nürnberg": "0911", "Münster": "0251", "Bielefeld": "0521", "Bonn": "0228", "Wuppertal": "0202",
}  # fmt: skip


class SamplePlace(NamedTuple):
    ags: str
    name: str
    short: str  # "Frankfurt" for "Frankfurt am Main" where unambiguous, else ""
    plzs: tuple[str, ...]
    population: int
    land: str
    kreis: str
    ruhr: bool
    lat: float
    lon: float
    districts: tuple[str, ...]
    neighbors: tuple[int, ...]  # indexes into the place list, nearest first


class _Tables(NamedTuple):
    places: tuple[SamplePlace, ...]
    place_cum: list[float]
    occ_cum: list[float]
    day_cum: list[float]
    ags_index: dict[str, int]


def _short_name(name: str) -> str:
    for sep in (" (", " am ", " an der ", " im ", " a. d. ", " v. d. "):
        if sep in name:
            return name.split(sep)[0]
    return ""


def _km(a: SamplePlace, b: SamplePlace) -> float:
    dy = (a.lat - b.lat) * 111.2
    dx = (a.lon - b.lon) * 111.2 * math.cos(math.radians((a.lat + b.lat) / 2))
    return math.hypot(dx, dy)


@lru_cache(maxsize=1)
def load_places() -> tuple[SamplePlace, ...]:
    """The places the generator writes postings for (built by tools/build_sample_places.py)."""
    with PLACES_CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    shorts = [_short_name(r["name"]) for r in rows]
    clash = {s for s in shorts if s and shorts.count(s) > 1} | {r["name"] for r in rows}
    base = [
        SamplePlace(
            ags=r["ags"], name=r["name"], short="" if s in clash else s, plzs=tuple(r["plz"].split()),
            population=int(r["population"]), land=r["land"], kreis=r["kreis"], ruhr=r["ruhr"] == "1",
            lat=float(r["lat"]), lon=float(r["lon"]), districts=T.DISTRICTS.get(r["name"], ()), neighbors=(),
        )
        for r, s in zip(rows, shorts, strict=True)
    ]  # fmt: skip
    out = []
    for i, p in enumerate(base):
        near = sorted(
            (_km(p, q), j)
            for j, q in enumerate(base)
            if j != i and q.population >= 50_000 and _km(p, q) < NEIGHBOR_KM
        )
        out.append(p._replace(neighbors=tuple(j for _, j in near[:4])))
    return tuple(out)


@lru_cache(maxsize=8)
def _tables(now: datetime) -> _Tables:
    places = load_places()
    place_cum = list(accumulate(p.population * (RUHR_BOOST if p.ruhr else 1.0) for p in places))
    occ_cum = list(accumulate(o.weight for o in OCCUPATIONS))
    day_w = []
    for d in range(1, DAYS_BACK + 1):
        day = now - timedelta(days=d)
        recency = 1.0 + 0.6 * (1 - d / DAYS_BACK)
        weekday = 0.3 if day.weekday() >= 5 else 1.0
        day_w.append(recency * SEASON[day.month - 1] * weekday)
    return _Tables(
        places, place_cum, occ_cum, list(accumulate(day_w)), {p.ags: i for i, p in enumerate(places)}
    )


def _pick(rng: random.Random, cum: list[float]) -> int:
    return bisect(cum, rng.random() * cum[-1])


# Small replacements for random.choice/sample/randint: the stdlib versions dominate the profile
# (rejection sampling via getrandbits, ABC checks in sample) and the generator must stay >= 20k postings/s.
def _ch(rng: random.Random, seq: Sequence[Any]) -> Any:
    return seq[int(rng.random() * len(seq))]


def _ri(rng: random.Random, a: int, b: int) -> int:
    return a + int(rng.random() * (b - a + 1))


def _rr(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


def _un(rng: random.Random, a: float, b: float) -> float:
    return a + (b - a) * rng.random()


def _sample(rng: random.Random, seq: Sequence[Any], k: int) -> list[Any]:
    """k distinct elements (partial Fisher-Yates)."""
    pool = list(seq)
    n = len(pool)
    for i in range(k):
        j = i + int(rng.random() * (n - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:k]


def _de(n: float, decimals: int = 0) -> str:
    """German number format: 45.000 / 18,50."""
    s = f"{n:,.{decimals}f}"
    return s.replace(",", "§").replace(".", ",").replace("§", ".")


# --- attributes ----------------------------------------------------------------------------------------


def _experience(rng: random.Random, occ: OccupationSpec) -> Experience:
    r = rng.random()
    if occ.level == 1:
        return Experience.ENTRY if r < 0.6 else Experience.PROFESSIONAL
    entry, prof = (0.25, 0.75) if occ.corporate or occ.level >= 3 else (0.35, 0.85)
    if r < entry:
        return Experience.ENTRY
    return Experience.PROFESSIONAL if r < prof else Experience.SENIOR


def _remote(rng: random.Random, occ: OccupationSpec) -> Remote:
    r = rng.random()
    if occ.remote == FULL_REMOTE_POSSIBLE:
        return Remote.HYBRID if r < 0.55 else Remote.REMOTE if r < 0.8 else Remote.ONSITE
    if occ.remote == HYBRID_POSSIBLE:
        return Remote.HYBRID if r < 0.6 else Remote.ONSITE
    return Remote.ONSITE


def _working_time(rng: random.Random, occ: OccupationSpec) -> tuple[WorkingTime, str, str]:
    """(truth, working_time_text, sentence for the description)."""
    r = rng.random()
    if occ.hourly and r < 0.04:
        return WorkingTime.MINIJOB, "Minijob", "Minijob auf 556-Euro-Basis"
    if r < occ.part_time:
        lo = _ch(rng, (15, 20, 20, 25, 30))
        hi = lo + _ch(rng, (5, 10, 10))
        text = _ch(
            rng,
            (
                "Teilzeit",
                "Teilzeit",
                f"Teilzeit ({lo}–{hi} Std./Woche)",
                f"Teilzeit ({lo}–{hi} Std./Woche)",
                "Teilzeit - vormittags",
            ),
        )
        return WorkingTime.PART_TIME, text, f"Teilzeit {lo}–{hi} Std. pro Woche"
    hours = _ch(rng, ("38,5", "39", "39", "40", "40", "37,5"))
    if rng.random() < 0.15:
        return (
            WorkingTime.FULL_TIME,
            "Vollzeit, Teilzeit",
            f"Vollzeit ({hours} Std./Woche) oder Teilzeit nach Absprache",
        )
    shift = "Vollzeit / Schichtarbeit" if occ.family in SHIFT_FAMILIES else "Vollzeit"
    text = _ch(rng, ("Vollzeit", "Vollzeit", f"Vollzeit ({hours} Std./Woche)", shift))
    return WorkingTime.FULL_TIME, text, f"Vollzeit ({hours} Std./Woche)"


def _contract(rng: random.Random) -> Contract:
    r = rng.random()
    return Contract.PERMANENT if r < 0.74 else Contract.FIXED_TERM if r < 0.94 else Contract.UNKNOWN


# --- salary --------------------------------------------------------------------------------------------

_EXP_INDEX = {Experience.ENTRY: 0, Experience.PROFESSIONAL: 1, Experience.SENIOR: 2}


def _tariff_text(rng: random.Random, grade: str, system: str) -> tuple[str, str]:
    kind, num = grade.split(" ", 1)
    if kind == "Ä":
        return _ch(
            rng, (f"TV-Ärzte/VKA, Entgeltgruppe Ä{num}", f"Vergütung nach TV-Ärzte VKA Ä {num}")
        ), f"TV-Ärzte {grade}"
    if kind == "S":
        return _ch(
            rng, (f"Vergütung nach TVöD SuE {grade}", f"{grade} TVöD SuE", f"Entgeltgruppe {grade} TVöD-SuE")
        ), f"TVöD SuE {grade}"
    if kind == "P":
        return _ch(
            rng, (f"Vergütung nach TVöD-P, {grade}", f"TVöD P {num}", f"Entgeltgruppe {grade} TVöD-K")
        ), f"TVöD-P {grade}"
    if system == "TV-L":
        text = _ch(rng, (f"EG {num} TV-L", f"Entgeltgruppe {num} TV-L", f"Bezahlung nach TV-L E {num}"))
        return text, f"TV-L E {num}"
    text = _ch(rng,
        (f"Vergütung nach TVöD E {num}", f"Entgeltgruppe {num} TVöD VKA", f"TVöD-VKA, EG {num}", f"EG {num} TVöD",
         f"bis Entgeltgruppe {num} TVöD")
    )  # fmt: skip
    return text, f"TVöD E {num}"


def _round(x: float, step: int) -> int:
    return int(round(x / step) * step)


def _salary(
    rng: random.Random, occ: OccupationSpec, exp: Experience, info: EmployerInfo, sector: Sector
) -> tuple[str, dict[str, Any] | None, str]:
    """(salary_text, numeric truth or None, tariff truth)."""
    public = sector is Sector.PUBLIC
    if rng.random() >= (SALARY_SHARE_PUBLIC if public else SALARY_SHARE_PRIVATE):
        return "", None, ""
    if public and rng.random() < 0.85:
        text, truth = _tariff_text(rng, occ.default_tariff, info.tariff_system)
        return text, None, truth
    if info.tariff_system == "AVR" and rng.random() < 0.5:
        return (
            _ch(
                rng,
                (
                    "Vergütung nach AVR Caritas",
                    "Vergütung nach AVR DD",
                    "AVR Diakonie, inkl. Jahressonderzahlung",
                ),
            ),
            None,
            "AVR",
        )
    if rng.random() < 0.08:
        return (
            _ch(
                rng,
                (
                    "attraktive Vergütung",
                    "Vergütung nach Vereinbarung",
                    "übertarifliche Bezahlung",
                    "leistungsgerechtes Gehalt",
                ),
            ),
            None,
            "",
        )
    center = occ.band[_EXP_INDEX.get(exp, 1)] * _un(rng, 0.93, 1.07)
    lo_m, hi_m = center * _un(rng, 0.88, 0.95), center * _un(rng, 1.05, 1.14)
    r = rng.random()
    if occ.hourly and r < 0.6:
        lo, hi = round(lo_m / 173.33 * 2) / 2, round(hi_m / 173.33 * 2) / 2
        lo = max(lo, 14.0)
        hi = max(hi, lo + 0.5)
        f = _rr(rng, 4)
        if f == 0:
            return f"{_de(lo, 2)} €/Std.", {"min": lo, "max": None, "period": "stunde"}, ""
        if f == 1:
            return f"{_de(lo, 2)} – {_de(hi, 2)} € pro Stunde", {"min": lo, "max": hi, "period": "stunde"}, ""
        if f == 2:
            return f"Stundenlohn ab {_de(lo, 2)} €", {"min": lo, "max": None, "period": "stunde"}, ""
        return f"{_de(lo, 2)} EUR brutto/h", {"min": lo, "max": None, "period": "stunde"}, ""
    if r < 0.62:
        lo, hi = _round(lo_m, 50), _round(hi_m, 50)
        f = _rr(rng, 6)
        if f == 0:
            return (
                f"{_de(lo)} € - {_de(hi)} € brutto monatlich",
                {"min": lo, "max": hi, "period": "monat"},
                "",
            )
        if f == 1:
            return f"{_de(lo)}–{_de(hi)} EUR/Monat", {"min": lo, "max": hi, "period": "monat"}, ""
        if f == 2:
            return f"ab {_de(lo)} € brutto/Monat", {"min": lo, "max": None, "period": "monat"}, ""
        if f == 3:
            return f"bis zu {_de(hi)} EUR", {"min": None, "max": hi, "period": "monat"}, ""
        if f == 4:
            return f"{lo} - {hi} € mtl.", {"min": lo, "max": hi, "period": "monat"}, ""
        return (
            f"Gehalt: {_de(lo)} bis {_de(hi)} Euro (brutto, Vollzeit)",
            {"min": lo, "max": hi, "period": "monat"},
            "",
        )
    lo, hi = _round(lo_m * 12, 1000), _round(hi_m * 12, 1000)
    f = _rr(rng, 5)
    if f == 0:
        return f"ab {_de(lo)} € p.a.", {"min": lo, "max": None, "period": "jahr"}, ""
    if f == 1:
        return f"{lo // 1000}-{hi // 1000}k", {"min": lo, "max": hi, "period": "jahr"}, ""
    if f == 2:
        return f"{_de(lo)} bis {_de(hi)} Euro Jahresgehalt", {"min": lo, "max": hi, "period": "jahr"}, ""
    if f == 3:
        return f"{_de(lo)} € – {_de(hi)} € brutto/Jahr", {"min": lo, "max": hi, "period": "jahr"}, ""
    return (
        f"Jahresgehalt: {lo // 1000}.000 - {hi // 1000}.000 €",
        {"min": lo, "max": hi, "period": "jahr"},
        "",
    )


# --- title, location, description ----------------------------------------------------------------------

GENDER_TAGS = ("(m/w/d)",) * 10 + ("(w/m/d)",) * 2 + ("(d/m/w)", "(m/w/x)", "(gn)", "(all genders)")


def _title(
    rng: random.Random, occ: OccupationSpec, exp: Experience, wt: WorkingTime, employer_name: str, city: str
) -> str:
    tag = _ch(rng, GENDER_TAGS)
    r = rng.random()
    if occ.alts and r < 0.22:
        alt = _ch(rng, occ.alts)
        core = alt if rng.random() < 0.2 else f"{alt} {tag}"
    elif r < 0.62:
        core = f"{occ.male} {tag}"
    elif r < 0.70:
        core = occ.female if rng.random() < 0.6 else f"{occ.female} {tag}"
    elif r < 0.78 and occ.female == occ.male + "in":
        core = _ch(rng, (f"{occ.male}:in", f"{occ.male}*in", f"{occ.male}:in {tag}", f"{occ.male}_in"))
    elif r < 0.88:
        core = f"{occ.neutral} {tag}" if rng.random() < 0.7 else occ.neutral
    elif r < 0.93 and occ.female != occ.male:
        core = f"{occ.male} / {occ.female}"
    else:
        core = f"{occ.male} {tag}"
    if occ.corporate:
        if exp is Experience.SENIOR and rng.random() < 0.5:
            core = "Senior " + core
        elif exp is Experience.ENTRY and rng.random() < 0.35:
            core = "Junior " + core
    r = rng.random()
    if r < 0.05:
        short = " ".join(employer_name.split()[:2])
        return f"{core} – {short}"
    if r < 0.09:
        return f"{core} in {'Teilzeit' if wt is WorkingTime.PART_TIME else 'Vollzeit'}"
    if r < 0.13:
        return f"{core} für unseren Standort {city}"
    if r < 0.16:
        return f"{core} in {city}"
    if r < 0.18:
        return f"{core} – unbefristet"
    if r < 0.20:
        return f"{core} ab sofort"
    return core


_PUBLIC_POOL = T.BENEFITS + T.PUBLIC_BENEFITS
REMOTE_ONLY_TEXTS = (
    "Remote / deutschlandweit",
    "Remote (Deutschland)",
    "Homeoffice / bundesweit",
    "deutschlandweit",
)


def _location(rng: random.Random, tb: _Tables, idx: int, remote: Remote) -> tuple[str, tuple[str, ...]]:
    p = tb.places[idx]
    name = p.short if p.short and rng.random() < 0.3 else p.name
    r = rng.random()
    if r < 0.40:
        return name, (p.ags,)
    if r < 0.63:
        plz = p.plzs[0] if rng.random() < 0.5 else _ch(rng, p.plzs)
        return f"{plz} {name}", (p.ags,)
    if r < 0.71 and p.districts:
        return f"{p.name}-{_ch(rng, p.districts)}", (p.ags,)
    if r < 0.77:
        return f"{name}, {p.land}", (p.ags,)
    if r < 0.80:
        return f"{_ch(rng, p.plzs)} {name}, Deutschland", (p.ags,)
    if r < 0.85 and p.neighbors:
        q = tb.places[_ch(rng, p.neighbors)]
        sep = _ch(rng, ("/", "/", " / ", ", ", " und "))
        return f"{name}{sep}{q.name}", (p.ags, q.ags)
    if r < 0.87:
        return f"{name} und Umgebung", (p.ags,)
    if r < 0.89:
        return f"Raum {name}", (p.ags,)
    if r < 0.91 and p.kreis and p.kreis != p.name:
        return f"{p.name}, Kreis {p.kreis}", (p.ags,)
    if r < 0.95 and remote is not Remote.ONSITE:
        return f"{name} oder Remote", (p.ags,)
    return name, (p.ags,)


def _phone(rng: random.Random, city: str) -> str:
    area = AREA_CODES.get(city) or f"0{_ri(rng, 2, 9)}{_ri(rng, 100, 999)}"
    k = _rr(rng, 4)
    if k == 0:
        return f"Tel. {area} {_ri(rng, 100, 999)}-0"
    if k == 1:
        return f"Telefon: {area} / {_ri(rng, 1000, 99999)}"
    if k == 2:
        return f"+49 {area[1:]} {_ri(rng, 10000, 999999)}"
    return f"Tel.: {area}-{_ri(rng, 100, 9999)} {_ri(rng, 10, 99)}"


def _fill(template: str, **kw: str) -> str:
    return template.format(**kw) if "{" in template else template


def _description(
    rng: random.Random,
    occ: OccupationSpec,
    exp: Experience,
    remote: Remote,
    contract: Contract,
    wt_sentence: str,
    emp: str,
    city: str,
    sector: Sector,
    skills: Sequence[str],
    quereinsteiger: bool,
    now: datetime,
) -> str:
    skill, skill2 = skills[0], skills[1] if len(skills) > 1 else skills[0]
    kw = {"employer": emp, "city": city, "skill": skill, "skill2": skill2, "occ": occ.neutral}
    out = [
        _ch(rng, ("Über uns", "Wer wir sind", "Das sind wir")),
        _fill(_ch(rng, T.SECTOR_INTROS[sector]), **kw),
    ]
    out.append(_fill(_ch(rng, T.LEADS), **kw))
    if quereinsteiger:
        out.append(_ch(rng, T.QUEREINSTEIGER))
    out.append("")
    out.append(_ch(rng, ("Ihre Aufgaben:", "Das erwartet Sie:", "Ihre Aufgaben")))
    tasks = T.FAMILY_TASKS[occ.family]
    for t in _sample(rng, tasks, min(len(tasks), _ri(rng, 4, 6))):
        out.append("• " + _fill(t, **kw))
    out.append("")
    out.append(_ch(rng, ("Ihr Profil:", "Das bringen Sie mit:", "Was Sie mitbringen")))
    if not quereinsteiger:
        out.append("• " + _fill(_ch(rng, T.QUAL_BY_LEVEL[occ.level]), **kw))
    out.append("• " + _ch(rng, T.EXPERIENCE_LINES[exp.value]))
    out.append("• " + _fill(_ch(rng, T.SKILL_LINES), **kw))
    for line in _sample(rng, T.PROFILE_EXTRA, _ri(rng, 1, 3)):
        out.append("• " + line)
    out.append("")
    out.append(_ch(rng, ("Wir bieten:", "Unser Angebot:", "Das bieten wir Ihnen")))
    out.append("• " + wt_sentence)
    if contract is Contract.PERMANENT:
        out.append("• " + _ch(rng, T.CONTRACT_PERMANENT))
    elif contract is Contract.FIXED_TERM:
        out.append("• " + _ch(rng, T.CONTRACT_FIXED))
    if remote is Remote.HYBRID:
        out.append("• " + _ch(rng, T.REMOTE_HYBRID))
    elif remote is Remote.REMOTE:
        out.append("• " + _ch(rng, T.REMOTE_FULL))
    elif rng.random() < 0.3:
        out.append("• " + _fill(_ch(rng, T.ONSITE_LINES), **kw))
    pool = _PUBLIC_POOL if sector is Sector.PUBLIC else T.BENEFITS
    for line in _sample(rng, pool, _ri(rng, 3, 5)):
        out.append("• " + line)
    out.append("")
    # Dates and phone numbers are distractors for the salary parser; build only the variant that is used.
    k = _rr(rng, 4)
    if k == 3:
        out.append("Eintritt zum nächstmöglichen Zeitpunkt")
    else:
        start = (now + timedelta(days=_ri(rng, 30, 150))).date()
        if k == 0:
            out.append(f"Start: {start.day:02d}.{start.month:02d}.{start.year}")
        elif k == 1:
            out.append(f"Eintritt zum 01.{start.month:02d}.{start.year} oder nach Vereinbarung")
        else:
            # The deadline is the posting's valid_through, known only after the text (the random draws keep
            # their order so the sample set stays the same): filled in by `generate`.
            out.append(f"Bewerbungsfrist: {_DEADLINE}")
    if rng.random() < 0.4:
        out.append(f"Kennziffer {now.year}-{_ri(rng, 10, 999)}")
    out.append(f"Ihre Ansprechperson: {_ch(rng, T.CONTACT_NAMES)}, {_phone(rng, city)}")
    out.append(_ch(rng, T.CLOSINGS))
    return "\n".join(out)


_DEADLINE = "\x00deadline\x00"  # placeholder in _description, replaced by valid_through in generate


# --- public API ----------------------------------------------------------------------------------------


def _employer_rank(rng: random.Random, place: SamplePlace) -> int:
    n = max(3, min(80, place.population // 15_000))
    # Squaring skews towards low ranks: a few big employers post often, a long tail posts once.
    return int(n * rng.random() ** 2)


def generate(count: int, seed: int = 42, *, now: datetime | None = None) -> Iterator[RawPosting]:
    """Yield `count` sample postings; identical for identical (count, seed, now).

    `now` defaults to 2026-11-01 08:00 UTC so the output does not depend on the clock; posted_at keeps
    the timezone of `now`.
    """
    now = now or DEFAULT_NOW
    tb = _tables(now)
    rng = random.Random(seed)
    occ_cum, place_cum, day_cum = tb.occ_cum, tb.place_cum, tb.day_cum
    for index in range(count):
        occ = OCCUPATIONS[_pick(rng, occ_cum)]
        exp = _experience(rng, occ)
        remote = _remote(rng, occ)
        place_idx = -1
        for ags, prob in occ.hotspots:
            if rng.random() < prob:
                place_idx = tb.ags_index[ags]
                break
        if place_idx < 0:
            place_idx = _pick(rng, place_cum)
        place = tb.places[place_idx]
        sector = occ.sectors[0] if rng.random() < 0.35 else _ch(rng, occ.sectors)
        profile = ""
        if sector is Sector.HEALTH:
            profile = (
                "practice"
                if occ.family in PRACTICE_FAMILIES
                else ""
                if occ.family in CARE_FAMILIES
                else "large"
            )
        info = employer(place.ags, place.name, place.kreis, sector, _employer_rank(rng, place), profile)
        wt, wt_text, wt_sentence = _working_time(rng, occ)
        contract = _contract(rng)
        place_ags: tuple[str, ...]
        if remote is Remote.REMOTE and rng.random() < 0.3:
            location, place_ags = _ch(rng, REMOTE_ONLY_TEXTS), ()
        else:
            location, place_ags = _location(rng, tb, place_idx, remote)
        n_skills = min(len(occ.skills), _ri(rng, 2, 4))
        skills = _sample(rng, occ.skills, n_skills)
        quer = (
            occ.level <= 2
            and exp is not Experience.SENIOR
            and occ.family not in REGULATED
            and rng.random() < 0.12
        )
        title = _title(rng, occ, exp, wt, info.name, place.name)
        salary_text, salary_truth, tariff_truth = _salary(rng, occ, exp, info, sector)
        description = _description(
            rng, occ, exp, remote, contract, wt_sentence, info.name, place.name, sector, skills, quer, now
        )
        d = bisect(day_cum, rng.random() * day_cum[-1]) + 1
        posted = (now - timedelta(days=d)).replace(
            hour=_ri(rng, 6, 19), minute=_rr(rng, 60), second=0, microsecond=0
        )
        valid = posted.date() + timedelta(days=_ri(rng, 30, 90))
        description = description.replace(_DEADLINE, f"{valid.day:02d}.{valid.month:02d}.{valid.year}")
        yield RawPosting(
            source=SOURCE,
            source_id=f"sample-{seed}-{index:07d}",
            title=title,
            employer=info.name,
            description=description,
            location=location,
            url="",
            salary_text=salary_text,
            working_time_text=wt_text,
            posted_at=posted,
            valid_through=valid,
            employer_sector=sector.value,
            extra={
                "kldb": occ.kldb,
                "occupation": occ.neutral,
                "place_ags": list(place_ags),
                "experience": exp.value,
                "working_time": wt.value,
                "remote": remote.value,
                "contract": contract.value,
                "skills": skills,
                "salary": salary_truth,
                "salary_tariff": tariff_truth,
                "quereinsteiger": quer,
            },
        )
