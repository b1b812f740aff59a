"""nDCG@10 of the whole pipeline (sample postings -> normalize -> index -> search) on the judged German queries.

The judgments (tests/search/data/relevance_judgments.json) come from the generator's ground truth by the rule
documented in tools/relevance.py, never from the search engine. Measured 0.839 (70 queries) when the floor
was set at 0.80, 0.908 once the classified occupation code matched too (2026-11-25, floor raised to 0.85);
the floor leaves a margin for harmless ranking changes, a real regression falls through it.
"""

from __future__ import annotations

import json

import pytest

from tools import relevance

NDCG_FLOOR = 0.85


def test_judgments_cover_enough_german_queries() -> None:
    doc = json.loads(relevance.JUDGMENTS.read_text(encoding="utf-8"))
    judged = [q for q in doc["queries"] if q["grade2"] or q["grade1"]]
    assert len(judged) >= 50
    assert len({q["text"] for q in judged}) == len(judged)


def test_dcg_prefers_relevant_first() -> None:
    assert relevance.dcg([2, 0, 1]) > relevance.dcg([0, 1, 2]) > 0
    assert relevance.dcg([]) == 0


@pytest.mark.slow
def test_ndcg_at_10_stays_above_floor() -> None:
    assert relevance.run(verbose=False) >= NDCG_FLOOR
