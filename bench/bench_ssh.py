"""Keystroke-to-echo latency over loopback SSH, through `RelayedSshBackend` (the transport the
terminal pane uses: asyncssh in a helper process) and `SshBackend` (the same on this loop), against
both servers: the project's asyncssh `LocalSshServer` (in a process of its own) and OpenSSH's sshd
(needs root and /usr/sbin/sshd). And through the vsay WebSocket terminal (`VsayWebSocketBackend`
against the simulator's `serve_terminal` under uvicorn, in a process of its own).

One character is written, and the clock stops when that character comes back. The remote side
runs `cat` with the tty in non-canonical, no-echo mode, so each echo is a real round trip through
the remote process (not the kernel's line-discipline echo). Median and p95 over 200 keystrokes,
after 20 warm-up ones. Goal: under 15 ms median.

The anchor, measured in the same run: a raw TCP echo round trip on loopback (asyncio client, a
plain echo server in another process), the floor that no transport can beat on this machine.

Usage: /work/venv/bin/python bench/bench_ssh.py [--keystrokes 200] [--skip-openssh]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sessionboard.sim.openssh import OpenSshError, OpenSshServer
from sessionboard.terminal.backend import TerminalBackend
from sessionboard.terminal.relay import RelayedSshBackend
from sessionboard.terminal.ssh import SshBackend
from sessionboard.terminal.vsay_ws import VsayWebSocketBackend

GOAL_MS = 15.0
WARMUP = 20
ALPHABET = b"abcdefghijklmnopqrstuvwxyz"

_ECHO_SERVER = r"""
import socket, sys
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0)); srv.listen(1)
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept(); conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
while data := conn.recv(65536):
    conn.sendall(data)
"""


@dataclass
class Figure:
    name: str
    samples_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    def line(self, goal: bool) -> str:
        verdict = ""
        if goal:
            verdict = "  goal < %.0f ms median: %s" % (GOAL_MS, "MET" if self.median < GOAL_MS else "MISSED")
        return f"{self.name:<38} median {self.median:7.3f} ms   p95 {self.p95:7.3f} ms   (n={len(self.samples_ms)}){verdict}"


async def tcp_anchor(keystrokes: int) -> Figure:
    server = subprocess.Popen([sys.executable, "-c", _ECHO_SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        samples = []
        for i in range(WARMUP + keystrokes):
            key = ALPHABET[i % len(ALPHABET) : i % len(ALPHABET) + 1]
            start = time.perf_counter()
            writer.write(key)
            got = await reader.readexactly(1)
            elapsed = (time.perf_counter() - start) * 1000
            assert got == key
            if i >= WARMUP:
                samples.append(elapsed)
        writer.close()
        await writer.wait_closed()
        return Figure("anchor: raw TCP echo, loopback", samples)
    finally:
        server.kill()
        server.wait()


async def _read_until(backend: TerminalBackend, buffer: bytearray, needle: bytes, timeout: float = 10) -> None:
    while needle not in buffer:
        buffer += await asyncio.wait_for(backend.read(), timeout)


async def keystroke_echo(name: str, backend: TerminalBackend, keystrokes: int) -> Figure:
    await backend.start(80, 24)
    try:
        buffer = bytearray()
        await backend.write(b"stty -icanon -echo; echo GO$((1+1)); exec cat\r")
        await _read_until(backend, buffer, b"GO2")
        await asyncio.sleep(0.2)  # let `cat` start before the first key
        samples = []
        for i in range(WARMUP + keystrokes):
            key = ALPHABET[i % len(ALPHABET) : i % len(ALPHABET) + 1]
            buffer.clear()
            start = time.perf_counter()
            await backend.write(key)
            await _read_until(backend, buffer, key)
            elapsed = (time.perf_counter() - start) * 1000
            if i >= WARMUP:
                samples.append(elapsed)
        return Figure(name, samples)
    finally:
        await backend.close()


@contextmanager
def local_asyncssh_server() -> Iterator[dict[str, object]]:
    """`python -m sessionboard.sim.ssh_server` in its own process, as a remote host would be."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sessionboard.sim.ssh_server"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        yield info
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def openssh_server() -> Iterator[dict[str, object]]:
    """OpenSSH's sshd on loopback (`sim.openssh`, the same launcher as the tests')."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-sshd-"))
    try:
        try:
            server = OpenSshServer.start(workdir / "sshd")
        except OpenSshError as exc:
            raise SystemExit(f"sshd did not start: {exc}") from None
        try:
            yield {
                "port": server.port,
                "username": server.username,
                "client_key": str(server.client_key),
                "known_hosts_line": server.known_hosts_line,
            }
        finally:
            server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


WS_SERVER = r"""
import os, socket, sys, uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from sessionboard.sim.vsay_terminal import serve_terminal

async def terminal(websocket):
    await websocket.accept()
    await serve_terminal(websocket, os.environ["BENCH_WS_TOKEN"])

sock = socket.socket()
sock.bind(("127.0.0.1", 0))
sock.listen(16)  # connections wait in the backlog until uvicorn serves
print(sock.getsockname()[1], flush=True)
app = Starlette(routes=[WebSocketRoute("/v1/sessions/{session_id}/ws", terminal)])
uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off")).run(sockets=[sock])
"""


@contextmanager
def vsay_ws_server(token: str) -> Iterator[str]:
    """The vsay simulator's WebSocket terminal (`serve_terminal`, a real shell in a pty) under
    uvicorn in a process of its own; yields the session's `ws://` URL."""
    process = subprocess.Popen(
        [sys.executable, "-c", WS_SERVER], stdout=subprocess.PIPE, text=True, env={**os.environ, "BENCH_WS_TOKEN": token}
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"ws://127.0.0.1:{port}/v1/sessions/bench/ws"
    finally:
        process.terminate()
        process.wait(10)


def _backends(info: dict[str, object], known_hosts: Path) -> Iterator[tuple[str, TerminalBackend]]:
    """The console's relayed transport, then `SshBackend` on this loop, to the same server."""
    known_hosts.write_text(f"{info['known_hosts_line']}\n")
    for name, kind in (("RelayedSshBackend", RelayedSshBackend), ("SshBackend", SshBackend)):
        yield name, kind(
            "127.0.0.1", int(info["port"]), str(info["username"]), known_hosts, [str(info["client_key"])],
            ssh_config=(), use_agent=False,
        )


async def main(keystrokes: int, skip_openssh: bool) -> None:
    print(f"keystroke -> echo over loopback; {keystrokes} keystrokes after {WARMUP} warm-up; {os.cpu_count()} cores")
    print((await tcp_anchor(keystrokes)).line(goal=False))
    with tempfile.TemporaryDirectory() as tmp:
        with local_asyncssh_server() as info:
            for name, backend in _backends(info, Path(tmp) / "kh1"):
                figure = await keystroke_echo(f"{name} -> asyncssh LocalSshServer", backend, keystrokes)
                print(figure.line(goal=True))
        token = secrets.token_urlsafe(16)
        with vsay_ws_server(token) as url:
            backend = VsayWebSocketBackend(url, token)
            figure = await keystroke_echo("VsayWebSocketBackend -> vsay terminal", backend, keystrokes)
            print(figure.line(goal=True))
        if skip_openssh:
            return
        if os.geteuid() != 0 or not os.access("/usr/sbin/sshd", os.X_OK):
            print("OpenSSH sshd: skipped (needs root and /usr/sbin/sshd)")
            return
        with openssh_server() as info:
            for name, backend in _backends(info, Path(tmp) / "kh2"):
                figure = await keystroke_echo(f"{name} -> OpenSSH sshd", backend, keystrokes)
                print(figure.line(goal=True))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--keystrokes", type=int, default=200)
    parser.add_argument("--skip-openssh", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.keystrokes, args.skip_openssh))
