"""Attribute extractors on real German posting phrases, plus robustness and throughput."""

from __future__ import annotations

import hashlib
import re
import time
from functools import cache as _cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stellenatlas.domain.models import Contract, Experience, Remote, WorkingTime
from stellenatlas.normalize import attributes as a
from stellenatlas.normalize.prefix_search import PrefixSearch, split_alternatives
from stellenatlas.normalize.skills_vocab import MORE_SKILLS
from stellenatlas.sources.sample import generate


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vollzeit, unbefristet", WorkingTime.FULL_TIME),
        ("Teilzeit (20 Std./Woche)", WorkingTime.PART_TIME),
        ("Die Stelle ist in Vollzeit oder Teilzeit zu besetzen.", WorkingTime.FULL_TIME),
        ("Vollzeit / Teilzeit", WorkingTime.FULL_TIME),
        ("Minijob im Verkauf", WorkingTime.MINIJOB),
        ("Aushilfe auf 556-Euro-Basis", WorkingTime.MINIJOB),
        ("520-Euro-Job", WorkingTime.MINIJOB),
        ("geringfügige Beschäftigung", WorkingTime.MINIJOB),
        ("Wir suchen eine Reinigungskraft in Teilzeit", WorkingTime.PART_TIME),
        ("Wir freuen uns auf Ihre Bewerbung", WorkingTime.UNKNOWN),
    ],
)
def test_working_time(text: str, expected: WorkingTime) -> None:
    assert a.working_time(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Arbeitsort: vor Ort in unserem Werk in Bottrop", Remote.ONSITE),
        ("2 Tage Homeoffice pro Woche", Remote.HYBRID),
        ("mobiles Arbeiten möglich", Remote.HYBRID),
        ("Möglichkeit zum mobilen Arbeiten nach Absprache", Remote.HYBRID),
        ("Leider kein mobiles Arbeiten möglich, Präsenz im Werk", Remote.ONSITE),
        ("hybrides Arbeitsmodell", Remote.HYBRID),
        ("100 % remote", Remote.REMOTE),
        ("Full Remote (Deutschland)", Remote.REMOTE),
        ("Homeoffice ist leider nicht möglich", Remote.ONSITE),
        ("Wir bieten einen Firmenwagen", Remote.UNKNOWN),
    ],
)
def test_remote(text: str, expected: Remote) -> None:
    assert a.remote(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("unbefristeter Arbeitsvertrag", Contract.PERMANENT),
        ("Festanstellung in Vollzeit", Contract.PERMANENT),
        ("Die Stelle ist zunächst auf 2 Jahre befristet.", Contract.FIXED_TERM),
        ("befristet als Elternzeitvertretung", Contract.FIXED_TERM),
        ("Elternzeitvertretung", Contract.FIXED_TERM),
        ("Spannende Aufgaben", Contract.UNKNOWN),
    ],
)
def test_contract(text: str, expected: Contract) -> None:
    assert a.contract(text) is expected


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Junior Projektmanager (m/w/d)", "", Experience.ENTRY),
        ("Sachbearbeiter (m/w/d)", "Auch Berufseinsteiger sind willkommen.", Experience.ENTRY),
        ("Sachbearbeiter (m/w/d)", "Sie bringen erste Berufserfahrung mit.", Experience.ENTRY),
        (
            "Buchhalter (m/w/d)",
            "mehrjährige Berufserfahrung in der Finanzbuchhaltung",
            Experience.PROFESSIONAL,
        ),
        ("Entwickler (m/w/d)", "3-5 Jahre Erfahrung mit Java", Experience.PROFESSIONAL),
        ("Senior Consultant SAP (m/w/d)", "", Experience.SENIOR),
        ("Teamleitung Kundenservice", "", Experience.SENIOR),
        ("Lead Developer", "", Experience.SENIOR),
        ("Ingenieur (m/w/d)", "mindestens 8 Jahre Berufserfahrung", Experience.SENIOR),
        ("Ingenieur (m/w/d)", "Teamfähigkeit", Experience.UNKNOWN),
    ],
)
def test_experience(title: str, text: str, expected: Experience) -> None:
    assert a.experience(title, text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zertifizierung als PSM I oder PRINCE2 von Vorteil", {"PSM I", "PRINCE2"}),
        ("Kenntnisse in Scrum und Kanban, gerne IPMA oder PMP", {"Scrum", "Kanban", "IPMA", "PMP"}),
        ("ITIL-Zertifizierung", {"ITIL"}),
        ("Erfahrung mit SAP S/4HANA sowie SAP FI/CO", {"SAP S/4HANA", "SAP FI/CO"}),
        ("sicherer Umgang mit MS Office, insbesondere Excel", {"MS Office", "Excel"}),
        ("Python, Java, SQL", {"Python", "Java", "SQL"}),
        ("Cloud: AWS oder Azure, Kubernetes", {"AWS", "Azure", "Kubernetes"}),
        ("Führerschein Klasse B zwingend erforderlich", {"Führerschein Klasse B"}),
        (
            "Führerschein Klasse CE und Fahrerkarte",
            {"Führerschein Klasse CE", "Berufskraftfahrer-Qualifikation"},
        ),
        ("Staplerschein wünschenswert", {"Staplerschein"}),
        ("examinierte Pflegefachkraft (m/w/d)", {"Examen Pflege"}),
        ("JavaScript und React", {"JavaScript", "React"}),
        ("Niederlassung in Sapporo", set()),
        ("Wir sind ein sicheres (safe) Unternehmen", set()),
    ],
)
def test_skills(text: str, expected: set[str]) -> None:
    assert set(a.skills(text)) == expected


# Requirements as German postings outside IT/office phrase them (vocabulary added 2026-11-25).
_NEW_SKILL_CASES: list[tuple[str, set[str]]] = [
    (
        "Sie übernehmen die Grund- und Behandlungspflege sowie die Pflegeplanung nach den Expertenstandards",
        {"Grundpflege", "Behandlungspflege", "Pflegeplanung", "Expertenstandards"},
    ),
    ("Durchführung der Grundpflege und Wundversorgung", {"Grundpflege"}),
    ("Erfahrung im Wundmanagement und in der Palliativpflege", {"Wundmanagement", "Palliativpflege"}),
    ("Weiterbildung zur Pflegedienstleitung (PDL) wünschenswert", {"Pflegedienstleitung"}),
    ("Betreuungskraft nach § 53b SGB XI (m/w/d)", {"Betreuungskraft (§ 53b SGB XI)", "SGB XI"}),
    ("Kenntnisse im SGB VIII und im Kinderschutz (§ 8a)", {"SGB VIII", "Kinderschutz (§ 8a SGB VIII)"}),
    (
        "Zertifikat Manuelle Therapie, Lymphdrainage (MLD) von Vorteil",
        {"Manuelle Therapie", "Manuelle Lymphdrainage"},
    ),
    ("Abrechnung nach GOÄ und EBM", {"GOÄ", "EBM"}),
    (
        "Erfahrung in der Montessori-Pädagogik und alltagsintegrierten Sprachförderung",
        {"Montessori", "Sprachförderung"},
    ),
    (
        "MAG/WIG-Schweißen, gültige Schweißerprüfung nach DIN EN ISO 9606-1",
        {
            "Schweißen",
            "MAG-Schweißen",
            "WIG-Schweißen",
            "Schweißerprüfung (ISO 9606)",
        },
    ),
    ("Schweißkenntnisse (MAG, MIG, WIG)", {"Schweißen", "MAG-Schweißen", "MIG-Schweißen", "WIG-Schweißen"}),
    ("Programmierung von CNC-Maschinen mit Fanuc oder Sinumerik 840D", {"CNC", "Fanuc", "Sinumerik"}),
    ("Prüfungen nach DGUV V3, Kenntnisse der VDE 0100", {"DGUV V3 / E-Check", "VDE-Vorschriften"}),
    ("Führerschein Klasse C1E und BE", {"Führerschein Klasse C1", "Führerschein Klasse C1E"}),
    ("Führerschein Klasse BE erforderlich", {"Führerschein Klasse BE"}),
    ("Sachkunde nach § 34a GewO zwingend", {"Sachkunde § 34a GewO"}),
    ("Umgang mit Kassensystemen und Warenwirtschaftssystem", {"Kassensysteme", "Warenwirtschaftssystem"}),
    ("Lohn- und Gehaltsabrechnung mit DATEV LODAS", {"DATEV", "Lohnabrechnung"}),
    ("Kenntnisse im Vergaberecht (VgV, VOB/A, VOL/A)", {"Vergaberecht", "VOB", "VOL/A"}),
    (
        "Kenntnisse im kommunalen Haushaltsrecht (Doppik) und TVöD",
        {"Haushaltsrecht", "Tarifrecht (TVöD/TV-L)"},
    ),
    ("Gute Kenntnisse in ArchiCAD oder Allplan", {"ArchiCAD", "Allplan"}),
    ("HACCP-Kenntnisse und Erfahrung in der À-la-carte-Küche", {"HACCP", "À-la-carte"}),
    (
        "Kommissionierung mit Handscanner, Be- und Entladen, Ladungssicherung",
        {
            "Kommissionierung",
            "Scanner/MDE",
            "Ladungssicherung",
        },
    ),
    (
        "Hochvolt-Qualifikation (HV2) und Erfahrung mit Diagnosegeräten",
        {"Hochvolt-Qualifikation", "Fahrzeugdiagnose"},
    ),
    (
        "Erfahrung mit Intune und Windows 11 im 2nd-Level-Support",
        {
            "Client-Management (Intune/SCCM)",
            "Windows Client",
            "IT-Support (1st/2nd Level)",
        },
    ),
    ("Sprachkenntnisse in Russisch oder Ukrainisch von Vorteil", {"Russisch", "Ukrainisch"}),
    # ordinary words that share letters with acronyms or skill words
    ("Er mag seine Arbeit, wir bieten inklusive Verpflegung", set()),
    ("Sie arbeiten in der Gastronomie in Magdeburg", set()),
    ("Die Stelle ist im Dezernat Bauen angesiedelt", set()),
]
_NEW_SKILL_TEXTS = [t for t, _ in _NEW_SKILL_CASES]


@pytest.mark.parametrize(("text", "expected"), _NEW_SKILL_CASES)
def test_new_skills(text: str, expected: set[str]) -> None:
    assert set(a.skills(text)) == expected


def test_java_not_in_javascript() -> None:
    assert "Java" not in a.skills("Javascript, Typescript")


def test_vocabulary_size() -> None:
    assert len(a.SKILLS) >= 420
    assert len(MORE_SKILLS) >= 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quereinsteiger willkommen!", True),
        ("Quereinstieg möglich", True),
        ("Auch für Quereinsteiger geeignet", True),
        ("abgeschlossene Berufsausbildung als Elektroniker", False),
    ],
)
def test_career_changer(text: str, expected: bool) -> None:
    assert a.career_changer(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abgeschlossenes Studium der Wirtschaftsinformatik", "studium"),
        ("Bachelor oder Master in Informatik", "studium"),
        ("abgeschlossene Berufsausbildung als Industriekaufmann", "ausbildung"),
        ("Auch ohne Ausbildung – wir lernen Sie an", "keine"),
        ("Zuverlässigkeit und Teamgeist", ""),
    ],
)
def test_education(text: str, expected: str) -> None:
    assert a.education(text) == expected


_FNS = (a.working_time, a.remote, a.contract, a.skills, a.career_changer, a.education)
_FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(st.text(max_size=3000))
def test_never_raises(text: str) -> None:
    for fn in _FNS:
        fn(text)
    a.experience(text, text)


@pytest.mark.parametrize(
    "text", ["a" * 1_000_000, "Java " * 200_000, "\x00\xff" * 500_000, "1 Tage " * 150_000]
)
def test_huge_input_is_fast(text: str) -> None:
    t0 = time.perf_counter()
    for fn in _FNS:
        fn(text)
    a.experience(text[:200], text)
    assert time.perf_counter() - t0 < 5.0  # hang guard (backtracking), not a benchmark


DESCRIPTION = (
    "Die Stadt Gelsenkirchen sucht zum nächstmöglichen Zeitpunkt eine IT-Projektkoordinatorin / einen "
    "IT-Projektkoordinator (m/w/d) in Vollzeit, unbefristet. Ihre Aufgaben: Koordination von Digitalisierungs"
    "projekten nach PRINCE2 und Scrum, Steuerung externer Dienstleister, Pflege der Projektdokumentation in "
    "Jira und Confluence. Ihr Profil: abgeschlossenes Studium der (Wirtschafts-)Informatik oder vergleichbare "
    "Qualifikation, mehrjährige Berufserfahrung im Projektmanagement, sicherer Umgang mit MS Office, "
    "Kenntnisse in SQL von Vorteil, Führerschein Klasse B. Wir bieten: Vergütung nach Entgeltgruppe 11 TVöD, "
    "mobiles Arbeiten bis zu 2 Tage pro Woche, 30 Tage Urlaub, Jobticket, betriebliche Altersvorsorge (ZVK), "
    "Fortbildungen und ein betriebliches Gesundheitsmanagement. Schwerbehinderte Menschen werden bei gleicher "
    "Eignung bevorzugt berücksichtigt. Ansprechpartner: Herr Beispiel, Tel. 0209 169-2000, Bewerbung bis 15.01.2026."
)


# --- differential tests: the fast matchers give exactly what the plain regex searches gave -----------------


_LEGACY_LITERAL = re.compile(r"[a-z0-9äöüß]{2,}")
_LEGACY_WORD = re.compile(r"[a-z0-9äöüß]+")


def _legacy_literal(alt: str) -> str | None:
    m = _LEGACY_LITERAL.match(alt.lower())
    if m is None:
        return None
    lit = m.group(0)
    if alt[m.end() : m.end() + 1] in ("?", "*", "{"):
        lit = lit[:-1]
    return lit if len(lit) >= 2 else None


@_cache
def _legacy_skill_patterns(
    old_only: bool = False,
) -> tuple[tuple[str, tuple[str, ...] | None, re.Pattern[str], bool], ...]:
    # Verbatim logic of the matcher before the prefix index (literal pre-check, then a search per skill).
    out = []
    for name, alts in (_old_vocabulary() if old_only else a.SKILLS).items():
        cs = tuple(x for x in alts if x.isalpha() and any(c.isupper() for c in x))
        ci = tuple(x for x in alts if x not in cs)
        if ci:
            lits = tuple(_legacy_literal(x) for x in ci)
            req = None if any(x is None for x in lits) else tuple(x for x in lits if x)
            out.append((name, req, re.compile(rf"(?<![\w-])(?:{'|'.join(ci)})(?![\w])"), False))
        if cs:
            out.append(
                (
                    name,
                    tuple(x.lower() for x in cs),
                    re.compile(rf"(?<![\w-])(?:{'|'.join(cs)})(?![\w])"),
                    True,
                )
            )
    return tuple(out)


def _legacy_skills(text: str, old_only: bool = False) -> tuple[str, ...]:
    if not text or not isinstance(text, str):
        return ()
    original = text[: a.MAX_CHARS]
    t = original.lower()
    words = _LEGACY_WORD.findall(t)
    starts = {w[:3] for w in words} | {w[:2] for w in words}
    found: list[str] = []
    for name, req, pat, case_sensitive in _legacy_skill_patterns(old_only):
        if name in found:
            continue
        if req is not None and not any(lit[:3] in starts and lit in t for lit in req):
            continue
        if pat.search(original if case_sensitive else t):
            found.append(name)
    if "SAP" in found and any(s.startswith("SAP ") for s in found):
        found.remove("SAP")
    if "SAP FI" in found and "SAP FI/CO" in found:
        found.remove("SAP FI")
    return tuple(found)


@_cache
def _corpus() -> tuple[str, ...]:
    texts: list[str] = []
    for raw in generate(5000, seed=7):
        texts.append(f"{raw.title}\n{raw.working_time_text}\n{raw.description}")
    return tuple(texts)


# Inputs that sit right on the boundaries the prefix index relies on.
_EDGE = [
    "Java, JavaScript, Javascript, java-script, Java Script",
    "C, C++, C#, C/C++, c sharp, .NET Core, ASP.NET, dotnet",
    "Programmiersprache C; Python, R und SQL; SQL/R; R, Python",
    "SAP S/4HANA, S4 HANA, SAP-FI/CO, SAP FICO, SAP FI, SAP-CO, Sapporo, sap",
    "SAFe Agilist, SAFe, safe, SAS, sas, Scaled Agile",
    "IT-Sicherheit, IT Sicherheit, Cyber-Security, cybersecurity, -python, _python, éxcel",
    "Führerschein Klasse C E, Klasse CE, CE-Führerschein, Klasse C1E, Klasse D1, FS Kl. B",
    "Word, Excel und PowerPoint; Go, Rust; go / python; golang",
    "ab ab ab sap sap s/4 s/4hana s/4 hana",
    "",
    "   ",
    "x" * 40_000 + " Python",
    "Python " + "x" * 40_000,
]


@pytest.mark.parametrize("text", _EDGE)
def test_skills_equal_legacy_on_edge_cases(text: str) -> None:
    assert a.skills(text) == _legacy_skills(text)


def _old_vocabulary() -> dict[str, tuple[str, ...]]:
    return {k: v for k, v in a.SKILLS.items() if k not in MORE_SKILLS}


def test_old_vocabulary_is_unchanged() -> None:
    # The 220 entries before the 2026-11-25 extension, verbatim and in order: the extension only adds.
    old = list(_old_vocabulary().items())
    assert len(old) == 220
    assert hashlib.sha256(repr(old).encode()).hexdigest() == _OLD_VOCABULARY_SHA256
    assert list(a.SKILLS)[: len(old)] == [k for k, _ in old]
    # a new name starting with "SAP " would suppress the generic "SAP" hit of the old vocabulary
    assert not any(k.startswith("SAP") for k in MORE_SKILLS)


_OLD_VOCABULARY_SHA256 = "d1bcefbbe09c9eb6032ae23ba2d6f7775c6ed9ff391d856d0751dad90c00db18"


def test_old_vocabulary_results_unchanged_by_extension() -> None:
    texts = _corpus()
    for i, text in enumerate(texts):
        variants = (text, text.upper()) if i % 10 == 0 else (text,)
        for variant in (*variants, *(_EDGE + _NEW_SKILL_TEXTS if i == 0 else ())):
            got = tuple(s for s in a.skills(variant) if s not in MORE_SKILLS)
            assert got == _legacy_skills(variant, old_only=True), variant[:200]


def test_skills_equal_legacy_on_generated_corpus() -> None:
    texts = _corpus()
    # the upper-cased copy exercises the case-sensitive acronyms, the title alone the short-text path
    for i, text in enumerate(texts):
        variants = (text, text.upper(), text[:80]) if i % 10 == 0 else (text,)
        for variant in variants:
            assert a.skills(variant) == _legacy_skills(variant), variant[:200]


_WRAPPED = {
    name: obj for name, obj in vars(a).items() if name.startswith("_") and isinstance(obj, PrefixSearch)
}


def test_some_patterns_are_wrapped() -> None:
    assert {"_HYBRID", "_FULL_REMOTE", "_PROFESSIONAL", "_MINIJOB"} <= set(_WRAPPED)


@pytest.mark.parametrize("name", sorted(_WRAPPED))
def test_prefix_search_equals_plain_search(name: str) -> None:
    fast = _WRAPPED[name]
    texts = [t.lower() for t in _corpus()[:1000]] + [t.lower() for t in _EDGE]
    texts += ["Vollzeit 40 Std.", "vz / tz", "2-3 Tage Homeoffice", "mind. 7+ Jahre", "1 Tage " * 50]
    for text in texts:
        got = fast.search(text)
        want = fast.pattern.search(text)
        assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups())), text[:200]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"a|b", ["a", "b"]),
        (r"(?:a|b)c|d", ["(?:a|b)c", "d"]),
        (r"[|]x|\|y|z", ["[|]x", r"\|y", "z"]),
        (r"[]|]q|r", ["[]|]q", "r"]),
        (r"abc", ["abc"]),
    ],
)
def test_split_alternatives(source: str, expected: list[str]) -> None:
    assert split_alternatives(source) == expected


def test_prefix_search_without_prefix_falls_back() -> None:
    fast = PrefixSearch(re.compile(r"\d+\s?tage|home"))
    assert fast.search("ab 3 tage home").span() == (3, 9)  # type: ignore[union-attr]
    assert fast.search("nur home").span() == (4, 8)  # type: ignore[union-attr]
    assert fast.search("nichts") is None
