"""A SOCKS5 proxy on loopback (RFC 1928: no authentication, CONNECT only), in a thread of its
own, that records where each connection asked to go: the proof a client really went through it."""

from __future__ import annotations

import asyncio
import contextlib
import socket

from sessionboard.sim.layout import HOST
from sessionboard.sim.loop_thread import LoopThread


class Socks5Proxy:
    def __init__(self) -> None:
        self.targets: list[tuple[str, int]] = []
        self.port = 0
        self._server: asyncio.Server | None = None
        self._runner = LoopThread("socks5-proxy")

    @property
    def url(self) -> str:
        return f"socks5://{HOST}:{self.port}"

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._client, HOST, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            _version, count = await reader.readexactly(2)
            await reader.readexactly(count)
            writer.write(b"\x05\x00")  # no authentication
            _version, command, _reserved, kind = await reader.readexactly(4)
            if kind == 1:
                host = socket.inet_ntoa(await reader.readexactly(4))
            elif kind == 3:
                host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
            else:
                host = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16))
            port = int.from_bytes(await reader.readexactly(2), "big")
            self.targets.append((host, port))
            if command != 1:
                writer.write(b"\x05\x07\x00\x01" + bytes(6))
                return
            upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
            writer.write(b"\x05\x00\x00\x01" + bytes(6))
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def __enter__(self) -> Socks5Proxy:
        self._runner.start(self._start, 10, late="the SOCKS proxy did not start")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._runner.stop(self._stop, 10)


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    with contextlib.suppress(OSError):
        sink.close()
