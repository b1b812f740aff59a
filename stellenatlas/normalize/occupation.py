"""Job title -> KldB 2010 five-digit occupation.

Two stages: (1) exact lookup of an order-insensitive key of stemmed title words in the BA Gesamtberufsliste,
(2) for unseen titles the hierarchical linear model of `occupation_model` (shipped weights), whose top
probability is mapped to a measured accuracy (calibrated on held-out BA titles); below `THRESHOLD` the title
stays unclassified (kldb "") rather than guessed. Without a linear model (a classifier built from an ad-hoc
title list) stage 2 is nearest neighbours over TF-IDF features of the given titles.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np

from stellenatlas.normalize.occupation_features import (
    Vocabulary,
    clean_title,
    exact_key,
    features,
    words,
)
from stellenatlas.normalize.occupation_model import LinearModel
from stellenatlas.normalize.occupation_semantic import Encoder, default_encoder, semantic_text

Result = tuple[str, float, tuple[tuple[str, float], ...], str]  # kldb or "", confidence, top-3, matched title
THRESHOLD = 0.5  # confidence is an estimated probability of being right; below this -> unclassified
MODEL_FILE = "occupation_model.npz"
_MAX_INPUT = 300  # job titles are short; longer input is cut so pathological text stays cheap
# Embeddings by encoder text (2 KB each). Posting titles that differ only in employer, place or terms
# ("MFA (m/w/d) für unseren Standort Bottrop" / "... Essen") share one encoder text and so one embedding.
_EMBED_CACHE = 16384
_RESULT_CACHE = 20000
_MAX_DF_SHARE = 0.08  # features in more than this share of titles add cost but hardly any signal


@dataclass(frozen=True, slots=True)
class Classification:
    kldb: str  # "" when unclassified
    confidence: float  # 0..1
    candidates: tuple[tuple[str, float], ...] = ()  # top-3 (code, score)
    isco: str = ""
    esco_uri: str = ""
    esco_label: str = ""
    matched_title: str = ""  # the BA title (display form) the decision rests on


UNCLASSIFIED = Classification(kldb="", confidence=0.0)


class OccupationClassifier:
    """Built from (title, kldb) pairs; constructible from any title list so the evaluation can hold out titles."""

    def __init__(
        self,
        titles: Iterable[tuple[str, str] | tuple[str, str, float]],
        model: LinearModel | None = None,
        encoder: Encoder | None = None,
    ) -> None:
        # (title, code) or (title, code, weight): `weighted_pairs` counts each BA row once per exact key.
        given = [(t[0], t[1], float(t[2]) if len(t) > 2 else 1.0) for t in titles]
        pairs = [(t, c, w) for t, c, w in given if t and len(c) == 5]
        folded = [(clean_title(t), t, c, w) for t, c, w in pairs]
        self.model = model
        self.encoder: Encoder | None = None
        if model is not None and model.semantic is not None:
            # The encoder the semantic head was trained on: the stored piece table (microseconds per title)
            # or, for models without one, the full USE encoder.
            self.encoder = encoder or model.semantic.encoder or default_encoder()
        # LRUs: results by (title, semantic), filled one by one or a batch at a time by `prefetch`, and
        # embeddings by encoder text
        self._results: OrderedDict[tuple[str, bool], Result] = OrderedDict()
        self._embeddings: OrderedDict[str, np.ndarray] = OrderedDict()
        self._embed_lock = threading.Lock()  # web workers classify from several threads

        exact: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        exact_title: dict[tuple[str, str], str] = {}
        docs: dict[tuple[str, str], str] = {}  # (exact key, code) -> display title; dedupes forms
        for f, title, code, weight in folded:
            key = exact_key(f)
            if not key:
                continue
            exact[key][code] += weight
            exact_title.setdefault((key, code), title)
            docs.setdefault((key, code), f)
        # Codes by weight, first seen first on ties (as Counter.most_common did).
        self._exact = {k: tuple(sorted(v.items(), key=lambda e: -e[1])) for k, v in exact.items()}
        self._exact_title = exact_title
        if model is not None:
            # The matched title shown for a model decision: the title of that code sharing most words with the input.
            # Per code: its titles, and for each word the positions of the titles containing it.
            by_code: dict[str, list[str]] = defaultdict(list)
            by_code_word: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
            for (key, code), title in exact_title.items():
                for word in set(key.split()):
                    by_code_word[code][word].append(len(by_code[code]))
                by_code[code].append(title)
            self._by_code = dict(by_code)
            self._by_code_word = {c: dict(ws) for c, ws in by_code_word.items()}
            return
        known: Counter[str] = Counter()
        for f, _t, _c, _w in folded:
            known.update(words(f))
        self.vocab = Vocabulary(known)

        doc_feats: list[dict[str, float]] = []
        self._doc_code: list[str] = []
        self._doc_title: list[str] = []
        df: Counter[str] = Counter()
        for (key, code), f in docs.items():
            feats = features(f, self.vocab)
            if not feats:
                continue
            doc_feats.append(feats)
            self._doc_code.append(code)
            self._doc_title.append(exact_title[(key, code)])
            df.update(feats.keys())
        n = len(doc_feats)
        max_df = max(50, int(n * _MAX_DF_SHARE))
        self._idf = {f: math.log((n + 1) / (d + 1)) + 1.0 for f, d in df.items() if d <= max_df}
        feat_id = {f: i for i, f in enumerate(sorted(self._idf))}
        # COO triplets sorted by feature give CSR posting lists without per-feature Python lists.
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for doc, feats in enumerate(doc_feats):
            for f, w in self._weigh(feats).items():
                rows.append(feat_id[f])
                cols.append(doc)
                vals.append(w)
        row_arr = np.array(rows, dtype=np.int32)
        order = np.argsort(row_arr, kind="stable")
        self._post_doc = np.array(cols, dtype=np.int32)[order]
        self._post_w = np.array(vals, dtype=np.float32)[order]
        offsets = np.zeros(len(feat_id) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum(np.bincount(row_arr, minlength=len(feat_id)))
        self._offsets = offsets.tolist()
        self._feat_id = feat_id
        self._n_docs = n

    def _weigh(self, feats: dict[str, float]) -> dict[str, float]:
        vec = {f: w * self._idf[f] for f, w in feats.items() if f in self._idf}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {f: v / norm for f, v in vec.items()}

    def classify(
        self, title: str, *, semantic: bool = True
    ) -> tuple[str, float, tuple[tuple[str, float], ...], str]:
        """(kldb or "", confidence, top-3 candidates, matched title). `semantic=False` skips the sentence
        encoder (milliseconds per new title) and uses the linear expert with its own calibration: for search
        queries, which must answer in a few milliseconds."""
        key = (title[:_MAX_INPUT], semantic)
        with self._embed_lock:
            found = self._results.get(key)
            if found is not None:
                self._results.move_to_end(key)
                return found
        result = self._classify_uncached(*key)
        self._keep(key, result)
        return result

    def _keep(self, key: tuple[str, bool], result: Result) -> None:
        with self._embed_lock:
            self._results[key] = result
            if len(self._results) > _RESULT_CACHE:
                self._results.popitem(last=False)

    def forget(self) -> None:
        """Drop the per-title caches (results and embeddings): benchmarks measure titles seen the first time."""
        with self._embed_lock:
            self._results.clear()
            self._embeddings.clear()

    def prefetch(self, titles: Iterable[object]) -> int:
        """Classify the titles that need the model in one batch: their embeddings in one encoder call and
        both experts' scores in one matrix product each (a single title streams megabytes of weights for a
        few hundred thousand multiply-adds). Returns how many were classified. Optional: `classify` does
        the same one title at a time."""
        model = self.model
        if model is None:
            return 0
        todo: dict[str, str] = {}  # title -> folded
        for title in titles:
            if not isinstance(title, str) or not title.strip():
                continue
            cut = title[:_MAX_INPUT]
            if cut in todo or (cut, True) in self._results:
                continue
            folded = clean_title(cut)
            if not self._exact.get(exact_key(folded)):
                todo[cut] = folded
        batch = list(todo.items())[: _RESULT_CACHE // 2]
        rows = [(t, f, h) for t, f in batch if (h := model.hidden(model.features(f))) is not None]
        if not rows:
            return 0
        evidence = [model.has_word_evidence(f) for _, f, _ in rows]
        found: list[np.ndarray | None] = [None] * len(rows)
        if self.encoder is not None:
            texts = [semantic_text(t) if ev else "" for (t, _, _), ev in zip(rows, evidence, strict=True)]
            found = [self._cached_embedding(x) if x else None for x in texts]
            missing = list(dict.fromkeys(x for x, e in zip(texts, found, strict=True) if x and e is None))
            if missing:
                fresh = dict(zip(missing, self.encoder.embed(missing), strict=True))
                for text, emb in fresh.items():
                    self._remember(text, emb)
                found = [e if e is not None else fresh.get(x) for x, e in zip(texts, found, strict=True)]
        # rows without an embedding (no known word, no text left, no encoder) are scored by the linear expert
        with_emb = [i for i, e in enumerate(found) if e is not None]
        if with_emb:
            embeddings = np.stack([found[i] for i in with_emb])  # type: ignore[misc]
            p = model.probabilities_batch(np.stack([rows[i][2] for i in with_emb]), embeddings)
            for k, i in enumerate(with_emb):
                self._keep((rows[i][0], True), self._decide(rows[i][1], p[k], evidence[i], True))
        rest = [i for i, e in enumerate(found) if e is None]
        if rest:
            p = model.probabilities_batch(np.stack([rows[i][2] for i in rest]))
            for k, i in enumerate(rest):
                self._keep((rows[i][0], True), self._decide(rows[i][1], p[k], evidence[i], False))
        return len(rows)

    def _remember(self, text: str, emb: np.ndarray) -> None:
        with self._embed_lock:
            self._embeddings[text] = emb
            if len(self._embeddings) > _EMBED_CACHE:
                self._embeddings.popitem(last=False)

    def _cached_embedding(self, text: str) -> np.ndarray | None:
        with self._embed_lock:
            emb = self._embeddings.get(text)
            if emb is not None:
                self._embeddings.move_to_end(text)
            return emb

    def _embedding(self, title: str) -> np.ndarray | None:
        assert self.encoder is not None
        text = semantic_text(title)
        if not text:
            return None
        emb = self._cached_embedding(text)
        if emb is not None:
            return emb
        emb = self.encoder.embed([text])[0]
        self._remember(text, emb)
        return emb

    def _classify_uncached(
        self, title: str, semantic: bool = True
    ) -> tuple[str, float, tuple[tuple[str, float], ...], str]:
        folded = clean_title(title)
        key = exact_key(folded)
        hit = self._exact.get(key)
        if hit:
            total = sum(n for _, n in hit)
            cands = tuple((c, round(n / total, 3)) for c, n in hit[:3])
            # Identical titles under several codes (e.g. "Erzieher - Musik") share the confidence.
            return cands[0][0], round(0.97 * cands[0][1], 3), cands, self._exact_title[(key, cands[0][0])]
        if self.model is not None:
            conf, cands, matched = self._predict(folded, title, self.model, semantic)
        else:
            conf, cands, matched = self._nearest(folded)
        if not cands:
            return "", 0.0, (), ""
        return (cands[0][0] if conf >= THRESHOLD else ""), conf, cands, matched

    def _predict(
        self, folded: str, title: str, model: LinearModel, semantic: bool
    ) -> tuple[float, tuple[tuple[str, float], ...], str]:
        evidence = model.has_word_evidence(folded)
        # No known word -> confidence 0 whatever the encoder says, so it is not asked.
        embedding = self._embedding(title) if semantic and evidence and self.encoder is not None else None
        p = model.probabilities(folded, embedding)
        if p is None:
            return 0.0, (), ""
        _, conf, cands, matched = self._decide(folded, p, evidence, embedding is not None)
        return conf, cands, matched

    def _decide(self, folded: str, p: np.ndarray, evidence: bool, combined: bool) -> Result:
        """The classification from the model's probabilities over the codes (one title)."""
        model = self.model
        assert model is not None
        top = np.argpartition(-p, min(3, len(p) - 1))[:3]
        top = top[np.argsort(-p[top], kind="stable")]
        cands = tuple((model.codes[i], round(float(p[i]), 3)) for i in top.tolist())
        conf = round(model.calibrated(float(p[top[0]]), combined=combined), 3) if evidence else 0.0
        return (
            (cands[0][0] if conf >= THRESHOLD else ""),
            conf,
            cands,
            self._matched_title(cands[0][0], folded),
        )

    def _matched_title(self, code: str, folded: str) -> str:
        """The title of `code` sharing most words with the input (the first of them on ties), "" if none."""
        index = self._by_code_word.get(code, {})
        shared: Counter[int] = Counter()
        for w in set(words(folded)):
            shared.update(index.get(w, ()))
        if not shared:
            return ""
        most = max(shared.values())
        return self._by_code[code][min(i for i, n in shared.items() if n == most)]

    def _nearest(self, folded: str) -> tuple[float, tuple[tuple[str, float], ...], str]:
        feats = features(folded, self.vocab)
        if not feats:
            return 0.0, (), ""
        vec = self._weigh(feats)
        idx: list[np.ndarray] = []
        wts: list[np.ndarray] = []
        for f, w in vec.items():
            fid = self._feat_id[f]
            lo, hi = self._offsets[fid], self._offsets[fid + 1]
            idx.append(self._post_doc[lo:hi])
            wts.append(self._post_w[lo:hi] * w)
        if not idx:
            return 0.0, (), ""
        all_idx = np.concatenate(idx)
        scores = np.bincount(all_idx, weights=np.concatenate(wts), minlength=self._n_docs)
        top = float(scores.max())
        if top <= 0.0:
            return 0.0, (), ""
        near = np.flatnonzero(scores >= top * 0.6)
        if len(near) > 64:
            near = near[np.argpartition(scores[near], -64)[-64:]]
        order = near[np.argsort(-scores[near], kind="stable")]
        code_score: dict[str, float] = {}
        code_votes: dict[str, float] = defaultdict(float)
        matched = ""
        for doc in order.tolist():
            code = self._doc_code[doc]
            s = float(scores[doc])
            if code not in code_score:
                code_score[code] = s
                if not matched:
                    matched = self._doc_title[doc]
            code_votes[code] += s
        # Rank by best neighbour, with a small bonus for codes several close neighbours agree on.
        ranked = sorted(code_score, key=lambda c: -(code_score[c] + 0.05 * (code_votes[c] - code_score[c])))
        s1 = code_score[ranked[0]]
        s2 = code_score[ranked[1]] if len(ranked) > 1 else 0.0
        conf = min(1.0, s1) * (0.55 + 0.45 * (s1 - s2) / s1) ** 0.5
        cands = tuple((c, round(min(1.0, code_score[c]), 3)) for c in ranked[:3])
        return round(conf, 3), cands, matched


def training_pairs(titles: Iterable[object]) -> list[tuple[str, str]]:
    """(title form, kldb) pairs from JobTitle records: neutral, male and female forms."""
    out: list[tuple[str, str]] = []
    for t in titles:
        for form in {t.neutral, t.male, t.female}:  # type: ignore[attr-defined]
            out.append((form, t.kldb))  # type: ignore[attr-defined]
    return out


# KldB example titles ("Zugeordnete Berufe", rows of the full BA list missing from the public extract) carry
# only the short neutral title, sometimes without the qualifier that tells two BA rows apart: "Erzieher/in"
# is listed under 83113 there, while the public row "Erzieher/in" (Staatlich anerkannter Erzieher) is 83112.
# When the exact lookup finds both, the fully documented public row wins.
EXAMPLE_TITLE_WEIGHT = 0.5
# A row's neutral title is its name; the long male/female forms are spellings of it and once in a while of
# something else ("Fachwirt/in - Sozialdienste", 73223, has the long form "Sozialarbeiter/Sozialpädagoge").
LONG_FORM_WEIGHT = 0.5


def weighted_pairs(titles: Iterable[object]) -> list[tuple[str, str, float]]:
    """(title form, kldb, weight) for the exact lookup: each row counts once per distinct exact key, with its
    full weight for the key of its neutral title and half of it for keys only its long forms have. (Counting
    forms made the three identical forms of a short example title outweigh a public row 3 : 1.)"""
    out: list[tuple[str, str, float]] = []
    for t in titles:
        weight = EXAMPLE_TITLE_WEIGHT if t.source == "kldb" else 1.0  # type: ignore[attr-defined]
        keys: set[str] = set()
        for form in (t.neutral, t.male, t.female):  # type: ignore[attr-defined]
            key = exact_key(clean_title(form)) if form else ""
            if key not in keys:
                out.append((form, t.kldb, weight if not keys else weight * LONG_FORM_WEIGHT))  # type: ignore[attr-defined]
                keys.add(key)
    return out


@cache
def default_classifier() -> OccupationClassifier:
    from threadpoolctl import threadpool_limits

    from stellenatlas.refdata import DATA_DIR
    from stellenatlas.refdata.occupations import job_titles

    # One BLAS thread for the process: a title's products are a few hundred thousand multiply-adds, where
    # OpenBLAS's threads cost more than they save, and they would take the second core from the other web
    # worker or double-count an ingest's "one core" (measured: 963 postings per CPU-second at 1,895/s wall).
    threadpool_limits(limits=1, user_api="blas")
    return OccupationClassifier(weighted_pairs(job_titles()), LinearModel.load(DATA_DIR / MODEL_FILE))


def prefetch_titles(titles: Iterable[object]) -> int:
    """Warm the default classifier for a batch of posting titles (see `OccupationClassifier.prefetch`)."""
    return default_classifier().prefetch(titles)


def classify_title(
    title: str,
    description: str = "",
    classifier: OccupationClassifier | None = None,
    *,
    semantic: bool = True,
) -> Classification:
    """Classify a posting title. `description` is accepted for the pipeline contract but not used yet:
    titles alone decide, so a long description cannot drag a clear title to another code."""
    if not isinstance(title, str) or not title.strip():
        return UNCLASSIFIED
    model = classifier or default_classifier()
    code, conf, cands, matched = model.classify(title, semantic=semantic)
    if not cands:
        return UNCLASSIFIED
    from stellenatlas.refdata.occupations import display_title, kldb

    occ = kldb(code) if code else None
    return Classification(
        kldb=code,
        confidence=conf,
        candidates=cands,
        isco=occ.isco if occ else "",
        esco_uri=occ.esco_uri if occ else "",
        esco_label=occ.esco_label if occ else "",
        matched_title=display_title(matched) if matched else "",
    )
