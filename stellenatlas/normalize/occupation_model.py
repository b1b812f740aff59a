"""Hierarchical linear (fastText-style) job-title classifier over KldB 2010 five-digit codes.

A title is the weighted mean of learned feature embeddings (words, compound parts, specialisation words,
word endings, character n-grams). The vector of a code is the SUM of vectors of its parts: 2-, 3-, 4-digit group,
the code itself, and the code's last two digits ("93" = Aufsicht, "x1" = Helfer ...). Sharing the parts is what
lets "Meister/in - Lackiererhandwerk" combine domain evidence ("lackier" -> 332x) with level evidence
("meister" -> xxx93) although that exact pair was never seen, and gives codes without any training title a
sensible vector from their siblings.

Trained with Adagrad on softmax cross-entropy in plain numpy (minutes on one core for the full BA list); the
shipped weights are a small .npz built by tools/build_occupations.py.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from stellenatlas.normalize.occupation_features import (
    _PARENS,
    _SEGMENT,
    Vocabulary,
    role_word,
    words,
)
from stellenatlas.normalize.occupation_semantic import SemanticHead

DIM = 96


def model_features(folded: str, vocab: Vocabulary) -> dict[str, float]:
    """Sparse weighted features of one folded title for the linear model."""
    feats: dict[str, float] = {}

    def put(key: str, weight: float) -> None:
        if weight > feats.get(key, 0.0):
            feats[key] = weight

    main = _PARENS.sub(" ", folded)
    parts = _SEGMENT.split(main, maxsplit=1)
    segs = [(parts[0], "")]
    if len(parts) > 1:
        segs.append((parts[1], "s"))
    segs.extend((m.group(0)[1:-1], "s") for m in _PARENS.finditer(folded))
    for text, mark in segs:
        tokens = words(text)
        if not tokens:
            continue
        if not mark:
            role = role_word(tokens)
            split = vocab.split(role)
            put("r:" + split[-1], 1.0)
            # Endings carry the role of unseen compounds: "...meister", "...helfer", "...ingenieur".
            for n in (3, 5, 7):
                if len(role) > n + 2:
                    put(f"e{n}:" + role[-n:], 0.7)
        for t in tokens:
            put(mark + "w:" + t, 1.0)
            split = vocab.split(t)
            if len(split) > 1:
                put(mark + "h:" + split[-1], 0.8)
                for p in split[:-1]:
                    put(mark + "m:" + p, 0.8)
                    put("w:" + p, 0.5)
            if mark:
                put("w:" + t, 0.5)
            padded = f"<{t}>"
            for i in range(len(padded) - 3):
                put("g:" + padded[i : i + 4], 0.3)
    return feats


class LinearModel:
    """Feature embeddings + per-code vectors; `probabilities` gives a softmax over `codes`."""

    def __init__(
        self,
        names: Sequence[str],
        emb: np.ndarray,
        code_vec: np.ndarray,
        bias: np.ndarray,
        codes: Sequence[str],
        vocab_words: Sequence[str],
        calibration: tuple[np.ndarray, np.ndarray] | None = None,
        semantic: SemanticHead | None = None,
    ) -> None:
        self.index = {n: i for i, n in enumerate(names)}
        # An ensemble of `members` models trained with different seeds on the same features: embeddings and
        # code vectors side by side (n x members*dim), one bias row per member.
        self.bias = np.atleast_2d(bias).astype(np.float32)
        self.members = self.bias.shape[0]
        self.emb = emb.astype(np.float32)
        self.dim = self.emb.shape[1] // self.members
        self.code_vec = np.ascontiguousarray(code_vec.astype(np.float32))
        self._bias_sum = self.bias.sum(axis=0)
        self.codes = tuple(codes)
        self.vocab = Vocabulary(vocab_words)
        self._vocab_words = tuple(vocab_words)
        # Raw top probability -> measured accuracy on held-out titles (knots for np.interp); identity if absent.
        if calibration is None:
            calibration = (np.array([0.0, 1.0]), np.array([0.0, 1.0]))
        self.calibration = (calibration[0].astype(np.float64), calibration[1].astype(np.float64))
        # Second expert over sentence embeddings; its codes are in the same order as `codes`.
        self.semantic = semantic
        # Features of a title are read twice per classification (evidence check, then scoring).
        self.features = lru_cache(maxsize=4096)(self._features)

    def _features(self, folded: str) -> dict[str, float]:
        return model_features(folded, self.vocab)

    def calibrated(self, raw: float, combined: bool = False) -> float:
        """Measured accuracy for a raw top probability: of the linear expert alone, or (`combined`) of the
        product with the semantic expert, which is sharper and so needs its own map."""
        xs, ys = self.semantic.calibration if combined and self.semantic is not None else self.calibration
        return float(np.interp(raw, xs, ys))

    def hidden(self, feats: dict[str, float]) -> np.ndarray | None:
        ids = [(self.index[f], w) for f, w in feats.items() if f in self.index]
        if not ids:
            return None
        idx = np.fromiter((i for i, _ in ids), dtype=np.int64, count=len(ids))
        wts = np.fromiter((w for _, w in ids), dtype=np.float32, count=len(ids))
        return np.asarray((wts / wts.sum()) @ self.emb[idx], dtype=np.float32)

    def has_word_evidence(self, folded: str) -> bool:
        """True when some word, compound part or role noun of the title is known to the model. Letter groups
        and endings alone ("Qwertzuiop" shares 4-grams with real titles) are spelling, not evidence."""
        return any(
            f in self.index and not f.startswith(("g:", "e3:", "e5:", "e7:")) for f in self.features(folded)
        )

    def probabilities(self, folded: str, embedding: np.ndarray | None = None) -> np.ndarray | None:
        """Softmax over `codes`; with the title's sentence `embedding` and a semantic head, the normalised
        product of both experts (sum of log-probabilities, the semantic one weighted by `semantic.weight`)."""
        h = self.hidden(self.features(folded))
        if h is None:
            return None
        return self.probabilities_batch(h[None, :], None if embedding is None else embedding[None, :])[0]

    def probabilities_batch(self, hidden: np.ndarray, embeddings: np.ndarray | None = None) -> np.ndarray:
        """`probabilities` of several titles, one row each (`hidden` rows from `hidden`): one matrix product
        streams the code vectors once for the whole batch instead of once per title, which is what a single
        title's cost is (the weights are megabytes, the arithmetic is small)."""
        # Geometric mean of the members' softmaxes: the mean of their log-probabilities, which is the mean of
        # their logits up to a constant (each member's log-normaliser), so one product over the side-by-side
        # vectors gives it.
        logits = (hidden @ self.code_vec.T + self._bias_sum) / self.members
        logits -= logits.max(axis=1, keepdims=True)
        if embeddings is not None and self.semantic is not None:
            logits -= np.log(np.exp(logits).sum(axis=1, keepdims=True))
            logits += self.semantic.weight * self.semantic.log_probabilities_batch(embeddings)
            logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return np.asarray(p / p.sum(axis=1, keepdims=True))

    def save(self, path: Path) -> None:
        names = sorted(self.index, key=self.index.__getitem__)
        emb3 = self.emb.reshape(len(names), self.members, self.dim)
        scale = np.maximum(np.abs(emb3).max(axis=2), 1e-8)  # one per row and member
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            names=np.array("\n".join(names)),
            # int8 with one scale per row: a quarter of float32, accuracy unchanged at this precision.
            emb=np.round(emb3 / scale[:, :, None] * 127).astype(np.int8).reshape(self.emb.shape),
            emb_scale=scale.astype(np.float32),
            code_vec=self.code_vec.astype(np.float16),
            bias=self.bias,
            codes=np.array(" ".join(self.codes)),
            vocab=np.array("\n".join(self._vocab_words)),
            calib_x=self.calibration[0],
            calib_y=self.calibration[1],
            **(self.semantic.arrays() if self.semantic is not None else {}),
        )
        path.write_bytes(buf.getvalue())

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path) as z:
            scale = z["emb_scale"].reshape(len(z["emb"]), -1) / 127  # (rows, members)
            emb = z["emb"].astype(np.float32).reshape(len(scale), scale.shape[1], -1) * scale[:, :, None]
            return cls(
                names=str(z["names"]).split("\n"),
                emb=emb.reshape(len(scale), -1),
                code_vec=z["code_vec"],
                bias=z["bias"],
                codes=str(z["codes"]).split(" "),
                vocab_words=str(z["vocab"]).split("\n"),
                calibration=(z["calib_x"], z["calib_y"]),
                semantic=SemanticHead.from_arrays(z),
            )


def stack(models: Sequence[LinearModel]) -> LinearModel:
    """One ensemble model from members trained on the same examples with different seeds (same features)."""
    first = models[0]
    names = sorted(first.index, key=first.index.__getitem__)
    assert all(m.index == first.index and m.codes == first.codes for m in models)
    return LinearModel(
        names,
        np.concatenate([m.emb for m in models], axis=1),
        np.concatenate([m.code_vec for m in models], axis=1),
        np.concatenate([m.bias for m in models], axis=0),
        first.codes,
        first._vocab_words,
    )


def _parts(code: str) -> tuple[str, ...]:
    return ("2:" + code[:2], "3:" + code[:3], "4:" + code[:4], "5:" + code, "s:" + code[3:], "l:" + code[4])


def _group(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort order, segment starts and segment keys, for summing rows by key with np.add.reduceat."""
    order = np.argsort(keys, kind="stable")
    skeys = keys[order]
    starts = np.flatnonzero(np.r_[True, skeys[1:] != skeys[:-1]])
    return order, starts, skeys[starts]


def train_linear(
    examples: Sequence[tuple[str, str]],
    all_codes: Sequence[str],
    vocab: Vocabulary,
    *,
    dim: int = DIM,
    epochs: int = 12,
    lr: float = 0.15,
    min_count: int = 3,
    batch: int = 64,
    seed: int = 0,
    extra: Sequence[tuple[dict[str, float], str]] = (),
) -> LinearModel:
    """Train on (folded title, code) examples. `all_codes` are the candidate codes (all KldB 5-digit codes).
    `extra` are examples given as ready feature dicts (word features of KldB explanation text)."""
    rng = np.random.default_rng(seed)
    examples = [*examples, *(("", c) for _, c in extra)]
    codes = sorted(set(all_codes) | {c for _, c in examples})
    code_id = {c: i for i, c in enumerate(codes)}
    ex_feats = [model_features(f, vocab) for f, _ in examples[: len(examples) - len(extra)]]
    ex_feats.extend(f for f, _ in extra)
    counts: Counter[str] = Counter()
    for feats in ex_feats:
        counts.update(feats.keys())
    names = sorted(f for f, n in counts.items() if n >= min_count)
    fid = {f: i for i, f in enumerate(names)}
    rows_idx: list[np.ndarray] = []
    rows_w: list[np.ndarray] = []
    labels: list[int] = []
    for feats, (_, code) in zip(ex_feats, examples, strict=True):
        kept = [(fid[f], w) for f, w in feats.items() if f in fid]
        if not kept:
            continue
        w = np.array([x for _, x in kept], dtype=np.float32)
        rows_idx.append(np.array([i for i, _ in kept], dtype=np.int64))
        rows_w.append(w / w.sum())
        labels.append(code_id[code])
    y_all = np.array(labels, dtype=np.int64)

    part_names = sorted({p for c in codes for p in _parts(c)})
    part_id = {p: i for i, p in enumerate(part_names)}
    # code -> its part ids (C x 6); a code vector is the sum of its part vectors.
    pidx = np.array([[part_id[p] for p in _parts(c)] for c in codes], dtype=np.int64)
    groups = [_group(pidx[:, k]) for k in range(pidx.shape[1])]
    emb = (rng.standard_normal((len(names), dim)) * 0.1).astype(np.float32)
    parts_u = np.zeros((len(part_names), dim), dtype=np.float32)
    bias = np.zeros(len(codes), dtype=np.float32)
    g_emb = np.full(len(names), 1e-6, dtype=np.float32)  # Adagrad, one accumulator per embedding row
    g_u = np.full(parts_u.shape, 1e-6, dtype=np.float32)
    g_b = np.full(len(codes), 1e-6, dtype=np.float32)
    n = len(labels)
    for _epoch in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            sel = order[start : start + batch]
            lens = np.array([len(rows_idx[i]) for i in sel])
            idx = np.concatenate([rows_idx[i] for i in sel])
            w = np.concatenate([rows_w[i] for i in sel])
            row = np.repeat(np.arange(len(sel)), lens)
            contrib = emb[idx] * w[:, None]
            offsets = np.concatenate(([0], np.cumsum(lens)[:-1]))
            h = np.add.reduceat(contrib, offsets, axis=0)
            code_vec = parts_u[pidx].sum(axis=1)
            logits = h @ code_vec.T + bias
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(sel)), y_all[sel]] -= 1.0
            p /= len(sel)
            d_code = p.T @ h
            d_u = np.zeros_like(parts_u)
            for order_k, starts_k, uniq_k in groups:
                d_u[uniq_k] += np.add.reduceat(d_code[order_k], starts_k, axis=0)
            d_b = p.sum(axis=0)
            d_h = p @ code_vec
            d_rows = d_h[row] * w[:, None]
            srt = np.argsort(idx, kind="stable")
            sidx = idx[srt]
            first = np.flatnonzero(np.r_[True, sidx[1:] != sidx[:-1]])
            uniq = sidx[first]
            d_emb = np.add.reduceat(d_rows[srt], first, axis=0)
            g_u += d_u * d_u
            parts_u -= lr * d_u / np.sqrt(g_u)
            g_b += d_b * d_b
            bias -= lr * d_b / np.sqrt(g_b)
            g_emb[uniq] += (d_emb * d_emb).mean(axis=1)
            emb[uniq] -= lr * d_emb / np.sqrt(g_emb[uniq])[:, None]
    return LinearModel(names, emb, parts_u[pidx].sum(axis=1), bias, codes, sorted(vocab.known))
