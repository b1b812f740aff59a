"""Tests for the sample-data source ("Beispieldaten")."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stellenatlas.domain.models import HOURS_PER_MONTH, RawPosting, Sector
from stellenatlas.sources.sample import generate, load_places
from stellenatlas.sources.sample.catalog import OCCUPATIONS
from stellenatlas.sources.sample.generate import DEFAULT_NOW, PLACES_CSV

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
KLDB_CSV = SHARED / "occupations" / "kldb2010_gliederung.csv"
BA_CSV = SHARED / "occupations" / "ba_gesamtberufsliste_2019_public.csv"
GV_CSV = SHARED / "places" / "gemeindeverzeichnis_destatis_gv100ad.csv"
needs_shared = pytest.mark.skipif(not KLDB_CSV.exists(), reason="../shared/data not available")

N = 20_000


@pytest.fixture(scope="module")
def postings() -> list[RawPosting]:
    return list(generate(N))


def _kldb_five_digit_codes() -> set[str]:
    with KLDB_CSV.open(encoding="utf-8-sig", newline="") as fh:
        return {r[0] for r in csv.reader(fh, delimiter=";") if len(r) > 1 and r[1] == "5"}


# --- determinism and basic shape ------------------------------------------------------------------------


def test_same_seed_same_output() -> None:
    assert list(generate(300, seed=7)) == list(generate(300, seed=7))


def test_different_seed_differs() -> None:
    a = [p.title + p.location for p in generate(100, seed=1)]
    b = [p.title + p.location for p in generate(100, seed=2)]
    assert a != b


def test_prefix_stable_and_source_ids_per_index_and_seed() -> None:
    short = list(generate(50, seed=3))
    long = list(generate(120, seed=3))
    assert long[:50] == short
    assert short[0].source_id != next(iter(generate(1, seed=4))).source_id


def test_now_shifts_dates_only_deterministically() -> None:
    now = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)
    a, b = list(generate(50, now=now)), list(generate(50, now=now))
    assert a == b
    assert all(now - timedelta(days=731) <= p.posted_at < now for p in a if p.posted_at)


@pytest.mark.parametrize("count", [0, 1, 17, 1000])
def test_count(count: int) -> None:
    assert sum(1 for _ in generate(count)) == count


def test_fields_filled(postings: list[RawPosting]) -> None:
    sectors = {s.value for s in Sector}
    assert len({p.source_id for p in postings}) == N
    for p in postings:
        assert p.source == "sample"
        assert p.title.strip() and p.employer.strip() and p.location.strip()
        assert p.url == ""
        assert p.employer_sector in sectors
        assert p.working_time_text
        assert re.fullmatch(r"\d{5}", p.extra["kldb"])


def test_payload_hash_is_stable(postings: list[RawPosting]) -> None:
    again = list(generate(5))
    assert [p.payload_hash() for p in postings[:5]] == [p.payload_hash() for p in again]


# --- occupations ------------------------------------------------------------------------------------


def test_catalog_size() -> None:
    assert len(OCCUPATIONS) >= 100
    assert len({o.kldb for o in OCCUPATIONS}) >= 100


@needs_shared
def test_catalog_codes_exist_in_kldb() -> None:
    codes = _kldb_five_digit_codes()
    missing = [(o.kldb, o.male) for o in OCCUPATIONS if o.kldb not in codes]
    assert not missing


def test_catalog_codes_exist_in_shipped_refdata() -> None:
    occupations = pytest.importorskip("stellenatlas.refdata.occupations")
    missing = [(o.kldb, o.male) for o in OCCUPATIONS if occupations.kldb(o.kldb) is None]
    assert not missing


@needs_shared
def test_catalog_titles_mostly_match_ba_job_titles() -> None:
    by_code: dict[str, set[str]] = {}
    with BA_CSV.open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            by_code.setdefault(r["kldb2010"], set()).add(r["bezeichnung_maennlich_lang"].lower())
    hits = sum(
        1 for o in OCCUPATIONS if {o.male.lower(), *(a.lower() for a in o.alts)} & by_code.get(o.kldb, set())
    )
    # The public BA list is an 80 % extract, so not every title can be found.
    assert hits / len(OCCUPATIONS) >= 0.6


@pytest.mark.parametrize(
    ("title", "kldb"),
    [
        ("IT-Projektkoordinator", "43323"),
        ("Pflegefachmann", "81302"),
        ("Medizinischer Fachangestellter", "81102"),
        ("Altenpfleger", "82102"),
        ("Erzieher", "83112"),
        ("Elektroniker für Energie- und Gebäudetechnik", "26212"),
        ("Anlagenmechaniker für Sanitär-, Heizungs- und Klimatechnik", "34212"),
        ("Kfz-Mechatroniker", "25212"),
        ("Berufskraftfahrer", "52122"),
        ("Fachkraft für Lagerlogistik", "51312"),
        ("Staplerfahrer", "52531"),
        ("Kaufmann für Büromanagement", "71402"),
        ("Buchhalter", "72213"),
        ("Verwaltungsfachangestellter", "73202"),
        ("Softwareentwickler", "43414"),
        ("IT-Systemadministrator", "43343"),
    ],
)
def test_required_occupations_present(title: str, kldb: str) -> None:
    assert any(o.male == title and o.kldb == kldb for o in OCCUPATIONS)


def test_many_distinct_codes_generated(postings: list[RawPosting]) -> None:
    assert len({p.extra["kldb"] for p in postings}) >= 100


def test_title_variants_for_it_projektkoordinator(postings: list[RawPosting]) -> None:
    titles = [p.title for p in postings if p.extra["kldb"] == "43323"]
    joined = "\n".join(titles)
    assert "IT-Projektkoordinator (m/w/d)" in titles
    assert "IT-Projektkoordinatorin" in joined
    assert "IT-Projektkoordinator:in" in joined
    assert "Koordinator IT-Projekte" in joined
    assert "Senior IT-Projektkoordinator" in joined
    assert "Junior " in joined


# --- places -----------------------------------------------------------------------------------------


def test_it_projektkoordinator_in_gelsenkirchen(postings: list[RawPosting]) -> None:
    hits = [p for p in postings if p.extra["kldb"] == "43323" and "Gelsenkirchen" in p.location]
    assert len(hits) >= 25


@needs_shared
def test_all_big_cities_present(postings: list[RawPosting]) -> None:
    big: dict[str, str] = {}
    with GV_CSV.open(encoding="utf-8-sig", newline="") as fh:
        for r in csv.DictReader(fh):
            pop = r["bevoelkerung"].replace(" ", "")
            if r["satzart"] == "60" and pop and int(pop) > 50_000:
                big[r["land"] + r["rb"] + r["kreis"] + r["gemeinde"]] = r["gemeindename"].split(",")[0]
    assert len(big) > 180
    seen = Counter(a for p in postings for a in p.extra["place_ags"])
    assert [name for ags, name in big.items() if not seen[ags]] == []


def test_ruhr_municipalities_all_shipped_and_boosted(postings: list[RawPosting]) -> None:
    places = load_places()
    ruhr = [p for p in places if p.ruhr]
    assert len(ruhr) == 53  # 11 kreisfreie Städte + 42 kreisangehörige Gemeinden of the RVR
    assert {"Gelsenkirchen", "Mülheim an der Ruhr", "Breckerfeld", "Schermbeck", "Selm"} <= {
        p.name for p in ruhr
    }
    ruhr_ags = {p.ags for p in ruhr}
    share = sum(1 for p in postings if set(p.extra["place_ags"]) & ruhr_ags) / N
    population_share = sum(p.population for p in ruhr) / sum(p.population for p in places)
    assert share > 1.5 * population_share


@needs_shared
def test_places_csv_is_up_to_date() -> None:
    from tools.build_sample_places import build

    with PLACES_CSV.open(encoding="utf-8", newline="") as fh:
        shipped = list(csv.DictReader(fh))
    assert shipped == build(SHARED)


@pytest.mark.parametrize(
    "pattern",
    [
        r"^Gelsenkirchen$",
        r"^45\d{3} Gelsenkirchen$",
        r"^Gelsenkirchen-(Buer|Horst|Schalke|Erle|Ückendorf|Hassel|Bismarck|Resse)$",
        r"^Mülheim an der Ruhr$",
        r"^\w[\w .()-]*, Nordrhein-Westfalen$",
        r"^[\w .()-]+ ?(/|,| und) ?[\w .()-]+$",
        r"^(Remote / deutschlandweit|Remote \(Deutschland\)|Homeoffice / bundesweit|deutschlandweit)$",
        r" oder Remote$",
    ],
)
def test_location_formats(postings: list[RawPosting], pattern: str) -> None:
    assert any(re.search(pattern, p.location) for p in postings)


def test_remote_only_postings_have_no_place(postings: list[RawPosting]) -> None:
    remote_only = [p for p in postings if not p.extra["place_ags"]]
    assert 0 < len(remote_only) < 0.03 * N
    assert all(p.extra["remote"] == "remote" for p in remote_only)


# --- employers --------------------------------------------------------------------------------------


def test_employers_repeat_and_vary(postings: list[RawPosting]) -> None:
    counts = Counter(p.employer for p in postings)
    assert len(counts) >= 2000
    assert counts.most_common(1)[0][1] >= 20
    assert counts["Stadt Gelsenkirchen"] >= 5
    assert any(name.endswith("Personaldienstleistungen GmbH") for name in counts)
    assert any(name.startswith("Stadtwerke ") for name in counts)


def test_employer_stable_per_city_and_sector() -> None:
    a = {
        (p.extra["place_ags"][0], p.employer_sector, p.employer)
        for p in generate(2000, seed=5)
        if p.extra["place_ags"]
    }
    # The same employer name keeps its sector across postings.
    by_name: dict[str, set[str]] = {}
    for _ags, sector, name in a:
        by_name.setdefault(name, set()).add(sector)
    assert sum(1 for s in by_name.values() if len(s) > 1) / len(by_name) < 0.02


# --- salary -----------------------------------------------------------------------------------------


def test_salary_share(postings: list[RawPosting]) -> None:
    share = sum(1 for p in postings if p.salary_text) / N
    assert 0.3 <= share <= 0.4


def test_public_sector_mostly_tariff(postings: list[RawPosting]) -> None:
    public = [p for p in postings if p.employer_sector == Sector.PUBLIC.value and p.salary_text]
    tariff = [p for p in public if re.search(r"TVöD|TV-L|TV-Ärzte", p.salary_text)]
    assert len(tariff) / len(public) >= 0.7
    assert any("TVöD E 9b" in p.salary_text or "9b TVöD" in p.salary_text for p in public)


@pytest.mark.parametrize(
    "pattern",
    [
        r"^\d\.\d{3} € - \d\.\d{3} € brutto monatlich$",
        r"^\d\.\d{3}–\d\.\d{3} EUR/Monat$",
        r"^ab \d{2}\.000 € p\.a\.$",
        r"^\d{2}-\d{2}k$",
        r"^\d{2}\.000 bis \d{2,3}\.000 Euro Jahresgehalt$",
        r"^\d{2},\d{2} €/Std\.$",
        r"^bis zu \d\.\d{3} EUR$",
        r"^attraktive Vergütung$",
        r"TV-L",
    ],
)
def test_salary_formats(postings: list[RawPosting], pattern: str) -> None:
    assert any(re.search(pattern, p.salary_text) for p in postings)


def test_salary_truth_consistent_with_band(postings: list[RawPosting]) -> None:
    bands = {o.neutral: o.band for o in OCCUPATIONS}
    factor = {"monat": 1.0, "jahr": 1 / 12, "stunde": HOURS_PER_MONTH}
    checked = 0
    for p in postings:
        truth = p.extra["salary"]
        if not truth:
            continue
        value = truth["min"] if truth["min"] is not None else truth["max"]
        monthly = value * factor[truth["period"]]
        band = bands[p.extra["occupation"]]
        assert 0.7 * band[0] <= monthly <= 1.35 * band[2], (p.salary_text, p.extra["occupation"])
        checked += 1
    assert checked > 0.2 * N


def test_salary_text_absent_means_no_truth(postings: list[RawPosting]) -> None:
    for p in postings:
        if not p.salary_text:
            assert p.extra["salary"] is None and p.extra["salary_tariff"] == ""


# --- descriptions and dates -------------------------------------------------------------------------


def test_description_length_and_sections(postings: list[RawPosting]) -> None:
    for p in postings[:3000]:
        words = len(p.description.split())
        assert 120 <= words <= 400, words
        assert re.search(r"Aufgaben|Das erwartet Sie", p.description)
        assert re.search(r"Profil|mitbringen|bringen Sie mit", p.description)
        assert re.search(r"Wir bieten|Unser Angebot|bieten wir", p.description)


@pytest.mark.parametrize(
    "phrase",
    [
        "erste Berufserfahrung",
        "mehrjährige Berufserfahrung (3–5 Jahre)",
        "mindestens 8 Jahre",
        "Quereinsteiger",
        "2 Tage Homeoffice pro Woche",
        "100 % remote möglich",
        "Vollzeit (39 Std./Woche)",
        "unbefristet",
        "zunächst befristet auf 2 Jahre",
        "Tel. 0209 ",
        "Start: ",
    ],
)
def test_description_phrases(postings: list[RawPosting], phrase: str) -> None:
    assert any(phrase.lower() in p.description.lower() for p in postings)


def test_dates(postings: list[RawPosting]) -> None:
    now = DEFAULT_NOW
    months: Counter[str] = Counter()
    for p in postings:
        assert p.posted_at is not None and p.valid_through is not None
        assert now - timedelta(days=731) <= p.posted_at < now
        assert 30 <= (p.valid_through - p.posted_at.date()).days <= 90
        months[f"{p.posted_at:%Y-%m}"] += 1
    expired = sum(1 for p in postings if p.valid_through and p.valid_through < now.date())
    assert 0 < expired < N
    # More recent months are denser than the oldest ones.
    recent = months["2026-09"] + months["2026-10"]
    oldest = months["2024-11"] + months["2024-12"]
    assert recent > 1.3 * oldest


def test_application_deadline_is_the_posting_end(postings: list[RawPosting]) -> None:
    # A reader must not see "Bewerbungsfrist: 15.03.2027" on a posting that expires in December.
    deadlines = 0
    for p in postings:
        m = re.search(r"Bewerbungsfrist: (\d{2})\.(\d{2})\.(\d{4})", p.description)
        if m:
            deadlines += 1
            assert p.valid_through is not None
            assert (int(m[3]), int(m[2]), int(m[1])) == (
                p.valid_through.year,
                p.valid_through.month,
                p.valid_through.day,
            )
        assert "\x00" not in p.description
    assert deadlines > 0
