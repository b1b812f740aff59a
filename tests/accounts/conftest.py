from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stellenatlas.web.app import create_app
from tests.accounts.helpers import Inbox, smtp_server


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def app_and_inbox(tmp_path: Path, smtp: tuple[Inbox, int]) -> Iterator[tuple[object, Inbox]]:
    from tests.accounts.helpers import fresh_settings

    inbox, port = smtp
    app = create_app(fresh_settings(tmp_path, port))
    yield app, inbox
    app.state.ctx.services.close()


def new_client(app: object) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)  # type: ignore[arg-type]
