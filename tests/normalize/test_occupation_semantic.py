"""The semantic expert of the title classifier: encoder text, the real USE encoder, the head, prefetching."""

from __future__ import annotations

import numpy as np
import pytest

from stellenatlas.normalize.occupation import default_classifier
from stellenatlas.normalize.occupation_semantic import (
    EMBED_DIM,
    SemanticHead,
    default_encoder,
    semantic_text,
    train_head,
)


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("IT-Projektkoordinator (m/w/d)", "IT-Projektkoordinator"),
        ("Aalräucherer/-räucherin", "Aalräucherer"),
        ("Abbeizer/in (Dekapierer/in)", "Abbeizer (Dekapierer)"),
        ("Erzieher*in Kita", "Erzieher Kita"),
        ("Koordinator:in IT-Projekte", "Koordinator IT-Projekte"),
        ("  Bäcker/in  ", "Bäcker"),
        ("", ""),
        # Posting tails: employer, place, working terms are not the job.
        ("Medizinischer Fachangestellter (m/w/d) – Evangelisches Klinikum", "Medizinischer Fachangestellter"),
        ("MFA (m/w/d) für unseren Standort Bottrop", "MFA"),
        ("Kaufmann im Einzelhandel in Minden", "Kaufmann im Einzelhandel"),
        (
            "Fachkraft für Wasserversorgungstechnik (m/w/d) in Langenfeld (Rheinland)",
            "Fachkraft für Wasserversorgungstechnik",
        ),
        ("Disponent Logistik (m/w/d) in Vollzeit", "Disponent Logistik"),
        ("Verkäufer (m/w/d) Teilzeit", "Verkäufer"),
        # ... but a field after "in"/"im" stays, and a title that is only a term is kept as it is.
        ("Fachkraft in der Pflege", "Fachkraft in der Pflege"),
        ("Anschläger im Bergbau", "Anschläger im Bergbau"),
        ("Arzt in Weiterbildung", "Arzt in Weiterbildung"),
        ("Teilzeit", "Teilzeit"),
    ],
)
def test_semantic_text_keeps_words_and_umlauts(title: str, text: str) -> None:
    assert semantic_text(title) == text


def test_kldb_group_titles_keep_their_field() -> None:
    assert (
        semantic_text("Aufsichtskräfte – Landwirtschaft", posting=False) == "Aufsichtskräfte – Landwirtschaft"
    )


def test_semantic_text_is_bounded_for_huge_input() -> None:
    assert len(semantic_text("Projektkoordinator " * 60_000)) <= 200


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_encoder_places_paraphrases_closer_than_other_jobs() -> None:
    enc = default_encoder()
    e = enc.embed(["IT-Projektkoordinator", "Koordinator IT-Projekte", "Bäcker", "Fleischer", "Metzger"])
    assert e.shape == (5, EMBED_DIM) and e.dtype == np.float32
    assert np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-3)
    assert _cos(e[0], e[1]) > _cos(e[0], e[2]) + 0.2
    assert _cos(e[3], e[4]) > _cos(e[3], e[0])  # Fleischer and Metzger are one trade
    assert enc.embed([]).shape == (0, EMBED_DIM)


def test_encoder_is_deterministic_and_batch_independent() -> None:
    enc = default_encoder()
    one = enc.embed(["Fachkraft für Lagerlogistik"])[0]
    batch = enc.embed(["Bäcker", "Fachkraft für Lagerlogistik", "Pflegefachkraft Intensivstation"])
    assert np.allclose(one, batch[1], atol=1e-5)


def test_head_learns_and_round_trips_through_its_arrays() -> None:
    # Real BA titles of three KldB codes; the head must separate them and a paraphrase must follow its field.
    data = [
        ("Bäcker", "29202"),
        ("Bäckereifachkraft", "29202"),
        ("Brot- und Feinbäcker", "29202"),
        ("Koch", "29302"),
        ("Beikoch", "29302"),
        ("Restaurantkoch", "29302"),
        ("Softwareentwickler", "43414"),
        ("Anwendungsprogrammierer", "43414"),
        ("Java-Entwickler", "43414"),
    ]
    enc = default_encoder()
    x = enc.embed([t for t, _ in data])
    codes = ["29202", "29302", "43414"]
    head = train_head(x, [c for _, c in data], codes, epochs=60, lr=0.5)
    for (_title, code), row in zip(data, x, strict=True):
        assert codes[int(head.log_probabilities(row).argmax())] == code
    probe = enc.embed(["Python-Programmierer", "Küchenchef"])
    assert codes[int(head.log_probabilities(probe[0]).argmax())] == "43414"
    assert codes[int(head.log_probabilities(probe[1]).argmax())] == "29302"
    again = SemanticHead.from_arrays(head.arrays())
    assert again is not None and again.codes == head.codes
    assert np.allclose(
        np.exp(again.log_probabilities(probe[0])), np.exp(head.log_probabilities(probe[0])), atol=0.02
    )
    assert SemanticHead.from_arrays({}) is None


def test_shipped_model_has_a_semantic_head_over_its_codes() -> None:
    model = default_classifier().model
    assert model is not None and model.semantic is not None
    assert model.semantic.codes == model.codes


def test_prefetch_classifies_only_titles_that_need_it_and_changes_no_result() -> None:
    clf = default_classifier()
    titles = [
        "Koordinatorin IT-Projekte Stadtwerke",  # not in the BA list: needs the model
        "Teamleiter Logistik (m/w/d)",
        "Fachkraft für Lagerlogistik (m/w/d)",  # BA titles: found by the exact lookup, no embedding needed
        "Fohlenwärter (m/w/d)",
        "Teamleiter Logistik (m/w/d)",
    ]
    clf.forget()
    direct = [clf.classify(t) for t in titles]  # one at a time
    clf.forget()
    assert clf.prefetch(titles) == 2 and len(clf._embeddings) == 2
    assert clf.prefetch(titles) == 0  # kept: a second batch with the same titles scores nothing
    assert clf.prefetch([None, 3, ""]) == 0
    assert [clf.classify(t) for t in titles] == direct  # the batch gives exactly the one-by-one results
    # Titles that differ only in employer or place share one encoder text, so one embedding.
    clf.forget()
    assert (
        clf.prefetch(["MFA (m/w/d) für unseren Standort Bottrop", "MFA (m/w/d) für unseren Standort Essen"])
        == 2
    )
    assert len(clf._embeddings) == 1
