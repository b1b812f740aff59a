"""Occupation reference data: KldB levels, BA titles, slugs, autocomplete, ESCO/ISCO links."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from stellenatlas.refdata import DATA_DIR
from stellenatlas.refdata import occupations as occ

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "occupations"


def test_all_five_digit_codes_present() -> None:
    assert len(occ.all_occupations()) == 1301
    assert all(len(c) == 5 and c.isdigit() for c in occ.all_occupations())


def test_shipped_files_are_compact() -> None:
    assert sum(p.stat().st_size for p in DATA_DIR.glob("*.gz")) < 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("4", "Naturwissenschaft, Geografie und Informatik"),
        ("43", "Informatik-, Informations- und Kommunikationstechnologieberufe"),
        ("433", "IT-Netzwerktechnik, IT-Koordination, IT-Administration und IT-Organisation"),
        ("4332", "Berufe in der IT-Koordination"),
        ("43323", "Berufe in der IT-Koordination – komplexe Spezialistentätigkeiten"),
        ("99999", ""),
    ],
)
def test_kldb_title_all_levels(code: str, title: str) -> None:
    assert occ.kldb_title(code) == title


def test_kldb_occupation_has_isco_and_level() -> None:
    it = occ.kldb("43323")
    assert it is not None
    assert it.short_title == "IT-Koordination - Spezialist"
    assert it.level == "3"
    assert len(it.isco) == 4
    assert occ.kldb("81302") is not None and occ.kldb("81302").isco == "3221"  # type: ignore[union-attr]
    assert occ.kldb("00000") is None


@pytest.mark.parametrize(
    ("slug", "display", "code"),
    [
        ("it-projektkoordinator", "IT-Projektkoordinator", "43323"),
        ("pflegefachkraft", "Pflegefachkraft", "81302"),
        ("erzieher", "Erzieher", "83112"),
        ("kfz-mechatroniker", "Kfz-Mechatroniker", "25212"),
        ("aalraeucherer", "Aalräucherer", "29242"),
        ("it-koordination-spezialist", "IT-Koordination - Spezialist", "43323"),  # KldB short title
    ],
)
def test_occupation_by_slug(slug: str, display: str, code: str) -> None:
    hit = occ.occupation_by_slug(slug)
    assert hit is not None
    assert hit[0] == display
    assert hit[1].kldb == code


def test_unknown_slug() -> None:
    assert occ.occupation_by_slug("gibt-es-nicht-xyz") is None


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("IT-Projektkoordinator/in", "it-projektkoordinator"),
        ("IT-Projektkoordinator (m/w/d)", "it-projektkoordinator"),
        ("Abfallbeauftragte/r", "abfallbeauftragte"),
        ("Kaufmann/-frau - Büromanagement", "kaufmann-bueromanagement"),
        ("Geologe/Geologin", "geologe"),
    ],
)
def test_slug_for(title: str, slug: str) -> None:
    assert occ.slug_for(title) == slug


def test_suggest_umlaut_insensitive_and_gender_neutral() -> None:
    for prefix in ("kuech", "Küch"):
        titles = [t for t, _ in occ.suggest(prefix, limit=10)]
        assert "Küchenhilfe" in titles
        assert all("/in" not in t for t in titles)
    assert occ.suggest("", 5) == []
    assert len(occ.suggest("a", 7)) == 7
    # word starts inside a title count too
    assert any("Projektkoordinator" in t for t, _ in occ.suggest("projektkoord", 10))


def test_related_same_group_first() -> None:
    rel = occ.related("81302", limit=6)
    assert rel and all(o.kldb != "81302" for o in rel)
    assert rel[0].kldb[:4] == "8130"
    assert all(o.kldb[:3] == "813" for o in rel)


def test_description_german() -> None:
    assert "IT-Projekte" in occ.description("43323")
    assert occ.description("nope") == ""


def test_job_titles_cover_the_ba_list() -> None:
    with open(SHARED / "ba_gesamtberufsliste_2019_public.csv", encoding="utf-8-sig") as fh:
        ba = {r["dkz_id"]: r["kldb2010"] for r in csv.DictReader(fh)}
    shipped = {t.dkz_id: t.kldb for t in occ.job_titles() if t.source == "ba"}
    assert shipped == ba
    codes = set(occ.all_occupations())
    assert all(t.kldb in codes for t in occ.job_titles())


def test_esco_links_point_to_existing_occupations() -> None:
    uris = {e.uri for e in occ.esco_occupations()}
    linked = [o for o in occ.all_occupations().values() if o.esco_uri]
    assert len(linked) > 500
    assert all(o.esco_uri in uris and o.esco_label for o in linked)
    assert all(len(e.isco) == 4 for e in occ.esco_occupations())
