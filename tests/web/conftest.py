from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stellenatlas.settings import Settings
from stellenatlas.web.app import create_app


@pytest.fixture(scope="session")
def client(sample_settings: Settings) -> TestClient:
    return TestClient(create_app(sample_settings), raise_server_exceptions=False)
