"""Shared fixtures. In CI (CI=true) nothing may be skipped silently: a skip is turned into a failure."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from stellenatlas.settings import Settings, load_settings

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"
SAMPLE_COUNT = 4000


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be skipped: {report.longrepr}"


@pytest.fixture(scope="session")
def sample_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A real SQLite store and tantivy index holding SAMPLE_COUNT generated postings, built once per session."""
    from stellenatlas.insights.pages import refresh_page_list
    from stellenatlas.refdata import occupations as refocc
    from stellenatlas.refdata import places as refplaces
    from stellenatlas.services import open_services
    from stellenatlas.sources import sample
    from stellenatlas.sources.ingest import ingest
    from stellenatlas.store import seed_reference
    from stellenatlas.store.db import upgrade

    var = tmp_path_factory.mktemp("var")
    # the session shares one client address across hundreds of API requests; the limit has its own test
    settings = load_settings(env={}, var_dir=str(var), api_rate_limit=0)
    svc = open_services(settings)
    upgrade(svc.engine)
    seed_reference(svc.store, refplaces.municipalities().values(), refocc.all_occupations().values())
    from stellenatlas.sources.sample.generate import DEFAULT_NOW

    # the clock of the generated data, so that what is active does not depend on the day the tests run
    ingest(
        sample.generate(SAMPLE_COUNT, 42),
        svc.store,
        svc.index,
        source="sample",
        full_sync=True,
        now=DEFAULT_NOW,
    )
    refresh_page_list(svc.store, min_postings=3)
    svc.close()
    return settings
