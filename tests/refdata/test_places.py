"""Tests for the shipped places reference data and its loaders (stellenatlas.refdata.places)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from stellenatlas.refdata import places as ref

REPO = Path(__file__).resolve().parents[2]
GV100 = REPO.parent / "shared" / "data" / "places" / "gemeindeverzeichnis_destatis_gv100ad.csv"


def test_every_inhabited_municipality_is_shipped() -> None:
    if not GV100.exists():
        pytest.skip("shared reference data not available")
    with GV100.open(encoding="utf-8-sig", newline="") as fh:
        expected = {
            r["land"] + r["rb"] + r["kreis"] + r["gemeinde"]
            for r in csv.DictReader(fh)
            if r["satzart"] == "60" and r["textkennzeichen"] != "66"
        }
    assert set(ref.municipalities()) == expected
    assert 10_700 < len(expected) < 11_000


@pytest.mark.parametrize(
    ("ags", "name", "official", "kreis", "land", "rb"),
    [
        ("01001000", "Flensburg", "Flensburg, Stadt", "Flensburg", "Schleswig-Holstein", ""),
        ("01002000", "Kiel", "Kiel, Landeshauptstadt", "Kiel", "Schleswig-Holstein", ""),
        (
            "06412000",
            "Frankfurt am Main",
            "Frankfurt am Main, Stadt",
            "Frankfurt am Main",
            "Hessen",
            "Darmstadt",
        ),
        ("12053000", "Frankfurt (Oder)", "Frankfurt (Oder), Stadt", "Frankfurt (Oder)", "Brandenburg", ""),
        (
            "05117000",
            "Mülheim an der Ruhr",
            "Mülheim an der Ruhr, Stadt",
            "Mülheim an der Ruhr",
            "Nordrhein-Westfalen",
            "Düsseldorf",
        ),
        ("05562020", "Herten", "Herten, Stadt", "Recklinghausen", "Nordrhein-Westfalen", "Münster"),
        ("09162000", "München", "München, Landeshauptstadt", "München", "Bayern", "Oberbayern"),
        ("03241001", "Hannover", "Hannover, Landeshauptstadt", "Region Hannover", "Niedersachsen", ""),
    ],
)
def test_known_municipalities(ags: str, name: str, official: str, kreis: str, land: str, rb: str) -> None:
    place = ref.get(ags)
    assert place is not None
    assert (place.name, place.kreis, place.land, place.rb) == (name, kreis, land, rb)
    assert ref.official_names().get(ags, place.name) == official
    assert place.kreis_ags == ags[:5]
    assert place.rb_ags == (ags[:3] if rb else "")


def test_gelsenkirchen_figures_parsed_from_spaced_numbers() -> None:
    place = ref.get("05513000")
    assert place is not None
    assert place.population == 259_645  # GV100 writes "259 645"
    assert place.plz == "45879"
    assert (round(place.lat, 2), round(place.lon, 2)) == (51.51, 7.10)  # written with decimal commas


def test_get_unknown_is_none() -> None:
    assert ref.get("99999999") is None


def test_by_plz_single_and_shared() -> None:
    assert [p.name for p in ref.by_plz("45879")] == ["Gelsenkirchen"]
    shared = ref.by_plz("22929")  # one PLZ for about twenty villages in Stormarn/Herzogtum Lauenburg
    assert len(shared) > 5
    assert [p.population for p in shared] == sorted((p.population for p in shared), reverse=True)
    assert ref.by_plz("00000") == []


def test_every_municipality_with_a_seat_plz_is_found_by_it() -> None:
    missing = [p.ags for p in ref.municipalities().values() if p.plz and p not in ref.by_plz(p.plz)]
    assert missing == []


def test_by_name_is_fold_insensitive() -> None:
    assert [p.ags for p in ref.by_name("muelheim an der ruhr")] == ["05117000"]
    assert [p.ags for p in ref.by_name("MÜLHEIM AN DER RUHR")] == ["05117000"]
    oberhausen = ref.by_name("Oberhausen")
    assert len(oberhausen) == 4 and oberhausen[0].ags == "05119000"


def test_haversine_known_distance() -> None:
    berlin, muenchen = ref.get("11000000"), ref.get("09162000")
    assert berlin and muenchen
    assert 500 < ref.haversine_km(berlin.lat, berlin.lon, muenchen.lat, muenchen.lon) < 510
    assert ref.haversine_km(51.0, 7.0, 51.0, 7.0) == 0.0


def test_nearby_sorted_and_filtered() -> None:
    ge = ref.get("05513000")
    assert ge
    near = ref.nearby(ge, 15, min_population=100_000)
    names = [p.name for p, _ in near]
    assert names[:2] == ["Essen", "Bochum"]
    assert "Gelsenkirchen" not in names
    assert [d for _, d in near] == sorted(d for _, d in near)
    assert all(d <= 15 and p.population >= 100_000 for p, d in near)


def test_slugs_unique_and_round_trip() -> None:
    slugs = {ags: ref.place_slug(p) for ags, p in ref.municipalities().items()}
    assert len(set(slugs.values())) == len(slugs)
    for ags, slug in slugs.items():
        place = ref.by_slug(slug)
        assert place is not None and place.ags == ags
    assert slugs["05117000"] == "muelheim-an-der-ruhr"
    assert slugs["07316000"] == "neustadt-an-der-weinstrasse"
    assert slugs["05515000"] == "muenster"  # the most populous "Münster" keeps the bare slug
    assert slugs["09779187"] == "muenster-donau-ries"
    assert ref.by_slug("no-such-place") is None


def test_region_ruhrgebiet() -> None:
    ruhr = [p for p in ref.municipalities().values() if ref.region_of(p.ags) == "Ruhrgebiet"]
    assert len(ruhr) == 53  # RVR: 11 kreisfreie Städte + 42 municipalities of the 4 Kreise
    assert ref.region_of("05562020") == "Ruhrgebiet"  # Herten, Kreis Recklinghausen
    assert ref.region_of("05111000") is None  # Düsseldorf
    assert ref.region_of("05314000") is None  # Bonn


def test_kreis_members_and_land_name() -> None:
    unna = ref.kreis_members("05978")
    assert len(unna) == 10 and unna[0].name == "Lünen"
    assert ref.kreis_members("00000") == []
    assert ref.land_name("05") == "Nordrhein-Westfalen"
    assert ref.land_name("99") is None


@pytest.mark.parametrize("prefix", ["mue", "mü", "Mü", "MUE"])
def test_suggest_umlaut_insensitive(prefix: str) -> None:
    names = [p.name for p in ref.suggest(prefix)]
    assert names[0] == "München"
    assert "Mülheim an der Ruhr" in names and "Münster" in names


def test_suggest_limit_and_empty() -> None:
    assert len(ref.suggest("b", limit=3)) == 3
    assert [p.name for p in ref.suggest("b", limit=2)] == ["Berlin", "Bremen"]
    assert ref.suggest("") == [] and ref.suggest("xqz") == []


def test_cities_over() -> None:
    big = ref.cities_over(1_000_000)
    assert [p.name for p in big] == ["Berlin", "Hamburg", "München", "Köln"]
    assert len(ref.cities_over(100_000)) == 81


def test_sources_cover_all_licences() -> None:
    text = ref.ATTRIBUTION
    assert "dl-de/by-2-0" in text and "ODbL" in text and "CC BY 4.0" in text


def test_loading_in_a_fresh_process() -> None:
    # the measured figure (65-175 ms) is in docs/quality-places.md; this guards against pathological loads
    code = (
        "import time; t=time.perf_counter();"
        "from stellenatlas.refdata import places as p;"
        "p.municipalities(); p.by_plz('45879'); p.aliases(); p.place_slug(p.get('05513000'));"
        "print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert float(out.stdout) < 5.0
