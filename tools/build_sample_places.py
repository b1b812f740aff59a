"""Build stellenatlas/sources/sample/places.csv from the Destatis Gemeindeverzeichnis.

The sample generator may not read ../shared at run time, so the places it writes postings for are
extracted here once: every municipality over 50,000 inhabitants plus every municipality of the
Regionalverband Ruhr (the demo region, covered in depth). Extra postcodes come from the OSM
postcode table so that "45897 Gelsenkirchen" style locations are not always the seat's PLZ.

Usage: python tools/build_sample_places.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "stellenatlas" / "sources" / "sample" / "places.csv"

MIN_POPULATION = 50_000
# Regionalverband Ruhr: 11 kreisfreie Städte + Kreise Recklinghausen, Unna, Wesel, Ennepe-Ruhr-Kreis.
RUHR_KREISE = frozenset(
    {
        "05112", "05113", "05117", "05119", "05512", "05513",  # Duisburg .. Gelsenkirchen
        "05911", "05913", "05914", "05915", "05916",  # Bochum, Dortmund, Hagen, Hamm, Herne
        "05562", "05978", "05170", "05954",  # Recklinghausen, Unna, Wesel, Ennepe-Ruhr-Kreis
    }
)  # fmt: skip
LAENDER = {
    "01": "Schleswig-Holstein", "02": "Hamburg", "03": "Niedersachsen", "04": "Bremen",
    "05": "Nordrhein-Westfalen", "06": "Hessen", "07": "Rheinland-Pfalz", "08": "Baden-Württemberg",
    "09": "Bayern", "10": "Saarland", "11": "Berlin", "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern", "14": "Sachsen", "15": "Sachsen-Anhalt", "16": "Thüringen",
}  # fmt: skip
MAX_EXTRA_PLZ = 12


def clean_name(official: str) -> str:
    """'Gelsenkirchen, Stadt' -> 'Gelsenkirchen'; 'Cottbus/Chóśebuz, Stadt' -> 'Cottbus'."""
    name = official.split(",")[0].strip()
    # Bilingual names: postings use the German part.
    if "/" in name:
        name = name.split("/")[0].strip()
    return name


def _int(text: str) -> int:
    text = text.replace(" ", "").replace("\xa0", "").strip()
    return int(text) if text else 0


def build(shared: Path) -> list[dict[str, str]]:
    gv = shared / "places" / "gemeindeverzeichnis_destatis_gv100ad.csv"
    kreise: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    with gv.open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            kreis_ags = r["land"] + r["rb"] + r["kreis"]
            if r["satzart"] == "40":
                kreise[kreis_ags] = clean_name(r["gemeindename"])
            if r["satzart"] != "60":
                continue
            pop = _int(r["bevoelkerung"])
            ruhr = kreis_ags in RUHR_KREISE
            if pop <= MIN_POPULATION and not ruhr:
                continue
            rows.append(
                {
                    "ags": kreis_ags + r["gemeinde"],
                    "name": clean_name(r["gemeindename"]),
                    "plz": r["postleitzahl"].strip(),
                    "population": str(pop),
                    "land": LAENDER[r["land"]],
                    "kreis_ags": kreis_ags,
                    "ruhr": "1" if ruhr else "0",
                    "lat": r["breitengrad"].replace(",", ".").strip(),
                    "lon": r["laengengrad"].replace(",", ".").strip(),
                }
            )
    for row in rows:
        row["kreis"] = kreise.get(row["kreis_ags"], "")
    extra: dict[str, list[str]] = {}
    with (shared / "places" / "plz_ort_ags.csv").open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            extra.setdefault(r["ags"], []).append(r["plz"])
    for row in rows:
        plzs = [row["plz"]] + sorted(p for p in set(extra.get(row["ags"], [])) if p != row["plz"])
        row["plz"] = " ".join(plzs[: MAX_EXTRA_PLZ + 1])
    rows.sort(key=lambda r: r["ags"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = parser.parse_args()
    rows = build(args.shared)
    fields = ["ags", "name", "plz", "population", "land", "kreis_ags", "kreis", "ruhr", "lat", "lon"]
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} places to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
