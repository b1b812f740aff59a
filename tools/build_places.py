"""Build the places reference data shipped in stellenatlas/refdata/data/ from ../shared/data/places/.

Run: .venv/bin/python tools/build_places.py [--src DIR] [--out DIR]

Outputs (UTF-8, gzip, deterministic order so rebuilds diff cleanly):
  municipalities.csv.gz  ags,name,official_name,lat,lon,population,plz
  regions.csv.gz         kind,code,name,official_name   (kind: land | rb | kreis)
  plz.csv.gz             plz,ags                          (one row per pair; a PLZ may map to several AGS)
  place_aliases.csv.gz   alias,ags,source                 (Ortsteile, districts, alternative spellings)
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SRC = ROOT.parent / "shared" / "data" / "places"
DEFAULT_OUT = ROOT / "stellenatlas" / "refdata" / "data"

# Textkennzeichen 66 = unbewohntes gemeindefreies Gebiet (forests, lakes, coastal waters): no residents, no jobs.
_SKIP_TEXTKENNZEICHEN = {"66"}

# Regierungsbezirke that exist as administrative units today. The GV100 also lists Niedersachsen's "Statistische
# Regionen" and the abolished ones of Rheinland-Pfalz and Sachsen ("früher: ..."); those are not Regierungsbezirke.
_RB_PREFIX = "Reg.-Bez. "

# Well-known districts of large cities that postings use as if they were towns but which neither GeoNames nor the
# OSM extract lists as a place name (checked with grep on both files). Source: the cities' official lists of
# Stadtbezirke/Stadtteile (Wikipedia "Liste der Stadtbezirke/Stadtteile von ..."). Kept short on purpose.
CURATED_ALIASES: tuple[tuple[str, str], ...] = (
    ("Mainz-Kastel", "06414000"),  # Wiesbaden (AKK districts on the Mainz side of the Rhine)
    ("Mainz-Kostheim", "06414000"),
    ("Mainz-Amöneburg", "06414000"),
    ("Buer", "05513000"),  # Gelsenkirchen
    ("Gelsenkirchen-Buer", "05513000"),
    ("Wattenscheid", "05911000"),  # Bochum
    ("Bad Godesberg", "05314000"),  # Bonn
    ("Beuel", "05314000"),
    ("Hardtberg", "05314000"),
    ("Rheydt", "05116000"),  # Mönchengladbach
    ("Hörde", "05913000"),  # Dortmund
    ("Kettwig", "05113000"),  # Essen
    ("Steele", "05113000"),
    ("Porz", "05315000"),  # Köln
    ("Ehrenfeld", "05315000"),
    ("Deutz", "05315000"),
    ("Sachsenhausen", "06412000"),  # Frankfurt am Main
    ("Benrath", "05111000"),  # Düsseldorf
    ("Spandau", "11000000"),  # Berlin
    ("Charlottenburg", "11000000"),
    ("Kreuzberg", "11000000"),
    ("Neukölln", "11000000"),
    ("Altona", "02000000"),  # Hamburg
    ("Wandsbek", "02000000"),
    ("Bergedorf", "02000000"),
    ("Vegesack", "04011000"),  # Bremen
    ("Schwabing", "09162000"),  # München
    ("Bad Cannstatt", "08111000"),  # Stuttgart
    ("Rheinhausen", "05112000"),  # Duisburg
    ("Hamborn", "05112000"),
    ("Sterkrade", "05119000"),  # Oberhausen
    ("Wanne-Eickel", "05916000"),  # Herne
    ("Heerdt", "05111000"),  # Düsseldorf
    ("Barmen", "05124000"),  # Wuppertal
    ("Elberfeld", "05124000"),
    ("Vohwinkel", "05124000"),
    ("Gohlis", "14713000"),  # Leipzig
)

# Single words GeoNames uses as Ortsteil names that are too generic to identify a place on their own.
_GENERIC_ALIAS = {
    "mitte",
    "nord",
    "sued",
    "ost",
    "west",
    "zentrum",
    "innenstadt",
    "altstadt",
    "neustadt",
    "stadt",
    "dorf",
    "bahnhof",
    "hafen",
    "siedlung",
    "kolonie",
    "berg",
    "feld",
    "heide",
    "markt",
    "kirche",
    "muehle",
    "wald",
    "see",
    "bad",
    "land",
    "ort",
    "oberdorf",
    "unterdorf",
    "neudorf",
    "altdorf",
    "vorstadt",
    "gewerbegebiet",
    "industriegebiet",
    "flughafen",
    "hauptbahnhof",
    "universitaet",
    "klinikum",
}

_SPACE = re.compile(r"\s+")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _num(text: str) -> int:
    """GV100 numbers carry thousands separators as spaces: " 90 164" -> 90164."""
    digits = text.replace(" ", "").replace("\u00a0", "")
    return int(digits) if digits else 0


def _coord(text: str) -> float:
    """GV100 coordinates use a decimal comma: "9,43751" -> 9.43751."""
    text = text.strip().replace(",", ".")
    return float(text) if text else 0.0


def display_name(official: str) -> str:
    """Drop the designation after the first comma: "Flensburg, Stadt" -> "Flensburg".

    A GV100 name never contains a comma except before the designation ("Stadt", "Landeshauptstadt",
    "Hansestadt", "GKSt", "gemfr. Gebiet", ...); brackets and "am Main"/"(Oder)" are part of the name and stay.
    """
    return _SPACE.sub(" ", official.split(",", 1)[0]).strip()


def _key(text: str) -> str:
    return _NON_ALNUM.sub(" ", text.translate(_FOLD).lower()).strip()


def read_gv100(path: Path) -> tuple[list[dict[str, str]], list[tuple[str, str, str, str]]]:
    municipalities: list[dict[str, str]] = []
    regions: list[tuple[str, str, str, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            kind = row["satzart"]
            name = row["gemeindename"].strip()
            if kind == "10":
                regions.append(("land", row["land"], name, name))
            elif kind == "20" and name.startswith(_RB_PREFIX):
                regions.append(("rb", row["land"] + row["rb"], name[len(_RB_PREFIX) :], name))
            elif kind == "20" and row["land"] == "09":
                # Bayern names its Regierungsbezirke without the "Reg.-Bez." prefix ("Oberbayern").
                regions.append(("rb", row["land"] + row["rb"], name, name))
            elif kind == "40":
                code = row["land"] + row["rb"] + row["kreis"]
                regions.append(("kreis", code, display_name(name), name))
            elif kind == "60" and row["textkennzeichen"] not in _SKIP_TEXTKENNZEICHEN:
                ags = row["land"] + row["rb"] + row["kreis"] + row["gemeinde"]
                municipalities.append(
                    {
                        "ags": ags,
                        "name": display_name(name),
                        "official_name": name,
                        "lat": f"{_coord(row['breitengrad']):.5f}",
                        "lon": f"{_coord(row['laengengrad']):.5f}",
                        "population": str(_num(row["bevoelkerung"])),
                        "plz": row["postleitzahl"].strip(),
                    }
                )
    return municipalities, regions


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def build(src: Path) -> dict[str, list[tuple[str, ...]]]:
    municipalities, regions = read_gv100(src / "gemeindeverzeichnis_destatis_gv100ad.csv")
    by_ags = {m["ags"]: m for m in municipalities}
    name_keys: dict[str, set[str]] = defaultdict(set)  # key -> ags, for telling aliases from real names
    by_kreis: dict[str, list[dict[str, str]]] = defaultdict(list)
    for m in municipalities:
        name_keys[_key(m["name"])].add(m["ags"])
        by_kreis[m["ags"][:5]].append(m)

    plz_pairs: set[tuple[str, str]] = {(m["plz"], m["ags"]) for m in municipalities if m["plz"]}
    aliases: set[tuple[str, str, str]] = set()
    big_city_keys = frozenset(_key(m["name"]) for m in municipalities if int(m["population"] or 0) >= 100_000)

    # OSM: PLZ -> AGS, and the name OSM uses where it differs from the GV100 one ("Bad Homburg vor der Höhe").
    with (src / "plz_ort_ags.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            ags, plz, ort = row["ags"], row["plz"].strip(), row["ort"].strip()
            if ags not in by_ags or not re.fullmatch(r"\d{5}", plz):
                continue  # e.g. municipalities merged after the GV100 reference date
            plz_pairs.add((plz, ags))
            if _key(ort) != _key(by_ags[ags]["name"]):
                aliases.add((ort, ags, "osm"))

    osm_plz: dict[str, set[str]] = defaultdict(set)
    for plz, ags in plz_pairs:
        osm_plz[plz].add(ags)

    # GeoNames: PLZ -> place (often "Gemeinde Ortsteil") with the Kreis code. Rows with a numeric state code are
    # Großkunden-PLZ of companies ("Daimler Insurance Services GmbH"), not places.
    with (src / "zipcodes.de.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if not row["state_code"].isalpha():
                continue
            plz, kreis = row["zipcode"].strip(), row["community_code"].strip()
            # "Oderaue Wustrow, Wustrow": the part after a comma repeats the Ortsteil.
            place = row["place"].split(",", 1)[0].strip()
            members = by_kreis.get(kreis)
            if not members or not place:
                continue
            ags = _geonames_ags(place, plz, row, members, osm_plz, name_keys, big_city_keys)
            if ags is None:
                continue
            if plz and (plz, ags) not in plz_pairs and plz not in osm_plz:
                plz_pairs.add((plz, ags))  # GeoNames knows PLZ the OSM extract lacks
            muni = by_ags[ags]["name"]
            alias = place
            if _key(place).startswith(_key(muni) + " "):
                alias = place[len(muni) :].strip(" -")  # "Hamburg Altona-Nord" -> "Altona-Nord"
            for candidate in {alias, alias.split("-")[0].strip()}:
                ckey = _key(candidate)
                if len(ckey) < 4 or ckey in _GENERIC_ALIAS or ckey in name_keys:
                    continue  # real municipality names win; generic words would match everywhere
                if ckey == _key(muni):
                    continue
                aliases.add((candidate, ags, "geonames"))

    for alias, ags in CURATED_ALIASES:
        if ags in by_ags:
            aliases.add((alias, ags, "curated"))

    return {
        "municipalities": [
            tuple(m[c] for c in ("ags", "name", "official_name", "lat", "lon", "population", "plz"))
            for m in sorted(municipalities, key=lambda m: m["ags"])
        ],
        "regions": sorted(regions, key=lambda r: (r[0], r[1])),
        "plz": sorted(plz_pairs),
        "place_aliases": sorted(aliases, key=lambda a: (_key(a[0]), a[1], a[2])),
    }


def _geonames_ags(
    place: str,
    plz: str,
    row: dict[str, str],
    members: list[dict[str, str]],
    osm_plz: dict[str, set[str]],
    name_keys: dict[str, set[str]],
    big_city_keys: frozenset[str] = frozenset(),
) -> str | None:
    """Which municipality of the Kreis a GeoNames place belongs to, or None when it cannot be told."""
    pkey = _key(place)
    member_ags = {m["ags"] for m in members}
    # Longest municipality name of the Kreis that prefixes the place name: "Obernkirchen Röhrkasten".
    best: str | None = None
    best_len = 0
    for m in members:
        mkey = _key(m["name"])
        if (pkey == mkey or pkey.startswith(mkey + " ")) and len(mkey) > best_len:
            best, best_len = m["ags"], len(mkey)
    if best:
        return best
    exact = name_keys.get(pkey, set()) & member_ags
    if exact:
        return min(exact)
    # "Hamburg Bergedorf" filed under a neighbouring Kreis because a PLZ crosses the border: the place is a
    # district of the big city it names first, which is not in this Kreis.
    first = pkey.split(" ", 1)[0]
    if " " in pkey and first in big_city_keys and not (name_keys[first] & member_ags):
        return None
    # A bare Ortsteil name: the PLZ narrows it to a few municipalities; take the seat nearest to the point.
    candidates = osm_plz.get(plz, set()) & member_ags
    if not candidates or len(candidates) > 4:
        return None
    try:
        lat, lon = float(row["latitude"]), float(row["longitude"])
    except ValueError:
        return None
    by_ags = {m["ags"]: m for m in members}
    return min(
        candidates,
        key=lambda a: _haversine(lat, lon, float(by_ags[a]["lat"]), float(by_ags[a]["lon"])),
    )


_HEADERS = {
    "municipalities": ("ags", "name", "official_name", "lat", "lon", "population", "plz"),
    "regions": ("kind", "code", "name", "official_name"),
    "plz": ("plz", "ags"),
    "place_aliases": ("alias", "ags", "source"),
}


def write(tables: dict[str, list[tuple[str, ...]]], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(_HEADERS[name])
        writer.writerows(rows)
        # mtime=0 keeps the gzip bytes identical across rebuilds.
        with (
            (out / f"{name}.csv.gz").open("wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz,
        ):
            gz.write(buf.getvalue().encode("utf-8"))
        print(f"{name}: {len(rows)} rows", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    write(build(args.src), args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
