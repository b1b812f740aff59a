"""Gender forms, folding and slugs: the German text helpers every normalizer and the search share."""

from __future__ import annotations

import pytest

from stellenatlas.normalize.text import fold, slugify, strip_gender_forms


@pytest.mark.parametrize(
    ("title", "base"),
    [
        ("IT-Projektkoordinator (m/w/d)", "IT-Projektkoordinator"),
        ("Pflegefachkraft (w/m/d) Intensivstation", "Pflegefachkraft Intensivstation"),
        ("Softwareentwickler (gn)", "Softwareentwickler"),
        ("Data Scientist (all genders)", "Data Scientist"),
        ("Lagerhelfer m/w/d in Vollzeit", "Lagerhelfer in Vollzeit"),
        ("Koordinator:in IT", "Koordinator IT"),
        ("Erzieher*in Kita", "Erzieher Kita"),
        ("Sachbearbeiter/-in Lohnbuchhaltung", "Sachbearbeiter Lohnbuchhaltung"),
        ("Mitarbeiter_innen Kundenservice", "Mitarbeiter Kundenservice"),
        ("Koordinator (in)", "Koordinator"),
        ("Koordinator(in) IT", "Koordinator IT"),
        ("KoordinatorIn IT-Projekte", "Koordinator IT-Projekte"),
        # The bracket closes the synonym, not the suffix: it must survive.
        ("Abbeizer/in (Dekapierer/in)", "Abbeizer (Dekapierer)"),
        ("Lehrer/innen (Grundschule)", "Lehrer (Grundschule)"),
        # Words that merely end in "in" are not gender forms.
        ("Berlin Marketing", "Berlin Marketing"),
        ("Medizin-Technik", "Medizin-Technik"),
    ],
)
def test_strip_gender_forms(title: str, base: str) -> None:
    assert strip_gender_forms(title) == base


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Mülheim an der Ruhr", "muelheim an der ruhr"), ("Straße", "strasse"), ("Café Crème", "cafe creme")],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_slugify() -> None:
    assert slugify("Frankfurt (Oder)") == "frankfurt-oder"
    assert slugify("IT Projektkoordinator") == "it-projektkoordinator"
