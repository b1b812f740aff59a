"""Training of the shipped occupation model: examples from BA titles + KldB texts, confidence calibration.

Used by tools/build_occupations.py (shipped weights, all titles) and tools/eval_occupation.py (weights from the
TRAIN split only). Not imported at run time.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

import numpy as np

from stellenatlas.normalize.occupation_features import Vocabulary, clean_title, words
from stellenatlas.normalize.occupation_model import LinearModel, train_linear

EPOCHS = 6
# BA rows with crc32(dkz_id) % 10 == 1 calibrate the confidence; fold 0 is the evaluation's DEV split.
CALIBRATION_FOLD = 1


def is_fold(dkz_id: str, fold: int) -> bool:
    return zlib.crc32(dkz_id.encode()) % 10 == fold


def examples(
    titles: Iterable[object], kldb_rows: dict[str, tuple[str, str, str, str]]
) -> list[tuple[str, str]]:
    """(folded title, code), deduplicated: all gender forms of the job titles, plus the title of every KldB
    5-digit code ("Berufe in der Lagerwirtschaft – Helfer-/Anlerntätigkeiten"), which names the domain and the
    level in words and is the only text for codes without any BA title."""
    out: set[tuple[str, str]] = set()
    for t in titles:
        for form in {t.neutral, t.male, t.female}:  # type: ignore[attr-defined]
            out.add((clean_title(form), t.kldb))  # type: ignore[attr-defined]
    for code, (level, title, _short, _desc) in kldb_rows.items():
        if level == "5":
            out.add((clean_title(title), code))
    return sorted((f, c) for f, c in out if f and len(c) == 5)


def vocabulary(exs: Sequence[tuple[str, str]]) -> Vocabulary:
    known: set[str] = set()
    for f, _ in exs:
        known.update(words(f))
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


def train_model(titles: Sequence[object], kldb_rows: dict[str, tuple[str, str, str, str]]) -> LinearModel:
    """Fit on a calibration split first (to learn how often a raw score is right on titles the model has not
    seen), then on all `titles`; the final model carries the calibration map."""
    all_codes = [c for c, row in kldb_rows.items() if row[0] == "5"]
    held = [t for t in titles if t.source == "ba" and is_fold(t.dkz_id, CALIBRATION_FOLD)]  # type: ignore[attr-defined]
    rest = [t for t in titles if not (t.source == "ba" and is_fold(t.dkz_id, CALIBRATION_FOLD))]  # type: ignore[attr-defined]
    exs = examples(rest, kldb_rows)
    probe = train_linear(exs, all_codes, vocabulary(exs), epochs=EPOCHS)
    raw: list[float] = []
    correct: list[bool] = []
    for t in held:
        for form in {t.neutral, t.male}:  # type: ignore[attr-defined]
            p = probe.probabilities(clean_title(form))
            if p is None:
                continue
            top = int(p.argmax())
            raw.append(float(p[top]))
            correct.append(probe.codes[top] == t.kldb)  # type: ignore[attr-defined]
    calib = isotonic(np.array(raw), np.array(correct))
    exs = examples(titles, kldb_rows)
    model = train_linear(exs, all_codes, vocabulary(exs), epochs=EPOCHS)
    model.calibration = calib
    return model
