"""The multi-worker listening socket must give accepted connections TCP_NODELAY (see stellenatlas/web/server.py)."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from stellenatlas.web.server import APP, _Config
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


def test_worker_socket_gets_tcp_nodelay() -> None:
    sock = _Config(APP, factory=True, host="127.0.0.1", port=free_port(), workers=2).bind_socket()
    assert sock.proto == socket.IPPROTO_TCP
    assert _nodelay_of_accepted(sock) != 0


def test_plain_uvicorn_socket_lacks_it() -> None:
    # the reason for _Config: if uvicorn ever fixes this, the workaround can go
    sock = uvicorn.Config(APP, factory=True, host="127.0.0.1", port=free_port(), workers=2).bind_socket()
    assert _nodelay_of_accepted(sock) == 0
