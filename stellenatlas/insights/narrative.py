"""The career-guide text of an occupation × city page, written from its facts and nothing else.

Each paragraph has several phrasings; which one a page gets is chosen by a hash of the page key and the slot, so
two pages read differently while one page reads the same on every render. Every number goes through
`insights.fmt`, the same formatter as the page's tables: the narrative test checks that each number in the
text is one of the values the page displays (`factsheet.fact_sheet`). Where the data is thin or missing the
text says so rather than filling the gap.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from stellenatlas.insights.fmt import de_int, eur, km, pct, signed_pct

# Skills and certificates from normalize.attributes.SKILLS -> the further training that leads to them.
# No digits in the phrases: every number in the narrative must be a displayed value.
TRAINING = {
    "Scrum": "eine Scrum-Zertifizierung wie Professional Scrum Master oder Certified ScrumMaster",
    "PSM I": "das Zertifikat Professional Scrum Master",
    "Certified ScrumMaster": "den Certified ScrumMaster der Scrum Alliance",
    "PSPO": "das Zertifikat Professional Scrum Product Owner",
    "SAFe": "eine SAFe-Schulung (etwa SAFe Agilist) für agile Großprojekte",
    "PRINCE2": "die PRINCE2-Zertifikate Foundation und Practitioner",
    "PMP": "die PMP-Zertifizierung des Project Management Institute",
    "IPMA": "eine IPMA-Zertifizierung (für den Einstieg Level D)",
    "Projektmanagement": "eine Projektmanagement-Weiterbildung, etwa bei IHK oder GPM",
    "ITIL": "ein ITIL-Foundation-Zertifikat für IT-Service-Management",
    "Six Sigma": "eine Lean-Six-Sigma-Qualifikation (Green Belt)",
    "TOGAF": "eine TOGAF-Zertifizierung für Enterprise-Architektur",
    "COBIT": "eine COBIT-Schulung zur IT-Governance",
    "ISTQB": "das ISTQB Certified Tester Foundation Level",
    "IREB CPRE": "das IREB-Zertifikat CPRE Foundation Level",
    "MS Project": "eine Schulung in MS Project für Termin- und Ressourcenplanung",
    "AWS": "eine Cloud-Zertifizierung von AWS",
    "Azure": "eine Azure-Zertifizierung von Microsoft",
    "SAP": "SAP-Schulungen im jeweils eingesetzten Modul",
    "Controlling": "eine Weiterbildung zum Controller (IHK)",
    "Bilanzbuchhalter": "die IHK-Fortbildung zum Bilanzbuchhalter",
    "Praxisanleitung": "die Weiterbildung zur Praxisanleitung",
    "Wundmanagement": "eine Weiterbildung zum Wundexperten (ICW)",
    "Intensivpflege": "die Fachweiterbildung Intensiv- und Anästhesiepflege",
    "Hygienebeauftragte": "die Weiterbildung zur bzw. zum Hygienebeauftragten",
    "Ausbildereignung (AEVO)": "die Ausbildereignungsprüfung (AEVO)",
    "Staplerschein": "den Staplerschein nach DGUV-Grundsatz",
    "ADR-Schein": "die ADR-Schulung für Gefahrguttransporte",
    "Berufskraftfahrer-Qualifikation": "die Weiterbildung nach dem Berufskraftfahrerqualifikationsgesetz",
    "Elektrofachkraft": "die Qualifikation als Elektrofachkraft",
    "Datenschutz (DSGVO)": "eine Schulung zur oder zum Datenschutzbeauftragten",
    "IT-Sicherheit": "eine Weiterbildung in IT-Sicherheit, etwa zum Informationssicherheitsbeauftragten",
    "Englisch": "sichere Englischkenntnisse, etwa durch einen Business-English-Kurs",
}


def choose(key: str, slot: str, variants: Sequence[str]) -> str:
    """One of `variants`, fixed for (page key, slot): stable across renders and processes (no hash())."""
    digest = hashlib.sha256(f"{key}|{slot}".encode()).digest()
    return variants[int.from_bytes(digest[:4], "big") % len(variants)]


def _join(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " und " + items[-1]


def where(level: str | None, label: str, city: str) -> str:
    """ "in Gelsenkirchen", "im Kreis Recklinghausen", "in der Region Ruhrgebiet", "bundesweit"."""
    if level == "gemeinde":
        return f"in {city}"
    if level == "deutschland":
        return "bundesweit"
    if label.startswith(("Kreis ", "Landkreis ", "Regierungsbezirk ")):
        return f"im {label}"
    if level == "region":
        return f"in der Region {label}"
    return f"in {label}"


def plural(n: int, one: str, many: str) -> str:
    return f"{de_int(n)} {one if n == 1 else many}"


def _trend_word(change: float | None) -> str:
    if change is None:
        return ""
    if change >= 0.05:
        return "mehr"
    if change <= -0.05:
        return "weniger"
    return "etwa gleich viele"


_SYSTEMATIK = re.compile(r"^Diese Systematikposition umfasst\s+", re.I)


def _role_text(facts: dict[str, Any], key: str) -> str:
    occ, place, role = facts["occupation"], facts["place"], facts.get("role", {})
    title = occ["title"]
    desc = (role.get("description") or "").strip()
    parts: list[str] = []
    if desc and _SYSTEMATIK.match(desc):
        # The KldB explanation starts with a cataloguer's formula; its content reads fine after a short lead-in.
        desc = _SYSTEMATIK.sub("", desc)
        lead = choose(
            key,
            "role-lead",
            [
                f"Was gehört zum Beruf {title}? Die Klassifikation der Berufe fasst darunter {desc}",
                f"Der Beruf {title} umfasst nach der amtlichen Klassifikation der Berufe {desc}",
                f"Laut Klassifikation der Berufe der Bundesagentur für Arbeit zählen dazu {desc}",
            ],
        )
        parts.append(lead if lead.endswith(".") else lead + ".")
    elif desc:
        parts.append(f"Kurz beschrieben (nach {role.get('description_source') or 'ESCO'}): {desc}")
    else:
        parts.append(f"Für den Beruf {title} liegt uns keine amtliche Tätigkeitsbeschreibung vor.")
    level = role.get("level_label")
    if level:
        parts.append(
            choose(
                key,
                "role-level",
                [
                    f"In der Klassifikation trägt er das Kennzeichen {occ['kldb']}; dessen letzte Ziffer "
                    f"steht für das Anforderungsniveau, hier {level}.",
                    f"Das Kennzeichen {occ['kldb']} ordnet ihn dem Anforderungsniveau „{level}“ zu.",
                ],
            )
        )
    linked = [r for r in role.get("related", []) if r.get("url")]
    if linked:
        names = _join([r["title"] for r in linked[:3]])
        parts.append(
            choose(
                key,
                "role-related",
                [
                    f"Verwandte Berufe mit eigener Seite für {place['name']} sind {names}.",
                    f"Wer sich breiter umsehen will: Auch für {names} gibt es in {place['name']} genug "
                    "Anzeigen für eine eigene Auswertung.",
                ],
            )
        )
    return " ".join(parts)


def _market_text(facts: dict[str, Any], key: str) -> str:
    occ, place, trend, posts = facts["occupation"], facts["place"], facts["trend"], facts["postings"]
    title, city = occ["title"], place["name"]
    last12, prev12 = trend["last_12_months"], trend["previous_12_months"]
    active = posts["active"]
    if last12 == 0 and active == 0:
        return (
            f"In den letzten 12 Monaten haben wir in {city} keine Stellenanzeige für {title} gefunden. "
            "Über den regionalen Markt lässt sich deshalb aus unseren Daten nichts Belastbares sagen; "
            "ein Blick auf die Nachbarstädte weiter unten hilft eher weiter."
        )
    parts = [
        choose(
            key,
            "market-lead",
            [
                f"Aktuell {'ist' if active == 1 else 'sind'} in {city} {plural(active, 'Stelle', 'Stellen')} "
                f"als {title} ausgeschrieben; in den letzten 12 Monaten kamen "
                f"{plural(last12, 'neue Anzeige', 'neue Anzeigen')} hinzu.",
                f"In den letzten 12 Monaten erschienen in {city} {plural(last12, 'Anzeige', 'Anzeigen')} für "
                f"{title}; derzeit offen: {de_int(active)}.",
                f"Wer in {city} als {title} sucht, findet derzeit {plural(active, 'offene Stelle', 'offene Stellen')}. "
                f"Über die letzten 12 Monate gerechnet waren es {plural(last12, 'neue Anzeige', 'neue Anzeigen')}.",
            ],
        )
    ]
    if posts.get("thin"):
        parts.append(
            f"Das ist eine kleine Datenbasis (weniger als {de_int(posts['thin_threshold'])} Anzeigen): "
            "Einzelne Arbeitgeber können die Zahlen stark verschieben, Trends sind mit Vorsicht zu lesen."
        )
    change = trend.get("change_vs_previous_year")
    if change is not None:
        word = _trend_word(change)
        direction = (
            f"{word} Anzeigen als im Vorjahreszeitraum ({de_int(prev12)}, {signed_pct(change)})"
            if word != "etwa gleich viele"
            else f"etwa so viele Anzeigen wie im Vorjahreszeitraum ({de_int(prev12)})"
        )
        compare = []
        if trend.get("land_change") is not None and place["land"] != city:  # Berlin, Hamburg: Land = city
            compare.append(f"{place['land']} {signed_pct(trend['land_change'])}")
        if trend.get("germany_change") is not None:
            compare.append(f"Deutschland {signed_pct(trend['germany_change'])}")
        sentence = choose(
            key,
            "market-trend",
            [f"Damit gab es {direction}", f"Im Jahresvergleich sind das {direction}"],
        )
        if compare:
            sentence += f"; zum Vergleich: {_join(compare)}."
        else:
            sentence += "."
        parts.append(sentence)
    elif prev12 == 0 and last12 > 0:
        parts.append(
            "Einen Vorjahresvergleich gibt es nicht, weil im Vorjahreszeitraum keine Anzeigen vorlagen."
        )
    nearby = facts.get("nearby") or []
    if nearby:
        top = sorted(nearby, key=lambda n: -n["count"])[:2]
        names = _join(
            [
                f"{n['name']} ({km(n['distance_km'])}, {plural(n['count'], 'Anzeige', 'Anzeigen')})"
                for n in top
            ]
        )
        parts.append(
            choose(
                key,
                "market-nearby",
                [
                    f"Wer pendeln kann, findet weitere Stellen in der Umgebung, etwa in {names}.",
                    f"Auch die Nachbarschaft lohnt einen Blick: {names}.",
                ],
            )
        )
    return " ".join(parts)


def _salary_text(facts: dict[str, Any], key: str) -> str:
    occ, place, sal = facts["occupation"], facts["place"], facts["salary"]
    title, city = occ["title"], place["name"]
    parts: list[str] = []
    if sal.get("level"):
        region = where(sal["level"], sal["region"], city)
        if sal.get("fallback"):
            region += f" (für {city} allein gibt es zu wenige Gehaltsangaben)"
        parts.append(
            choose(
                key,
                "salary-lead",
                [
                    f"Beim Gehalt liegt der Median der Stellenanzeigen {region} bei {eur(sal['median'])} brutto im "
                    f"Monat; die mittlere Hälfte der Angebote reicht von {eur(sal['q25'])} bis {eur(sal['q75'])} "
                    f"(n = {de_int(sal['n'])}).",
                    f"Was verdient man als {title}? Die Anzeigen {region} nennen im Median {eur(sal['median'])} "
                    f"brutto monatlich, ein Viertel liegt unter {eur(sal['q25'])}, ein Viertel über "
                    f"{eur(sal['q75'])} (n = {de_int(sal['n'])}).",
                ],
            )
        )
        steps = [
            f"{r['label']} {eur(r['median'])} (n = {de_int(r['n'])})"
            for r in sal.get("by_experience", [])
            if r.get("median") is not None
        ]
        exp_where = ""
        if sal.get("experience_level") and sal.get("experience_level") != sal["level"]:
            exp_where = f" ({where(sal['experience_level'], sal['experience_region'], city)})"
        if len(steps) >= 2:
            parts.append(
                choose(
                    key,
                    "salary-exp",
                    [
                        f"Nach Erfahrung gestaffelt{exp_where} nennen die Anzeigen im Median {_join(steps)}.",
                        f"Nach Erfahrungsstufe{exp_where} ergeben sich diese Mediane: {_join(steps)}.",
                    ],
                )
            )
        elif len(steps) == 1:
            parts.append(
                f"Nach Erfahrung aufgeteilt reichen die Angaben{exp_where} nur für eine Stufe: {steps[0]}; "
                f"für die übrigen liegen jeweils weniger als {de_int(sal['min_sample'])} Gehaltsangaben vor."
            )
        else:
            parts.append(
                "Nach Berufserfahrung aufgeteilt reichen die Gehaltsangaben für keine Stufe aus "
                f"(mindestens {de_int(sal['min_sample'])} je Stufe nötig)."
            )
    else:
        parts.append(
            f"Eine Gehaltsspanne nennen wir für {title} nicht: Weder in {city} noch in den größeren Regionen "
            f"gibt es mindestens {de_int(sal['min_sample'])} Anzeigen mit Gehaltsangabe."
        )
    tariff = sal.get("tariff")
    if tariff and tariff.get("groups"):
        g = tariff["groups"][0]
        rng = f"{eur(g['min'])} bis {eur(g['max'])}" if g["min"] != g["max"] else eur(g["min"])
        parts.append(
            choose(
                key,
                "salary-tariff",
                [
                    f"Im öffentlichen Dienst und bei tarifgebundenen Arbeitgebern bestimmt die Tariftabelle das "
                    f"Gehalt: Am häufigsten genannt wird {g['tariff']} mit {rng} je nach Stufe "
                    f"({plural(g['n'], 'Anzeige', 'Anzeigen')}).",
                    f"Tarifgebundene Arbeitgeber nennen statt einer Zahl meist eine Entgeltgruppe, am häufigsten "
                    f"{g['tariff']}; laut Tabelle sind das {rng} im Monat ({plural(g['n'], 'Anzeige', 'Anzeigen')}).",
                ],
            )
        )
    return " ".join(parts)


def _employer_text(facts: dict[str, Any], key: str) -> str:
    place = facts["place"]
    employers, sectors = facts.get("employers") or [], facts.get("sectors") or []
    if not employers:
        return ""
    top = _join([f"{e['name']} ({de_int(e['count'])})" for e in employers[:3]])
    parts = [
        choose(
            key,
            "emp-lead",
            [
                f"Die meisten Anzeigen in {place['name']} kamen zuletzt von {top}.",
                f"Am häufigsten ausgeschrieben haben in {place['name']} {top}.",
            ],
        )
    ]
    shown = [s for s in sectors if s["sector"] != "sonstige"][:3]
    if shown:
        parts.append(
            choose(
                key,
                "emp-sector",
                [
                    "Nach Branchen betrachtet entfallen "
                    + _join([f"{pct(s['share'])} auf {s['label']}" for s in shown])
                    + ".",
                    "Die Nachfrage verteilt sich vor allem auf "
                    + _join([f"{s['label']} ({pct(s['share'])})" for s in shown])
                    + ".",
                ],
            )
        )
    public = next((s for s in sectors if s["sector"] == "oeffentlicher_dienst"), None)
    if public and public["share"] is not None and public["share"] >= 0.2:
        parts.append(
            choose(
                key,
                "emp-public",
                [
                    f"Mit {pct(public['share'])} der Anzeigen ist der öffentliche Dienst ein wichtiger Arbeitgeber; "
                    "dort regeln Tarifverträge Gehalt und Stufenaufstieg nachvollziehbar.",
                    f"Auffällig ist der Anteil des öffentlichen Dienstes ({pct(public['share'])}): Kommunen, Land "
                    "und öffentliche Unternehmen zahlen nach Tarif und bieten meist sichere Stellen.",
                ],
            )
        )
    staffing = next((s for s in sectors if s["sector"] == "personaldienstleistung"), None)
    if staffing and staffing["share"] is not None and staffing["share"] >= 0.1:
        parts.append(
            f"{pct(staffing['share'])} der Anzeigen stammen von Personaldienstleistern – dort lohnt es sich, "
            "nach dem eigentlichen Einsatzbetrieb und einer Übernahmeperspektive zu fragen."
        )
    return " ".join(parts)


def _entry_text(facts: dict[str, Any], key: str) -> str:
    occ, req = facts["occupation"], facts.get("requirements") or {}
    title = occ["title"]
    if not req.get("n"):
        return ""
    edu = {e["level"]: e for e in req.get("education", [])}
    parts: list[str] = []
    stud, ausb = edu.get("studium"), edu.get("ausbildung")
    if stud and ausb and (stud["count"] or ausb["count"]):
        # education() records the highest level a posting names: "Studium oder Ausbildung" counts as Studium.
        if stud["count"] >= ausb["count"]:
            path = choose(
                key,
                "entry-studium",
                [
                    f"Meist führt der Weg über ein Studium: In {pct(stud['share'])} der Anzeigen ist ein "
                    "Hochschulabschluss der höchste genannte Abschluss",
                    f"Ein Studium ist der häufigste Zugang – {pct(stud['share'])} der Anzeigen nennen einen "
                    "Hochschulabschluss als Voraussetzung oder als erste Wahl",
                ],
            )
            path += f", eine Berufsausbildung in {pct(ausb['share'])}." if ausb["count"] else "."
        else:
            path = f"Die meisten Arbeitgeber setzen auf eine Berufsausbildung ({pct(ausb['share'])} der Anzeigen)"
            path += f"; ein Studium nennen {pct(stud['share'])}." if stud["count"] else "."
        parts.append(path)
        if stud["count"] >= ausb["count"]:
            parts.append(
                "Wer keinen Hochschulabschluss hat, sollte prüfen, ob die Anzeige eine vergleichbare "
                "Qualifikation zulässt, und Berufserfahrung sowie Zertifikate in den Vordergrund stellen."
            )
        else:
            parts.append(
                "Mit einigen Jahren Berufserfahrung öffnen Aufstiegsfortbildungen wie Fachwirt, Techniker oder "
                "Meister den Weg zu verantwortungsvolleren und besser bezahlten Positionen."
            )
        none = edu.get("")
        if none and none["count"]:
            parts.append(f"In {pct(none['share'])} der Anzeigen steht kein formaler Abschluss.")
    share = req.get("career_changer_share")
    if share:
        parts.append(
            choose(
                key,
                "entry-changer",
                [
                    f"Quereinsteiger werden in {pct(share)} der Anzeigen ausdrücklich angesprochen – "
                    "mit einschlägiger Erfahrung ist der Wechsel also möglich.",
                    f"Für Quereinsteiger gibt es Chancen: {pct(share)} der Anzeigen laden sie ausdrücklich ein.",
                ],
            )
        )
    elif share is not None:
        parts.append("Ausdrücklich an Quereinsteiger richtet sich keine der ausgewerteten Anzeigen.")
    if not parts:
        return ""
    lead = choose(
        key, "entry-lead", [f"Wie wird man {title}?", "Zum Einstieg:", "Welche Wege führen hinein?"]
    )
    return lead + " " + " ".join(parts)


def _training_text(facts: dict[str, Any], key: str) -> str:
    req = facts.get("requirements") or {}
    skills = req.get("skills") or []
    if not skills:
        return ""
    top = _join([f"{s['skill']} ({pct(s['share'])})" for s in skills[:4]])
    parts = [
        choose(
            key,
            "train-lead",
            [
                f"Am häufigsten gefragt sind {top}.",
                f"Die Anzeigen nennen vor allem {top}.",
            ],
        )
    ]
    suggestions = [TRAINING[s["skill"]] for s in skills if s["skill"] in TRAINING][:3]
    if suggestions:
        parts.append(
            choose(
                key,
                "train-suggest",
                [
                    f"Als Weiterbildung bieten sich daher {_join(suggestions)} an.",
                    f"Wer sich weiterbilden will, setzt deshalb auf {_join(suggestions)}.",
                    f"Passend dazu lohnen sich {_join(suggestions)}.",
                ],
            )
        )
    else:
        parts.append("Bestimmte Zertifikate verlangen die Anzeigen dabei nicht gehäuft.")
    return " ".join(parts)


def _application_text(facts: dict[str, Any], key: str) -> str:
    """Working conditions as advice for applicants: what to ask, where to negotiate."""
    req, sal = facts.get("requirements") or {}, facts["salary"]
    if not req.get("n"):
        return ""
    parts: list[str] = []
    remote, part, fixed = req.get("remote_share"), req.get("part_time_share"), req.get("fixed_term_share")
    if remote is not None:
        if remote >= 0.3:
            parts.append(
                choose(
                    key,
                    "app-remote",
                    [
                        f"Homeoffice ist verbreitet: {pct(remote)} der Anzeigen bieten hybrides oder mobiles "
                        "Arbeiten an. Es lohnt sich, die Regelung im Gespräch konkret zu klären – wie viele Tage, "
                        "welche Ausstattung.",
                        f"Mobiles Arbeiten gehört oft dazu ({pct(remote)} der Anzeigen). Klären Sie früh, wie "
                        "die Präsenztage im Team verteilt sind.",
                    ],
                )
            )
        elif remote > 0:
            parts.append(
                f"Homeoffice ist eher die Ausnahme ({pct(remote)} der Anzeigen); meist wird vor Ort gearbeitet."
            )
        else:
            parts.append("Keine der Anzeigen nennt Homeoffice – gearbeitet wird vor Ort.")
    if part is not None:
        if part >= 0.2:
            parts.append(
                f"Teilzeit ist gut möglich: {pct(part)} der Stellen sind entsprechend ausgeschrieben."
            )
        elif part > 0:
            parts.append(f"Teilzeitstellen sind mit {pct(part)} selten, eine Anfrage schadet aber nicht.")
        else:
            parts.append("Teilzeit bietet keine der Anzeigen ausdrücklich an.")
    if fixed is not None:
        if fixed >= 0.2:
            parts.append(
                f"{pct(fixed)} der Stellen sind befristet – fragen Sie nach der Perspektive auf eine Entfristung."
            )
        elif fixed > 0:
            parts.append(f"Befristungen sind mit {pct(fixed)} eher selten.")
    if sal.get("level"):
        parts.append(
            choose(
                key,
                "app-salary",
                [
                    f"Für die Gehaltsverhandlung ist der Median von {eur(sal['median'])} ein guter Anker; wer "
                    "Erfahrung oder gefragte Zertifikate mitbringt, kann sich am oberen Viertel "
                    f"({eur(sal['q75'])}) orientieren.",
                    f"In der Gehaltsverhandlung hilft der Median ({eur(sal['median'])}) als Orientierung; mit "
                    f"Erfahrung und Zusatzqualifikationen sind Angebote ab {eur(sal['q75'])} realistisch.",
                ],
            )
        )
    else:
        parts.append(
            "Weil belastbare Gehaltsdaten fehlen, lohnt vor der Verhandlung ein Blick auf die Gehaltsangaben "
            "einzelner Anzeigen und auf geltende Tarifverträge."
        )
    return " ".join(parts)


def narrative(facts: dict[str, Any]) -> list[dict[str, str]]:
    """Paragraphs [{"id", "heading", "text"}] of the career-guide text; empty paragraphs are left out."""
    key = facts.get("key") or f"{facts['occupation']['kldb']}:{facts['place']['ags']}"
    occ, city = facts["occupation"]["title"], facts["place"]["name"]
    sections = [
        ("rolle", f"Was macht man als {occ}?", _role_text(facts, key)),
        ("markt", f"Arbeitsmarkt für {occ} in {city}", _market_text(facts, key)),
        ("gehalt", "Gehalt nach Erfahrung", _salary_text(facts, key)),
        ("arbeitgeber", "Wer stellt ein?", _employer_text(facts, key)),
        ("einstieg", "Einstieg und Voraussetzungen", _entry_text(facts, key)),
        ("weiterbildung", "Gefragte Kenntnisse und Weiterbildung", _training_text(facts, key)),
        ("bewerbung", "Worauf Bewerber achten sollten", _application_text(facts, key)),
    ]
    return [{"id": i, "heading": h, "text": t} for i, h, t in sections if t]


def word_count(paragraphs: Sequence[dict[str, str]]) -> int:
    return sum(len(p["text"].split()) for p in paragraphs)
