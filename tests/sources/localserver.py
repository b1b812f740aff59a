"""A real HTTP server on 127.0.0.1 for source tests: serves recorded responses, records the requests.

Routes map a path (with query string, or without it as a fallback) to a list of responses; each request
takes the next one and the last repeats, so "429 then 200" is `[resp429, resp200]`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Canned:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    chunked_bytes: int = 0  # > 0: stream this many bytes without Content-Length


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Canned]] = {}
        self.requests: list[Seen] = []
        # (path, query) -> response or None; consulted before the static routes
        self.dynamic: Callable[[str, dict[str, str]], Canned | None] | None = None
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                server.requests.append(
                    Seen(
                        parts.path,
                        dict(parse_qsl(parts.query)),
                        {k.lower(): v for k, v in self.headers.items()},
                    )
                )
                queue = server.routes.get(self.path) or server.routes.get(parts.path)
                canned = (
                    (queue.pop(0) if len(queue) > 1 else queue[0]) if queue else Canned(404, b"not found")
                )
                if server.dynamic is not None:
                    canned = server.dynamic(parts.path, dict(parse_qsl(parts.query))) or canned
                self.send_response(canned.status)
                self.send_header("Content-Type", canned.content_type)
                for k, v in canned.headers.items():
                    self.send_header(k, v)
                if canned.chunked_bytes:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    block = b"x" * 65536
                    sent = 0
                    try:
                        while sent < canned.chunked_bytes:
                            self.wfile.write(block)
                            sent += len(block)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(canned.body)))
                self.end_headers()
                self.wfile.write(canned.body)

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def add(self, path: str, *responses: Canned) -> None:
        self.routes[path] = list(responses)

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def serve() -> Iterator[LocalServer]:
    """Body of a pytest fixture: `yield from serve()`."""
    with LocalServer() as srv:
        yield srv


def real_store_and_index(tmp_path: Path) -> tuple[Any, Any]:
    """A migrated SQLite store and a tantivy index in tmp_path: what the ingest runner writes to in production."""
    from stellenatlas.search.tantivy_index import TantivyIndex
    from stellenatlas.store import open_store

    store = open_store("sqlite:///" + str(tmp_path / "t.db"))
    return store, TantivyIndex(tmp_path / "index")
