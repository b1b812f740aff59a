"""The statistics of an occupation × city page as one tidy CSV: section, key, value, n, basis.

Values are machine-readable (decimal point, shares as fractions 0..1, euros per month); `basis` says where a
figure comes from and for which region and period it was computed.
"""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = ("section", "key", "value", "n", "basis")


def csv_rows(facts: dict[str, Any]) -> list[tuple[Any, ...]]:
    src = facts["source"]["label"]
    place = facts["place"]["name"]
    since = facts["postings"]["since"]
    as_of = facts["as_of"]
    rows: list[tuple[Any, ...]] = []

    def add(section: str, key: str, value: Any, n: Any = "", basis: str = "") -> None:
        rows.append((section, key, "" if value is None else value, "" if n is None else n, basis))

    occ = facts["occupation"]
    add("seite", "beruf", occ["title"], "", f"KldB 2010 {occ['kldb']}")
    add("seite", "kldb", occ["kldb"], "", occ["kldb_title"])
    add("seite", "ort", place, "", f"AGS {facts['place']['ags']}")
    add("seite", "stand", as_of, "", src)

    posts, trend = facts["postings"], facts["trend"]
    basis_now = f"{place}, Stand {as_of}; {src}"
    add("anzeigen", "aktiv", posts["active"], posts["active"], basis_now)
    add("anzeigen", "letzte_12_monate", posts["last_12_months"], posts["last_12_months"], f"seit {since}")
    for level, label in (("", place), ("land_", facts["place"]["land"]), ("germany_", "Deutschland")):
        last = trend["last_12_months"] if not level else trend[f"{level}last_12_months"]
        prev = trend["previous_12_months"] if not level else trend[f"{level}previous_12_months"]
        ch = trend["change_vs_previous_year"] if not level else trend[f"{level}change"]
        add("trend_vergleich", f"{label}:letzte_12_monate", last, last, src)
        add("trend_vergleich", f"{label}:vorjahr", prev, prev, src)
        add("trend_vergleich", f"{label}:veraenderung", ch, last, "relative Veränderung zum Vorjahr")
    for series, label in (("stadt", place), ("land", facts["place"]["land"]), ("deutschland", "Deutschland")):
        for point in trend["series"][series]:
            add(f"trend_{series}", point["month"], point["n"], point["n"], f"neue Anzeigen, {label}; {src}")

    sal = facts["salary"]
    if sal.get("level"):
        basis = f"{sal['region']} ({sal['level']}{', Ausweichregion' if sal['fallback'] else ''}); "
        basis += f"Monat brutto Vollzeit, ohne Tarifangaben, auf 50 € gerundet; {src}"
        for k in ("q25", "median", "q75"):
            add("gehalt", k, sal[k], sal["n"], basis)
        for row in sal["by_experience"]:
            for k in ("q25", "median", "q75"):
                add("gehalt_erfahrung", f"{row['experience']}:{k}", row[k], row["n"], basis)
        for b in sal.get("histogram", []):
            add("gehalt_verteilung", f"{b['from']}-{b['to']}", b["n"], b["n"], basis)
    else:
        add("gehalt", "median", None, 0, f"weniger als {sal['min_sample']} Gehaltsangaben in jeder Region")
    tariff = sal.get("tariff")
    if tariff:
        for g in tariff["groups"]:
            basis = f"Tariftabelle gültig ab {g['valid_from']}; Anzeigen in {tariff['region']}"
            add("tarif", f"{g['tariff']}:min", g["min"], g["n"], basis)
            add("tarif", f"{g['tariff']}:max", g["max"], g["n"], basis)

    basis_year = f"{place}, Anzeigen seit {since}; {src}"
    for e in facts["employers"]:
        add("arbeitgeber", e["name"], e["count"], e["count"], basis_year)
    for s in facts["sectors"]:
        add("branchen", s["sector"], s["share"], s["count"], basis_year)
    req = facts["requirements"]
    n = req["n"]
    for k in ("remote_share", "part_time_share", "fixed_term_share", "career_changer_share"):
        add("anforderungen", k, req.get(k), n, basis_year)
    for row in req.get("education", []):
        add("bildung", row["level"] or "keine_angabe", row["share"], row["count"], basis_year)
    for s in req["skills"]:
        add("kenntnisse", s["skill"], s["share"], s["count"], basis_year)
    for nb in facts["nearby"]:
        add(
            "umgebung", nb["name"], nb["count"], nb["count"], f"{nb['distance_km']} km, Anzeigen seit {since}"
        )
    return rows


def to_csv(facts: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(csv_rows(facts))
    return buf.getvalue()
