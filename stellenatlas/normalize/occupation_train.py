"""Training of the shipped occupation model: examples from BA titles + KldB texts, confidence calibration.

Used by tools/build_occupations.py (shipped weights, all titles) and tools/eval_occupation.py (weights from the
TRAIN split only). Not imported at run time.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np

from stellenatlas.normalize.occupation_features import Vocabulary, clean_title, words
from stellenatlas.normalize.occupation_model import LinearModel, stack, train_linear
from stellenatlas.normalize.occupation_semantic import (
    EMBED_DIM,
    Encoder,
    SemanticHead,
    semantic_text,
    train_head,
)
from stellenatlas.normalize.occupation_static import PieceEncoder, build_piece_encoder

EPOCHS = 6
# Linear models trained with different seeds, averaged (geometric mean): validation fold 2026-12, top-1 5-digit
# with the semantic expert 69.7 % (one) -> 70.0 % (two) -> 70.1 % (three), the linear expert alone 64.9 -> 66.5 %;
# single over-confident guesses on posting titles ("Maurer Hochbau" 32104 at raw 0.87) lose their certainty.
MEMBERS = 3
# Exponent of the semantic expert in the product with the linear one (validation fold, 2026-12: 0.5 / 0.75 / 1.0
# / 1.25 -> 69.5 / 69.7 / 69.1 / 68.3 % top-1 with the piece encoder).
SEMANTIC_WEIGHT = 0.75
# BA rows with crc32(dkz_id) % 10 == 1 calibrate the confidence; fold 0 is the evaluation's DEV split.
CALIBRATION_FOLD = 1


def is_fold(dkz_id: str, fold: int) -> bool:
    return zlib.crc32(dkz_id.encode()) % 10 == fold


def _title_examples(
    titles: Iterable[object],
    kldb_rows: dict[str, tuple[str, str, str, str]],
    title_text: Callable[[str], str],
    kldb_text: Callable[[str], str],
) -> list[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for t in titles:
        for form in {t.neutral, t.male, t.female}:  # type: ignore[attr-defined]
            out.add((title_text(form), t.kldb))  # type: ignore[attr-defined]
    for code, (level, title, _short, _desc) in kldb_rows.items():
        if level == "5":
            out.add((kldb_text(title), code))
    return sorted((f, c) for f, c in out if f and len(c) == 5)


def examples(
    titles: Iterable[object], kldb_rows: dict[str, tuple[str, str, str, str]]
) -> list[tuple[str, str]]:
    """(folded title, code), deduplicated: all gender forms of the job titles, plus the title of every KldB
    5-digit code ("Berufe in der Lagerwirtschaft – Helfer-/Anlerntätigkeiten"), which names the domain and the
    level in words and is the only text for codes without any BA title."""
    return _title_examples(titles, kldb_rows, clean_title, clean_title)


# A word of the KldB explanations found under more than this share of the 5-digit codes ("aufgab", "durchfuhr",
# "kund") says nothing about the field.
_GENERIC_SHARE = 0.05
_TEXT_SPLIT = re.compile(r"\s{3,}|(?<=\w)\.\s+")


def explanation_segments(
    texts: Mapping[str, str], all_codes: Sequence[str]
) -> list[tuple[tuple[str, ...], str]]:
    """(field words, 5-digit code) per phrase of the KldB explanation text ("Allgemeine Bemerkungen" and
    "Einschlüsse") of the code and of its 4-digit group. The prose names the objects of the work ("Fohlen",
    "Hufe", "Stubben") that job titles use as compound modifiers but the title list rarely repeats."""
    segs: list[tuple[tuple[str, ...], str]] = []
    for code in all_codes:
        for src in (code, code[:4]):
            for phrase in _TEXT_SPLIT.split(texts.get(src, "")):
                ws = words(clean_title(phrase))
                if ws:
                    segs.append((ws, code))
    codes_of: dict[str, set[str]] = {}
    for ws, code in segs:
        for w in ws:
            codes_of.setdefault(w, set()).add(code)
    generic = {w for w, cs in codes_of.items() if len(cs) > _GENERIC_SHARE * len(all_codes)}
    out = [(tuple(w for w in ws if w not in generic), code) for ws, code in segs]
    return [(ws, code) for ws, code in out if ws]


def explanation_examples(
    segs: Sequence[tuple[tuple[str, ...], str]], vocab: Vocabulary
) -> list[tuple[dict[str, float], str]]:
    """Word-only feature dicts (no role noun, endings or letter n-grams: prose has no job noun) so the
    explanation words get embeddings near their field; split like title words."""
    out: list[tuple[dict[str, float], str]] = []
    for ws, code in segs:
        feats: dict[str, float] = {}
        for w in ws:
            feats["w:" + w] = 1.0
            parts = vocab.split(w)
            if len(parts) > 1:
                feats["h:" + parts[-1]] = max(feats.get("h:" + parts[-1], 0.0), 0.8)
                for p in parts[:-1]:
                    feats.setdefault("w:" + p, 0.5)
        out.append((feats, code))
    return out


def vocabulary(
    exs: Sequence[tuple[str, str]], segs: Sequence[tuple[tuple[str, ...], str]] = ()
) -> Vocabulary:
    """Known words for compound splitting: title words plus the field words of the explanations."""
    known: set[str] = set()
    for f, _ in exs:
        known.update(words(f))
    for ws, _ in segs:
        known.update(ws)
    return Vocabulary(known)


def isotonic(raw: np.ndarray, correct: np.ndarray, knots: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """Monotone map raw score -> accuracy (pool adjacent violators), thinned to a few knots for np.interp."""
    order = np.argsort(raw, kind="stable")
    x = raw[order].astype(np.float64)
    y = correct[order].astype(np.float64)
    blocks: list[list[float]] = []  # [sum_y, count, max_x]
    for xi, yi in zip(x, y, strict=True):
        blocks.append([yi, 1.0, xi])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            s, n, mx = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += n
            blocks[-1][2] = mx
    xs = np.array([b[2] for b in blocks])
    ys = np.array([b[0] / b[1] for b in blocks])
    if len(xs) > knots:
        pick = np.unique(np.linspace(0, len(xs) - 1, knots).round().astype(int))
        xs, ys = xs[pick], ys[pick]
    return np.r_[0.0, xs, 1.0], np.r_[0.0, ys, ys[-1]]


def _fit(
    exs: Sequence[tuple[str, str]], all_codes: Sequence[str], segs: Sequence[tuple[tuple[str, ...], str]]
) -> LinearModel:
    vocab = vocabulary(exs, segs)
    extra = explanation_examples(segs, vocab)
    members = [
        train_linear(exs, all_codes, vocab, epochs=EPOCHS, extra=extra, seed=seed) for seed in range(MEMBERS)
    ]
    return members[0] if MEMBERS == 1 else stack(members)


def semantic_examples(
    titles: Iterable[object], kldb_rows: dict[str, tuple[str, str, str, str]]
) -> list[tuple[str, str]]:
    """(encoder text, code), deduplicated, for the semantic head: the same titles as `examples`, unfolded."""
    return _title_examples(
        titles, kldb_rows, semantic_text, lambda title: semantic_text(title, posting=False)
    )


class EmbeddingCache:
    """Embeds each distinct text once per build (the probe and the final fit share most texts)."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder
        self._rows: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        todo = sorted({t for t in texts if t not in self._rows})
        for start in range(0, len(todo), 1024):
            chunk = todo[start : start + 1024]
            self._rows.update(zip(chunk, self.encoder.embed(chunk), strict=True))
        return np.stack([self._rows[t] for t in texts]) if texts else np.zeros((0, EMBED_DIM), np.float32)


def _fit_semantic(
    titles: Sequence[object],
    kldb_rows: dict[str, tuple[str, str, str, str]],
    codes: Sequence[str],
    embed: EmbeddingCache,
) -> SemanticHead:
    exs = semantic_examples(titles, kldb_rows)
    head = train_head(embed([t for t, _ in exs]), [c for _, c in exs], codes)
    head.weight = SEMANTIC_WEIGHT
    if isinstance(embed.encoder, PieceEncoder):
        head.encoder = embed.encoder  # stored with the head: it is what the head was trained on
    return head


def piece_encoder(
    titles: Iterable[object],
    kldb_rows: dict[str, tuple[str, str, str, str]],
    reference_texts: Iterable[str] = (),
) -> PieceEncoder:
    """The static encoder (occupation_static) over the pieces of the words of the training titles (encoder
    text) and of reference texts (ESCO labels, AuxCO titles and tasks, KldB explanations): which words exist,
    not which code they belong to. Needs the USE wheel (build time only)."""
    words = {w for text, _ in semantic_examples(titles, kldb_rows) for w in text.split()}
    words.update(w for text in reference_texts for w in text.split())
    return build_piece_encoder(words)


def train_model(
    titles: Sequence[object],
    kldb_rows: dict[str, tuple[str, str, str, str]],
    explanations: Mapping[str, str] | None = None,
    encoder: Encoder | None = None,
    calibration_fold: int = CALIBRATION_FOLD,
) -> LinearModel:
    """Fit on a calibration split first (to learn how often a raw score is right on titles the model has not
    seen), then on all `titles`; the final model carries the calibration map. `explanations`: KldB code ->
    full explanation text (read by the build tools from the KldB source; not shipped). `encoder`: sentence
    encoder for the semantic head (occupation_semantic); without it the model is the linear expert alone. A
    `PieceEncoder` (see `piece_encoder`) is stored with the model and used at run time."""
    all_codes = [c for c, row in kldb_rows.items() if row[0] == "5"]
    segs = explanation_segments(explanations or {}, all_codes)
    embed = EmbeddingCache(encoder) if encoder is not None else None
    held = [t for t in titles if t.source == "ba" and is_fold(t.dkz_id, calibration_fold)]  # type: ignore[attr-defined]
    rest = [t for t in titles if not (t.source == "ba" and is_fold(t.dkz_id, calibration_fold))]  # type: ignore[attr-defined]
    probe = _fit(examples(rest, kldb_rows), all_codes, segs)
    if embed is not None:
        probe.semantic = _fit_semantic(rest, kldb_rows, probe.codes, embed)
    forms = [(form, t.kldb) for t in held for form in sorted({t.neutral, t.male})]  # type: ignore[attr-defined]
    if embed is not None:
        embed([semantic_text(f) for f, _ in forms if semantic_text(f)])  # one batched pass fills the cache
    raw_lin: list[float] = []
    raw_comb: list[float] = []
    ok_lin: list[bool] = []
    ok_comb: list[bool] = []
    for form, code in forms:
        folded = clean_title(form)
        p = probe.probabilities(folded)
        if p is None:
            continue
        raw_lin.append(float(p.max()))
        ok_lin.append(probe.codes[int(p.argmax())] == code)
        text = semantic_text(form)
        if embed is not None and text:
            pc = probe.probabilities(folded, embed([text])[0])
            assert pc is not None
            raw_comb.append(float(pc.max()))
            ok_comb.append(probe.codes[int(pc.argmax())] == code)
    model = _fit(examples(titles, kldb_rows), all_codes, segs)
    model.calibration = isotonic(np.array(raw_lin), np.array(ok_lin))
    if embed is not None:
        model.semantic = _fit_semantic(titles, kldb_rows, model.codes, embed)
        model.semantic.calibration = isotonic(np.array(raw_comb), np.array(ok_comb))
    return model
