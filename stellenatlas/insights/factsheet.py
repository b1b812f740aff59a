"""The fact sheet of a page: every value the page displays, formatted as displayed.

It is the contract between the page and its narrative: a number may appear in the text only if it appears
here (tests/insights/test_narrative.py), and every value here appears on the rendered page
(tests/web/test_occupation_page.py).
"""

from __future__ import annotations

import re
from typing import Any

from stellenatlas.insights.fmt import de_date, de_int, eur, km, pct, signed_pct

# Periods the page names in its labels ("in 12 Monaten", "letzte 24 Monate").
PERIOD_LABELS = ("12 Monate", "24 Monate")

# A German number as written on the page: a date, or digits with thousands dots and a decimal comma, with the
# unit that follows it. Digits glued to letters ("PRINCE2", "E 9a") are parts of names, not quantities.
_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,2}\.\d{1,2}\.\d{4}|\d+(?:\.\d{3})*(?:,\d+)?)(?:[ \u00a0\u202f]?(%|€|km))?(?![\w])"
)


def number_tokens(text: str) -> set[str]:
    """Numbers in a text with their unit, signs dropped (the text says the direction in words):
    "von 4.450 € auf +12 %" -> {"4.450 €", "12 %"}."""
    return {f"{num} {unit}" if unit else num for num, unit in _NUMBER.findall(text)}


def fact_sheet(facts: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, displayed value) of everything the occupation × city page shows."""
    out: list[tuple[str, str]] = []

    def add(label: str, value: str) -> None:
        if value and value != "–":
            out.append((label, value))

    occ, place, posts, trend = facts["occupation"], facts["place"], facts["postings"], facts["trend"]
    add("Beruf", occ["title"])
    add("KldB 2010", occ["kldb"])
    add("KldB-Bezeichnung", occ["kldb_title"])
    add("ISCO-08", occ.get("isco") or "")
    add("Ort", place["name"])
    add("Kreis", place["kreis"])
    add("Land", place["land"])
    add("Stand", de_date(facts["as_of"]))
    add("Zeitraum ab", de_date(posts["since"]))
    for label in PERIOD_LABELS:
        add("Zeitraum", label)
    add("Aktive Anzeigen", de_int(posts["active"]))
    add("Anzeigen 12 Monate", de_int(posts["last_12_months"]))
    if posts.get("thin"):
        add("Schwelle kleine Datenbasis", de_int(posts["thin_threshold"]))
    add("Neue Anzeigen 12 Monate", de_int(trend["last_12_months"]))
    add("Vorjahr", de_int(trend["previous_12_months"]))
    add("Veränderung", signed_pct(trend["change_vs_previous_year"]))
    if place["land"] != place["name"]:  # city-states: the Land row would repeat the city
        add("Land 12 Monate", de_int(trend["land_last_12_months"]))
        add("Land Vorjahr", de_int(trend["land_previous_12_months"]))
        add("Land Veränderung", signed_pct(trend["land_change"]))
    add("Deutschland 12 Monate", de_int(trend["germany_last_12_months"]))
    add("Deutschland Vorjahr", de_int(trend["germany_previous_12_months"]))
    add("Deutschland Veränderung", signed_pct(trend["germany_change"]))

    sal = facts["salary"]
    add("Mindeststichprobe Gehalt", de_int(sal["min_sample"]))
    if sal.get("level"):
        add("Gehaltsregion", sal["region"])
        add("Gehalt n", de_int(sal["n"]))
        add("Gehalt 25 %", eur(sal["q25"]))
        add("Gehalt Median", eur(sal["median"]))
        add("Gehalt 75 %", eur(sal["q75"]))
        add("Tarifanzeigen ausgenommen", de_int(sal["tariff_n"]))
        add("Rundung", eur(50))
        add("Region Erfahrungsstufen", sal.get("experience_region") or "")
        for row in sal["by_experience"]:
            add("Erfahrungsstufe", row["label"])
            add(f"{row['label']} n", de_int(row["n"]))
            if row["median"] is not None:
                add(f"{row['label']} 25 %", eur(row["q25"]))
                add(f"{row['label']} Median", eur(row["median"]))
                add(f"{row['label']} 75 %", eur(row["q75"]))
    tariff = sal.get("tariff")
    if tariff:
        add("Tarif n", de_int(tariff["n"]))
        add("Tarifregion", tariff["region"])
        for g in tariff["groups"]:
            add("Tarifgruppe", g["tariff"])
            add(f"{g['tariff']} gültig ab", g["valid_from"])
            add(f"{g['tariff']} von", eur(g["min"]))
            add(f"{g['tariff']} bis", eur(g["max"]))
            add(f"{g['tariff']} n", de_int(g["n"]))

    for e in facts["employers"]:
        add("Arbeitgeber", e["name"])
        add(f"{e['name']} Anzeigen", de_int(e["count"]))
    for s in facts["sectors"]:
        add("Branche", s["label"])
        add(f"{s['label']} Anzeigen", de_int(s["count"]))
        add(f"{s['label']} Anteil", pct(s["share"]))

    req = facts["requirements"]
    add("Anforderungen n", de_int(req["n"]))
    add("Homeoffice", pct(req["remote_share"]))
    add("Teilzeit", pct(req["part_time_share"]))
    add("Befristet", pct(req["fixed_term_share"]))
    add("Quereinstieg", pct(req.get("career_changer_share")))
    add("Quereinstieg Anzeigen", de_int(req.get("career_changer_count")))
    for row in req.get("education", []):
        add("Bildungsabschluss", row["label"])
        add(f"{row['label']} Anteil", pct(row["share"]))
        add(f"{row['label']} Anzeigen", de_int(row["count"]))
    for s in req["skills"]:
        add("Kenntnis", s["skill"])
        add(f"{s['skill']} Anteil", pct(s["share"]))

    role = facts.get("role") or {}
    add("Beschreibung", role.get("description") or "")
    add("Anforderungsniveau", role.get("level_label") or "")
    for r in role.get("related", []):
        add("Verwandter Beruf", r["title"])
        if r.get("count") is not None:
            add(f"{r['title']} Anzeigen", de_int(r["count"]))

    for n in facts["nearby"]:
        add("Nachbarort", n["name"])
        add(f"{n['name']} Entfernung", km(n["distance_km"]))
        add(f"{n['name']} Anzeigen", de_int(n["count"]))
        add(f"{n['name']} offen", de_int(n["active"]))
    return out


def fact_sheet_numbers(facts: dict[str, Any]) -> set[str]:
    """Every number token of every displayed value."""
    tokens: set[str] = set()
    for _label, value in fact_sheet(facts):
        tokens |= number_tokens(value)
    return tokens
