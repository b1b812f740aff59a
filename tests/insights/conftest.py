from __future__ import annotations

from collections.abc import Iterator

import pytest

from stellenatlas.settings import Settings
from stellenatlas.store.repo import Store


@pytest.fixture(scope="session")
def sample_store(sample_settings: Settings) -> Iterator[Store]:
    """The session's sample store (4,000 generated postings, page list refreshed)."""
    from stellenatlas.services import open_services

    svc = open_services(sample_settings)
    yield svc.store
    svc.close()
