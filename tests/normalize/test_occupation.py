"""Job title -> KldB 2010 classifier. Expected codes hand-checked against kldb2010_gliederung.csv / BA list."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stellenatlas.normalize.occupation import (
    Classification,
    OccupationClassifier,
    classify_title,
    default_classifier,
    weighted_pairs,
)
from stellenatlas.normalize.occupation_features import clean_title
from stellenatlas.normalize.occupation_model import LinearModel, stack
from stellenatlas.normalize.occupation_semantic import semantic_text
from stellenatlas.normalize.occupation_train import explanation_segments, isotonic
from stellenatlas.refdata.occupations import JobTitle, kldb_table


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("IT-Projektkoordinator (m/w/d)", "43323"),
        ("Projektkoordinatorin IT", "43323"),
        ("Senior IT Project Coordinator", "43323"),
        ("Koordinator IT-Projekte – Stadtwerke", "43323"),
        # Intensive-care nursing is Fachkrankenpflege (81313) when the nurse is specialised; both are defensible.
        ("Pflegefachkraft (w/m/d) Intensivstation", ("81302", "81313")),
        ("Berufskraftfahrer CE Nahverkehr", "52122"),
        ("Callcenter Agent (m/w/d) Kundenservice", "92122"),
        ("Sachbearbeiter/-in Lohnbuchhaltung", "72213"),
        ("Elektroniker für Betriebstechnik", "26252"),
        ("Fullstack Developer (Java/Angular)", "43413"),
        ("Kauffrau für Büromanagement (m/w/d)", "71402"),
        ("Lagerhelfer (m/w/d) in Vollzeit", "51311"),
        ("Fachkraft für Lagerlogistik (m/w/d)", "51312"),
        ("Steuerfachangestellte (m/w/d)", "72302"),
        ("Verkäufer (m/w/d) Teilzeit", "62102"),
        ("Koch / Köchin", "29302"),
        ("Busfahrer (m/w/d) im Linienverkehr", "52132"),
        ("Medizinische Fachangestellte (MFA) Hausarztpraxis", "81102"),
        ("Altenpfleger/in Vollzeit", "82102"),
        ("Kfz-Mechatroniker (m/w/d)", "25212"),
        ("Buchhalter (m/w/d)", "72213"),
        ("Gabelstaplerfahrer (m/w/d)", "52531"),
        ("Sozialpädagoge / Sozialarbeiter (m/w/d)", "83124"),
        ("Zerspanungsmechaniker CNC-Drehen", "24232"),
        ("Physiotherapeut (m/w/d)", "81713"),
        ("Data Scientist (m/w/d)", "43104"),
        ("Lagerist (m/w/d)", "51312"),
        ("Zahnmedizinische Fachangestellte (ZFA) (m/w/d)", "81112"),
        ("Rechtsanwaltsfachangestellte (m/w/d)", "73112"),
        ("Hausmeister (m/w/d) Teilzeit", "34102"),
        ("Industriekauffrau / Industriekaufmann (m/w/d)", "71302"),
        ("Maschinen- und Anlagenführer (m/w/d)", "25122"),
        ("Industriemechaniker (m/w/d) Instandhaltung", "25102"),
        # Two BA rows "Erzieher/in": the public one (83112) wins over the short KldB example title (83113).
        ("Erzieher (m/w/d)", "83112"),
    ],
)
def test_real_titles(title: str, code: str | tuple[str, ...]) -> None:
    codes = (code,) if isinstance(code, str) else code
    assert all(c in kldb_table() for c in codes)  # the expectation itself must be a real 5-digit code
    result = classify_title(title)
    assert result.kldb in codes, result
    assert 0.5 <= result.confidence <= 1.0
    assert result.candidates[0][0] == result.kldb


# Known weaknesses (see docs/quality-occupation.md).
@pytest.mark.parametrize(
    ("title", "code"),
    [
        # Right top candidate, but the calibrated confidence stays below the threshold: left unclassified.
        ("Erzieher*in Kita", "83112"),
        ("Teamleiter Logistik (m/w/d)", "51393"),
        # Split between the two accepted codes (43414 / 43413), so below the threshold.
        ("Softwareentwickler Java (m/w/d)", "43414"),
        # "Hochbau" pulls towards the Hochbau codes 32104 / 32102; left unclassified rather than wrong.
        ("Maurer (m/w/d) Hochbau", "32122"),
    ],
)
@pytest.mark.xfail(strict=True, reason="known weakness, documented")
def test_known_weak_titles(title: str, code: str) -> None:
    assert classify_title(title).kldb == code


@pytest.mark.parametrize("title", ["Minijob", "asdf qwer", "Wir suchen dich!", "(m/w/d)", "", "   ", "12345"])
def test_junk_is_unclassified(title: str) -> None:
    result = classify_title(title)
    assert result.kldb == ""
    assert result.confidence < 0.5


def test_result_fields() -> None:
    result = classify_title("IT-Projektkoordinator (m/w/d)")
    assert isinstance(result, Classification)
    assert result.matched_title == "IT-Projektkoordinator"
    assert result.isco == "2519"
    assert result.esco_uri.startswith("http://data.europa.eu/esco/occupation/")
    assert len(result.candidates) <= 3


def test_classifier_from_given_titles() -> None:
    model = OccupationClassifier([("Projektkoordinator/in", "71314"), ("Softwareentwickler/in", "43414")])
    assert model.classify("Projektkoordinatorin (m/w/d)")[0] == "71314"
    assert model.classify("Senior Softwareentwickler Java")[0] == "43414"
    assert model.classify("Bäcker")[0] == ""


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_text(text: str) -> None:
    result = classify_title(text)
    assert 0.0 <= result.confidence <= 1.0
    assert result.kldb == "" or result.kldb in kldb_table()


@settings(max_examples=20, deadline=None)
@given(st.binary(max_size=2000))
def test_never_raises_on_binary(data: bytes) -> None:
    classify_title(data.decode("latin-1"))


def test_huge_input_is_fast() -> None:
    start = time.perf_counter()
    classify_title("Pflegefachkraft " * 65536)  # ~1 MB
    classify_title("\x00\xff" * 500_000)
    # a guard against pathological (e.g. backtracking) cost, not a benchmark: generous on a shared machine
    assert time.perf_counter() - start < 5.0


def test_model_file_round_trip(tmp_path: Path) -> None:
    model = default_classifier().model
    assert model is not None
    model.save(tmp_path / "m.npz")
    again = LinearModel.load(tmp_path / "m.npz")
    folded = clean_title("Fachkraft für Lagerlogistik (m/w/d)")
    a, b = model.probabilities(folded), again.probabilities(folded)
    assert a is not None and b is not None
    assert int(a.argmax()) == int(b.argmax())
    assert abs(float(a.max()) - float(b.max())) < 0.02  # int8 storage costs little precision
    assert again.semantic is not None and model.semantic is not None
    assert again.members == model.members == 3
    encoder = default_classifier().encoder
    assert encoder is not None
    emb = encoder.embed([semantic_text("Fachkraft für Lagerlogistik (m/w/d)")])[0]
    a, b = model.probabilities(folded, emb), again.probabilities(folded, emb)
    assert a is not None and b is not None
    assert int(a.argmax()) == int(b.argmax())
    assert abs(float(a.max()) - float(b.max())) < 0.02


def test_calibration_is_monotone() -> None:
    raw = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.9, 0.95, 0.99])
    correct = np.array([0, 1, 0, 0, 1, 1, 0, 1])
    xs, ys = isotonic(raw, correct)
    assert np.all(np.diff(ys) >= 0)
    assert ys.min() >= 0.0 and ys.max() <= 1.0


def test_explanation_segments_drop_generic_words() -> None:
    codes = [f"1{i:04d}" for i in range(40)]
    texts = {
        c: "Aufgaben übernehmen   Fohlen versorgen" if c == codes[0] else "Aufgaben übernehmen" for c in codes
    }
    segs = explanation_segments(texts, codes)
    # "Aufgaben"/"übernehmen" appear under every code: no field evidence; "Fohlen" only under the first code
    assert segs == [(("fohl", "versorg"), codes[0])]


def test_ensemble_is_the_geometric_mean_of_its_members() -> None:
    model = default_classifier().model
    assert model is not None
    twice = stack([model, model])  # the same members twice: the same distribution
    folded = clean_title("Maurer Hochbau")
    a, b = model.probabilities(folded), twice.probabilities(folded)
    assert a is not None and b is not None
    assert np.allclose(a, b, atol=1e-6)


def test_exact_lookup_counts_rows_not_forms() -> None:
    pairs = weighted_pairs(
        [
            JobTitle(
                "83112", "Erzieher/in", "Staatlich anerkannter Erzieher", "Staatlich anerkannte Erzieherin"
            ),
            JobTitle("83113", "Erzieher/in", "Erzieher", "Erzieherin", source="kldb"),
        ]
    )
    # one entry per row and exact key: the short example title no longer counts three times; long forms
    # and example titles count half
    assert pairs == [
        ("Erzieher/in", "83112", 1.0),
        ("Staatlich anerkannter Erzieher", "83112", 0.5),
        ("Erzieher/in", "83113", 0.5),
    ]
    clf = OccupationClassifier(pairs)
    code, conf, cands, _ = clf.classify("Erzieher (m/w/d)")
    assert code == "83112" and cands[1][0] == "83113"
    assert conf == pytest.approx(0.97 * 1 / 1.5, abs=0.01)
