"""Running the web app under uvicorn, with two fixes for multi-worker mode.

1. uvicorn binds the listening socket itself when it runs several workers, as `socket.socket(family)`: the
   socket reports protocol 0, and asyncio only sets TCP_NODELAY on sockets that say they are TCP. Every
   keep-alive response then waits for the client's delayed ACK (Nagle): measured here +43 ms per request (p50
   /healthz 44 ms with `--workers 2` vs 1 ms with one worker). Our sockets are created as IPPROTO_TCP.
2. All workers accept on that one socket, so whichever worker is awake takes the next connection, and a
   keep-alive connection stays where it landed: under `wrk -c8` all connections often sat on one worker
   (87-102 req/s, against 198-253 when both worked; docs/benchmarks-search.md). Each worker now gets its own
   SO_REUSEPORT socket on the same port, and the kernel spreads new connections over them by hash.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import uvicorn
from uvicorn.supervisors import Multiprocess
from uvicorn.supervisors.multiprocess import Process

APP = "stellenatlas.web.app:create_app"


def reuseport_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` sockets bound to the same address with SO_REUSEPORT (port 0: a free one), created as
    IPPROTO_TCP so that asyncio sets TCP_NODELAY on the connections they accept (fix 1 above)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    out: list[socket.socket] = []
    for _ in range(count):
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        port = sock.getsockname()[1]
        out.append(sock)
    return out


class _SpreadMultiprocess(Multiprocess):
    """uvicorn's supervisor, but worker slot i always listens on socket i. uvicorn starts a worker in three
    places (start, restart, replacing a dead one) and hands each the same socket list; `self.sockets` is set
    to the slot's socket just before each of those calls."""

    def __init__(self, config: uvicorn.Config, slots: list[socket.socket]) -> None:
        super().__init__(config, sockets=slots[:1])
        self.slots = slots

    def init_processes(self) -> None:
        for idx in range(self.processes_num):
            self.sockets = [self.slots[idx]]
            process = Process(self.config, self.sockets)
            process.start()
            self.processes.append(process)

    def _each_slot(self, step: Callable[[], None]) -> None:
        # uvicorn's keep-alive check (every 0.5 s) and restart replace workers through `Process(self.config,
        # self.sockets)`; running them on one slot at a time keeps the slot -> socket mapping.
        for idx in range(len(self.processes)):
            self.sockets = [self.slots[idx]]
            before = self.processes
            self.processes = [before[idx]]
            try:
                step()
            finally:
                before[idx] = self.processes[0]
                self.processes = before

    def keep_subprocess_alive(self) -> None:
        self._each_slot(super().keep_subprocess_alive)

    def restart_all(self) -> None:
        self._each_slot(super().restart_all)


def serve(host: str, port: int, workers: int = 1) -> None:
    # Named, not "auto": auto falls back to the pure-Python h11 parser and asyncio loop without a word when
    # the packages are missing, which cost half the search API's throughput (docs/benchmarks-search.md).
    config = uvicorn.Config(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        loop="uvloop",
        http="httptools",
    )
    if workers > 1:
        _SpreadMultiprocess(config, reuseport_sockets(host, port, workers)).run()
    else:
        uvicorn.Server(config).run()
