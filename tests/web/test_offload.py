"""Where a search's blocking part runs: inline on the event loop with the embedded store (all CPU, no
waiting), on a worker thread with a database server (the loop must not wait for the network)."""

from __future__ import annotations

import asyncio
import threading
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import create_engine
from starlette.testclient import TestClient

from stellenatlas.insights.fmt import de_int
from stellenatlas.web.app import WebContext


def _ctx(url: str) -> WebContext:
    # create_engine does not connect: the dialect alone decides
    services: Any = SimpleNamespace(store=SimpleNamespace(engine=create_engine(url)))
    return WebContext(services=services, settings=None, env=None, secret="")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("url", "inline"),
    [("sqlite:///:memory:", True), ("postgresql+psycopg://127.0.0.1:5432/test", False)],
)
def test_offload_runs_inline_only_for_the_embedded_store(url: str, inline: bool) -> None:
    ctx = _ctx(url)

    async def main() -> tuple[int, int]:
        return threading.get_ident(), await ctx.offload(threading.get_ident)

    loop_thread, worker_thread = asyncio.run(main())
    assert (loop_thread == worker_thread) is inline


def test_offload_passes_arguments_and_errors() -> None:
    ctx = _ctx("sqlite:///:memory:")
    assert asyncio.run(ctx.offload(divmod, 7, 2)) == (3, 1)
    with pytest.raises(ZeroDivisionError):
        asyncio.run(ctx.offload(divmod, 7, 0))


def test_search_endpoints_are_served_from_the_loop(client: TestClient) -> None:
    # both twins still answer the same search (the handlers are coroutines now)
    data = client.get("/suche.json", params={"q": "Pflegefachkraft", "ort": "Gelsenkirchen"}).json()
    html = client.get("/suche", params={"q": "Pflegefachkraft", "ort": "Gelsenkirchen"}).text
    assert data["total"] > 0
    assert f"<strong>{de_int(data['total'])}</strong> Treffer" in html
