"""Autocomplete routes: German, gender-inclusive, bounded, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stellenatlas.web.suggest_views import masculine_prefix, neutral_label, register_suggest_routes

BERUFE = "/api/vorschlaege/berufe.json"
ORTE = "/api/vorschlaege/orte.json"


@pytest.fixture(scope="module")
def sclient(client: TestClient) -> TestClient:
    paths = {getattr(r, "path", "") for r in client.app.routes}  # type: ignore[attr-defined]
    if BERUFE not in paths:  # until app.py wires the routes itself
        register_suggest_routes(client.app, client.app.state.ctx)  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize(
    ("typed", "base"),
    [
        ("Koordinatorin", "Koordinator"),
        ("Erzieher:in", "Erzieher"),
        ("Kauffrau", "Kaufmann"),
        ("Softwareentwicklerin (m/w/d)", "Softwareentwickler"),
        ("Lehrerinnen", "Lehrer"),
        ("Termin", "Termin"),  # not a feminine form
        ("Berlin", "Berlin"),
    ],
)
def test_masculine_prefix(typed: str, base: str) -> None:
    assert masculine_prefix(typed) == base


@pytest.mark.parametrize(
    ("title", "label"),
    [
        ("Pflegefachmann", "Pflegefachmann/-frau"),
        ("Kaufmann - Bank", "Kaufmann/-frau - Bank"),
        ("IT-Projektkoordinator", "IT-Projektkoordinator/in"),
        ("Pflegefachkraft", "Pflegefachkraft"),
    ],
)
def test_neutral_label(title: str, label: str) -> None:
    assert neutral_label(title) == label


def test_occupations_by_prefix(sclient: TestClient) -> None:
    r = sclient.get(BERUFE, params={"q": "Pflegefach"})
    assert r.status_code == 200
    items = r.json()["vorschlaege"]
    assert items and all(i["label"].lower().startswith("pflegefach") for i in items)
    assert {"label": "Pflegefachmann/-frau", "kldb": "81302"} in items
    assert all(len(i["kldb"]) == 5 and i["kldb"].isdigit() for i in items)


def test_feminine_input_finds_the_occupation(sclient: TestClient) -> None:
    fem = sclient.get(BERUFE, params={"q": "Projektkoordinatorin"}).json()["vorschlaege"]
    masc = sclient.get(BERUFE, params={"q": "Projektkoordinator"}).json()["vorschlaege"]
    assert fem and fem == masc


def test_places_umlaut_insensitive(sclient: TestClient) -> None:
    for q in ("Mü", "mue", "MÜ"):
        names = [i["label"] for i in sclient.get(ORTE, params={"q": q}).json()["vorschlaege"]]
        assert names[:2] == ["München", "Münster"] or "München" in names
    ge = sclient.get(ORTE, params={"q": "Gelsenk", "limit": 3}).json()["vorschlaege"]
    assert ge[0] == {
        "label": "Gelsenkirchen",
        "ags": "05513000",
        "kreis": "Gelsenkirchen",
        "land": "Nordrhein-Westfalen",
        "plz": ge[0]["plz"],
    }


@pytest.mark.parametrize("path", [BERUFE, ORTE])
@pytest.mark.parametrize("q", ["", "   ", "!!!", "(m/w/d)", "xqzxqz", "🙂"])
def test_odd_input_gives_an_empty_list(sclient: TestClient, path: str, q: str) -> None:
    r = sclient.get(path, params={"q": q})
    assert r.status_code == 200
    assert r.json()["vorschlaege"] == []


@pytest.mark.parametrize("path", [BERUFE, ORTE])
@pytest.mark.parametrize("params", [{"q": "a" * 101}, {"q": "Pf", "limit": 0}, {"q": "Pf", "limit": 21}])
def test_bounds_are_a_clear_400(sclient: TestClient, path: str, params: dict[str, object]) -> None:
    r = sclient.get(path, params=params)
    assert r.status_code == 400
    assert "Ungültige Anfrage" in r.json()["error"]


@pytest.mark.parametrize("path", [BERUFE, ORTE])
def test_limit_is_respected(sclient: TestClient, path: str) -> None:
    items = sclient.get(path, params={"q": "b", "limit": 4}).json()["vorschlaege"]
    assert len(items) == 4
