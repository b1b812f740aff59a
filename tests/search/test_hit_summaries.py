"""The search page's narrow summary query must give what `job_summary` gives from a fully loaded Posting."""

from __future__ import annotations

from stellenatlas.search.base import SearchHit
from stellenatlas.settings import Settings


def test_hit_summaries_equal_job_summary(sample_settings: Settings) -> None:
    # imported here: the web stack takes seconds to import, and tests/search/conftest.py's NOW is computed
    # at import time (see there)
    from stellenatlas.services import open_services
    from stellenatlas.web.search_views import hit_summaries, job_summary

    svc = open_services(sample_settings)
    try:
        postings = list(svc.store.iter_postings(status=None))[:300]
        assert any(p.salary for p in postings) and any(len(p.place_ags) > 1 for p in postings)
        hits = [SearchHit(p.id or 0, 1.0, [None, 0.0, 12.345][i % 3]) for i, p in enumerate(postings)]
        hits.insert(5, SearchHit(10**9, 1.0))  # unknown id (deleted since indexing): left out, like before
        expected = [
            job_summary(p, h.distance_km)
            for p, h in zip(postings, [h for h in hits if h.posting_id != 10**9], strict=True)
        ]
        assert hit_summaries(svc.store.engine, hits) == expected
    finally:
        svc.close()
