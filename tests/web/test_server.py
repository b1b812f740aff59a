"""Multi-worker serving: accepted connections get TCP_NODELAY, and keep-alive connections spread over the workers
(see stellenatlas/web/server.py)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from stellenatlas.settings import Settings
from stellenatlas.web.server import APP, reuseport_sockets
from tests.support import free_port


def _nodelay_of_accepted(sock: socket.socket) -> int:
    async def main() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                conn = transport.get_extra_info("socket")
                seen.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        _reader, writer = await asyncio.open_connection(*sock.getsockname()[:2])
        value = await asyncio.wait_for(seen, 5)
        writer.close()
        server.close()
        return value

    return asyncio.run(main())


def test_worker_sockets_get_tcp_nodelay() -> None:
    socks = reuseport_sockets("127.0.0.1", free_port(), 2)
    assert socks[0].getsockname() == socks[1].getsockname()
    for sock in socks:
        assert sock.proto == socket.IPPROTO_TCP
    assert _nodelay_of_accepted(socks[0]) != 0


def test_plain_uvicorn_socket_lacks_it() -> None:
    # the reason for creating our own sockets as IPPROTO_TCP: if uvicorn ever fixes this, that part can go
    sock = uvicorn.Config(APP, factory=True, host="127.0.0.1", port=free_port(), workers=2).bind_socket()
    assert _nodelay_of_accepted(sock) == 0


def _listening_socket_owner(server_port: int, client_port: int, pids: list[int]) -> int | None:
    """Which of `pids` holds the server side of the loopback connection from `client_port` (via /proc)."""
    inode = ""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as fh:
            for line in list(fh)[1:]:
                cols = line.split()
                local, remote = cols[1], cols[2]
                if (
                    int(local.rsplit(":", 1)[1], 16) == server_port
                    and int(remote.rsplit(":", 1)[1], 16) == client_port
                ):
                    inode = cols[9]
    for pid in pids:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                    return pid
    return None


def test_two_workers_share_keep_alive_connections(sample_settings: Settings) -> None:
    # With one shared listening socket, a burst of keep-alive connections often all landed on one worker
    # (half the throughput). With a SO_REUSEPORT socket per worker the kernel spreads them by hash: 16
    # connections all on one of two workers would happen with probability 2^-15.
    port = free_port()
    env = os.environ | {
        "STELLENATLAS_VAR_DIR": str(sample_settings.var_dir),
        "STELLENATLAS_API_RATE_LIMIT": "0",
    }
    cmd = [sys.executable, "-m", "stellenatlas.cli.main", "serve", "--workers", "2", "--host", "127.0.0.1"]
    proc = subprocess.Popen([*cmd, "--port", str(port)], env=env, start_new_session=True)
    conns: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
            time.sleep(0.3)
        # Each worker loads its models before it listens; measure once every worker's socket is listening.
        while _listening(port) < 2:
            assert time.monotonic() < deadline, f"{_listening(port)} listening socket(s) for 2 workers"
            time.sleep(0.3)
        workers = [
            int(p)
            for p in os.listdir("/proc")
            if p.isdigit()
            and _ppid(int(p)) == proc.pid
            and b"resource_tracker" not in Path(f"/proc/{p}/cmdline").read_bytes()
        ]
        assert len(workers) == 2
        for _ in range(16):
            c = socket.create_connection(("127.0.0.1", port), timeout=10)
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert c.recv(65536).startswith(b"HTTP/1.1 200")
            conns.append(c)
        owners = {_listening_socket_owner(port, c.getsockname()[1], workers) for c in conns}
        assert owners == set(workers)
    finally:
        for c in conns:
            c.close()
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def _listening(port: int) -> int:
    """Sockets in state LISTEN on `port` (/proc/net/tcp*, state 0A)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as fh:
            for line in list(fh)[1:]:
                cols = line.split()
                count += int(cols[1].rsplit(":", 1)[1], 16) == port and cols[3] == "0A"
    return count


def _ppid(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return -1
    return int(stat.rsplit(")", 1)[1].split()[1])


def test_serve_names_the_fast_loop_and_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn's "auto" would silently fall back to asyncio + h11 (half the search API's throughput) when
    uvloop or httptools are missing; `serve` names them, so a missing one fails at start instead."""
    import httptools  # noqa: F401  (installed with the project)
    import uvloop  # noqa: F401

    from stellenatlas.web import server

    seen: list[uvicorn.Config] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, *a, **k: seen.append(self.config))
    monkeypatch.setattr(server._SpreadMultiprocess, "run", lambda self, *a, **k: seen.append(self.config))
    server.serve("127.0.0.1", free_port(), workers=1)
    server.serve("127.0.0.1", free_port(), workers=2)
    assert [(c.loop, c.http) for c in seen] == [("uvloop", "httptools")] * 2
