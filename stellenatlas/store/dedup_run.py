"""Stateful near-duplicate linking over the store: an LSH index of the active postings, linking of
just-ingested postings against it, and a full pass. The similarity logic is in `stellenatlas.normalize.dedup`.

Duplicates are linked, never deleted: `postings.duplicate_of` points from every member of a cluster straight
to the cluster's canonical posting (no chains among active postings), and the store's statistics skip rows
with `duplicate_of` set, so each job counts once.

Usage (ingest): build one `DedupIndex.from_store(store)` per ingest run and pass it to
`link_duplicates(store, result.changed_ids, index)` after each `upsert_postings` batch.
Usage (CLI `stellenatlas dedup run`): `report = dedup_all(store)`; print `report.summary()`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from stellenatlas.domain.models import Posting, PostingStatus
from stellenatlas.normalize import dedup as D
from stellenatlas.store.repo import Store

_MAX_CANDIDATES = 400  # per posting after LSH + block; keeps a pathological block (one employer x one
# occupation with thousands of rows) from making a query quadratic. The prefilter ranks by signature.


@dataclass
class DedupReport:
    checked: int = 0  # postings looked at
    compared: int = 0  # candidate pairs verified with the full score
    linked: int = 0  # rows whose duplicate_of was set or re-pointed
    unlinked: int = 0  # rows whose duplicate_of was cleared (full pass only)
    clusters: int = 0  # clusters with at least two active postings after the run
    seconds: float = 0.0
    changes: list[tuple[int, int | None]] = field(default_factory=list)  # (posting id, new duplicate_of)

    def summary(self) -> str:
        return (
            f"Dubletten: {self.checked} geprüft, {self.compared} Paare verglichen, {self.linked} verknüpft, "
            f"{self.unlinked} gelöst, {self.clusters} Gruppen ({self.seconds:.1f} s)"
        )


class DedupIndex:
    """MinHash-LSH index over postings plus the cluster state (who is a duplicate of whom).

    Keeps postings without their description (its word-hash set and signature stand for it) to bound memory
    at ~2 KB a row.
    """

    def __init__(self) -> None:
        self._posts: list[Posting] = []
        self._desc_len: list[int] = []
        self._shingles: list[np.ndarray] = []
        self._sigs = np.empty((0, D.NUM_PERM), dtype=np.uint32)
        self._n = 0
        self._alive: list[bool] = []
        self._row_of: dict[int, int] = {}
        self._blocks: dict[str, list[int]] = {}
        self._band_keys: list[np.ndarray] = []
        self._band_rows: list[np.ndarray] = []
        self._dirty = True
        # cluster state, by posting id: root (canonical) of each linked id, members of each root
        self.root_of: dict[int, int] = {}
        self.members: dict[int, set[int]] = {}
        # duplicate_of as the store has it (read at `add`, updated by `_apply`): spares re-reading rows
        self.stored: dict[int, int | None] = {}

    # ----------------------------------------------------------------------------- building

    @classmethod
    def from_store(cls, store: Store, *, batch: int = 2000) -> DedupIndex:
        """Index of the store's active postings with their current links."""
        index = cls()
        chunk: list[Posting] = []
        for p in store.iter_postings(batch=batch):
            chunk.append(p)
            if len(chunk) >= batch:
                index.add(chunk)
                chunk = []
        index.add(chunk)
        return index

    def __len__(self) -> int:
        return len(self._row_of)

    def ids(self) -> list[int]:
        """Ids of the live (indexed) postings."""
        return list(self._row_of)

    def __contains__(self, posting_id: int) -> bool:
        return posting_id in self._row_of

    def add(self, postings: Sequence[Posting]) -> None:
        """Add (or replace, by id) postings; their `duplicate_of` becomes part of the cluster state."""
        postings = [p for p in postings if p.id is not None]
        if not postings:
            return
        sets = [D.shingles(p.description) for p in postings]
        sigs = D.minhash_many(sets)
        need = self._n + len(postings)
        if need > self._sigs.shape[0]:
            grown = np.empty((max(need, 2 * self._sigs.shape[0], 1024), D.NUM_PERM), dtype=np.uint32)
            grown[: self._n] = self._sigs[: self._n]
            self._sigs = grown
        self._sigs[self._n : need] = sigs
        for p, sh in zip(postings, sets, strict=True):
            pid = p.id
            assert pid is not None
            old = self._row_of.get(pid)
            if old is not None:
                self._alive[old] = False
            row = len(self._posts)
            self._posts.append(replace(p, description=""))
            self._desc_len.append(len(p.description))
            self._shingles.append(sh)
            self._alive.append(True)
            self._row_of[pid] = row
            key = D.block_key(p)
            if key:
                self._blocks.setdefault(key, []).append(row)
            self._set_root(pid, p.duplicate_of)
            self.stored[pid] = p.duplicate_of
        self._n = need
        self._dirty = True

    def remove(self, posting_ids: Iterable[int]) -> None:
        """Forget postings (expired, rejected): they are no longer candidates. Their links stay in the store."""
        for pid in posting_ids:
            row = self._row_of.pop(pid, None)
            if row is not None:
                self._alive[row] = False

    def _set_root(self, pid: int, root: int | None) -> None:
        old = self.root_of.pop(pid, None)
        if old is not None:
            self.members.get(old, set()).discard(pid)
        if root is not None and root != pid:
            self.root_of[pid] = root
            self.members.setdefault(root, set()).add(pid)

    def _rebuild_bands(self) -> None:
        rows = np.flatnonzero(np.asarray(self._alive[: self._n], dtype=bool))
        sigs = self._sigs[rows]
        # an empty text would collide with every other empty text
        nonempty = ~(sigs == 0xFFFFFFFF).all(axis=1)
        rows, sigs = rows[nonempty], sigs[nonempty]
        keys = D.band_hashes(sigs) if len(rows) else np.empty((0, D.BANDS), dtype=np.uint64)
        self._band_keys, self._band_rows = [], []
        for b in range(D.BANDS):
            order = np.argsort(keys[:, b], kind="stable")
            self._band_keys.append(keys[order, b])
            self._band_rows.append(rows[order])
        self._dirty = False

    # ----------------------------------------------------------------------------- querying

    def posting(self, posting_id: int) -> Posting | None:
        row = self._row_of.get(posting_id)
        return self._posts[row] if row is not None else None

    def candidates(self, posting_ids: Sequence[int]) -> dict[int, list[int]]:
        """For indexed postings: ids of other live postings sharing an LSH band or the employer x occupation
        block, at most _MAX_CANDIDATES each, best signature agreement first, below PREFILTER dropped."""
        if self._dirty:
            self._rebuild_bands()
        rows = [self._row_of[i] for i in posting_ids if i in self._row_of]
        if not rows:
            return {}
        alive = np.asarray(self._alive, dtype=bool)
        qkeys = D.band_hashes(self._sigs[rows])
        los = np.empty((len(rows), D.BANDS), dtype=np.int64)
        his = np.empty_like(los)
        for b in range(D.BANDS):
            los[:, b] = np.searchsorted(self._band_keys[b], qkeys[:, b], side="left")
            his[:, b] = np.searchsorted(self._band_keys[b], qkeys[:, b], side="right")
        out: dict[int, list[int]] = {}
        for i, r in enumerate(rows):
            parts = [self._band_rows[b][los[i, b] : his[i, b]] for b in np.flatnonzero(his[i] > los[i])]
            key = D.block_key(self._posts[r])
            if key and key in self._blocks:
                parts.append(np.asarray(self._blocks[key], dtype=np.int64))
            if not parts:
                continue
            cands = np.unique(np.concatenate(parts))
            cands = cands[alive[cands] & (cands != r)]
            if cands.size == 0:
                continue
            agree = np.count_nonzero(self._sigs[cands] == self._sigs[r], axis=1) / D.NUM_PERM
            keep = agree >= D.PREFILTER
            cands, agree = cands[keep], agree[keep]
            order = np.argsort(-agree, kind="stable")[:_MAX_CANDIDATES]
            pid = self._posts[r].id
            assert pid is not None
            out[pid] = [self._posts[c].id or 0 for c in cands[order].tolist()]
        return out

    def score(self, a: int, b: int) -> D.PairScore:
        ra, rb = self._row_of[a], self._row_of[b]
        return D.compare(self._posts[ra], self._posts[rb], self._shingles[ra], self._shingles[rb])

    def check(self, a: int, b: int) -> D.PairScore | None:
        """`score` if the pair passes the cheap vetoes of `is_duplicate` (places, description), else None:
        most candidates fail there, and the title/employer similarities are the costly part."""
        ra, rb = self._row_of[a], self._row_of[b]
        pa, pb = self._posts[ra], self._posts[rb]
        if D.place_overlap(pa.place_ags, pb.place_ags, pa.location_text, pb.location_text) == 0.0:
            return None
        if D.jaccard(self._shingles[ra], self._shingles[rb]) < D.MIN_DESCRIPTION:
            return None
        return D.compare(pa, pb, self._shingles[ra], self._shingles[rb])

    def root(self, posting_id: int) -> int:
        return self.root_of.get(posting_id, posting_id)

    def _better(self, a: int, b: int) -> int:
        """The more canonical of two cluster roots. A root that is not indexed (expired meanwhile) stays root:
        re-pointing away from it could count the job twice in the statistics of past postings."""
        pa, pb = self.posting(a), self.posting(b)
        if pa is None or pb is None:
            return a if pa is None else b
        ka = D.canonical_key(pa, self._desc_len[self._row_of[a]])
        kb = D.canonical_key(pb, self._desc_len[self._row_of[b]])
        return a if ka <= kb else b

    def merge(self, a: int, b: int) -> set[int]:
        """Join the clusters of a and b under the better root; returns the ids whose root changed."""
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return set()
        keep = self._better(ra, rb)
        gone = rb if keep == ra else ra
        moved = {gone} | self.members.pop(gone, set())
        for pid in moved:
            self._set_root(pid, keep)
        return moved

    def detach(self, posting_id: int) -> None:
        """Make a posting a singleton (full pass: links are recomputed)."""
        for m in list(self.members.pop(posting_id, set())):
            self.root_of.pop(m, None)
        self._set_root(posting_id, None)


# --------------------------------------------------------------------------------- linking


def _link(index: DedupIndex, ids: Sequence[int], report: DedupReport) -> set[int]:
    """Join each posting to the cluster of its best-scoring duplicate. Only the best match is followed:
    joining every match would chain distinct jobs through one ambiguous posting. Returns changed ids."""
    changed: set[int] = set()
    for pid, cands in index.candidates(ids).items():
        best: tuple[float, int] | None = None
        for other in cands:
            if index.root(other) == index.root(pid):
                continue
            s = index.check(pid, other)
            report.compared += 1
            if s is not None and s.duplicate and (best is None or s.score > best[0]):
                best = (s.score, other)
        if best is not None:
            changed |= index.merge(pid, best[1])
    return changed


def _apply(store: Store, index: DedupIndex, ids: Iterable[int], report: DedupReport) -> None:
    wanted = sorted(set(ids))
    unknown = [pid for pid in wanted if pid not in index.stored]
    current = {pid: index.stored[pid] for pid in wanted if pid in index.stored}
    current.update({p.id: p.duplicate_of for p in store.get_postings(unknown) if p.id is not None})
    for pid, old in current.items():
        new = index.root_of.get(pid)
        if new == old:
            continue
        store.set_duplicate(pid, new)
        index.stored[pid] = new
        report.changes.append((pid, new))
        if new is None:
            report.unlinked += 1
        else:
            report.linked += 1


def link_duplicates(
    store: Store,
    posting_ids: Sequence[int],
    index: DedupIndex | None = None,
    *,
    report: DedupReport | None = None,
) -> int:
    """Check just-ingested postings against the active postings and link duplicates; returns the number of
    rows whose duplicate_of was set or re-pointed (a new career-page posting can become the canonical of an
    existing cluster, then the old members are re-pointed to it).

    Pass the same `index` for every batch of an ingest run (building it reads every active posting); without
    one it is built here. Postings already linked, or not active, are left as they are.
    Pass a `report` to collect counts and the (id, duplicate_of) changes, e.g. to refresh the search index.
    """
    started = time.perf_counter()
    report = report if report is not None else DedupReport()
    if not posting_ids:
        return 0
    if index is None:
        index = DedupIndex.from_store(store)
    fresh = [p for p in store.get_postings(list(posting_ids)) if p.id is not None]
    index.remove(p.id for p in fresh if p.status is not PostingStatus.ACTIVE and p.id is not None)
    todo = [p for p in fresh if p.status is PostingStatus.ACTIVE and p.duplicate_of is None]
    index.add(todo)
    report.checked += len(todo)
    linked_before = report.linked
    changed = _link(index, [p.id for p in todo if p.id is not None], report)
    if changed:
        _apply(store, index, changed, report)
    report.seconds += time.perf_counter() - started
    return report.linked - linked_before


def dedup_all(store: Store) -> DedupReport:
    """Full pass over the active postings: recompute every cluster and write the differences.

    Links of active postings to a posting that is no longer active are kept (the expired one is in the
    statistics of past postings; unlinking would count the job twice).
    """
    started = time.perf_counter()
    report = DedupReport()
    index = DedupIndex.from_store(store)
    active = index.ids()
    kept = {pid for pid, root in index.root_of.items() if root not in index}
    for pid in active:
        if pid not in kept and index.root(pid) in index:
            index.detach(pid)
    todo = [pid for pid in active if pid not in kept]
    report.checked = len(todo)
    # ids in store order: the lowest id is linked first, so results do not depend on dict order
    todo.sort()
    for start in range(0, len(todo), 2000):
        _link(index, todo[start : start + 2000], report)
    _apply(store, index, todo, report)
    report.clusters = len([r for r, m in index.members.items() if m and r in index])
    report.seconds = time.perf_counter() - started
    return report
