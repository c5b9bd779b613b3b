"""What the hostile tests share: the console over the hostile simulator with its terminal output
captured, the CLI as a measured subprocess, and the checks for terminal controls in output."""

from __future__ import annotations

import asyncio
import os
import re
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import tomli_w
from textual.driver import Driver
from textual.drivers.headless_driver import HeadlessDriver
from textual.pilot import Pilot

from sessionboard.config import Config, parse_config
from sessionboard.providers import make_providers
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.hostile import HostileServer, Options
from sessionboard.sim.layout import PROVIDER_NAMES
from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.clock import fixed_now
from sessionboard.ui.screens.main import MainScreen
from tests.ui.helpers import FIXED, board

PROXY_VARIABLES = tuple(
    name for base in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY") for name in (base, base.lower())
)
DEADLINE = 30.0
"""Seconds a condition may take on a loaded two-core machine: a limit, never a speed assertion."""

UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What no output may hold raw: C0 but newline (ESC, BEL, CR, BS, tab...), DEL, C1, the line
separators, the bidi overrides and isolates, lone surrogates."""
TEXTUAL_OWN = re.compile(r"\x1b\[[0-9;]*[mH]|\x1b\[\?[0-9;]*[hl]|\x1b\]22;[a-z-]*\x07")
"""The sequences Textual itself writes to draw: SGR colours, cursor moves, private modes and the
pointer shape (OSC 22). A provider's `CSI 2 J` (final byte J), OSC 0 or OSC 52 is none of them."""
CLI_PREFIX = "sessionboard: "
"""What every CLI error line starts with; then `NAME: ` for a provider's."""
NAME = {kind: PROVIDER_NAMES[kind] for kind in PROVIDER_NAMES}
"""The provider name the generated config gives each kind (timing, lab, ssh, agents, browsers)."""


def problems_in(text: str, *, own: re.Pattern[str] | None = None) -> list[str]:
    """Each raw control character in `text` (after removing `own`'s matches), with what is
    around it, so a failure shows where the bytes came from."""
    rest = own.sub("", text) if own is not None else text
    found = []
    for match in UNSAFE.finditer(rest):
        found.append(f"{match.group()!r} in {rest[max(0, match.start() - 40):match.end() + 40]!r}")
        if len(found) == 8:
            break
    return found


def terminal_problems(output: str) -> list[str]:
    """Raw controls in what the console wrote to its terminal that Textual did not put there."""
    return problems_in(output, own=TEXTUAL_OWN)


def byte_problems(data: bytes) -> list[str]:
    """Raw controls in a CLI stream (newline is the only control allowed), or its not being UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return [f"not UTF-8: {exc}"]
    return problems_in(text)


# ---- the CLI ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: bytes
    stderr: bytes
    max_rss_mb: float
    """The child's peak resident memory (wait4's ru_maxrss)."""

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")

    def err_lines(self) -> list[str]:
        """stderr's lines, each without the `sessionboard: ` every error line starts with (a raw CR
        in one is not a line end)."""
        return [line.removeprefix(CLI_PREFIX) for line in self.err.split("\n") if line.strip()]

    def __str__(self) -> str:
        return f"exit {self.returncode}\nstdout: {self.out[-1500:]}\nstderr: {self.err[-1500:]}"


def run_cli(
    *args: str, env: Mapping[str, str] | None = None, memory_limit_mb: int = 3072, timeout: float = 120.0
) -> Ran:
    """`python -m sessionboard ARGS` in a real subprocess with no standard input, its address
    space capped at `memory_limit_mb` (a defence that is missing fails with MemoryError instead of
    taking the machine's memory), and its peak RSS measured."""
    limit = memory_limit_mb * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    proc = subprocess.Popen(
        [sys.executable, "-m", "sessionboard", *args],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})}, preexec_fn=cap,
    )
    chunks: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        chunks[name] = stream.read()

    readers = [threading.Thread(target=drain, args=(n, s), daemon=True) for n, s in (("out", proc.stdout),
                                                                                    ("err", proc.stderr))]
    for reader in readers:
        reader.start()
    killer = threading.Timer(timeout, lambda: os.kill(proc.pid, signal.SIGKILL))
    killer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join(10)
    return Ran(proc.returncode, chunks.get("out", b""), chunks.get("err", b""), usage.ru_maxrss / 1024)


def write_config(
    server: HostileServer,
    directory: Path,
    *,
    app: Mapping[str, Any] | None = None,
    providers: Mapping[str, Mapping[str, Any]] | None = None,
) -> Path:
    """The server's config as a 0600 file (keys in 0600 files beside it); `providers` adds to the
    table of a kind (`{"tasknet": {"environment_id": "live"}}`)."""
    data = server.config_data(directory / "keys", **dict(app or {}))
    for entry in data["providers"]:
        entry.update((providers or {}).get(entry["kind"], {}))
    path = directory / "config.toml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(tomli_w.dumps(data))
    return path


# ---- the console --------------------------------------------------------------------------------------
def capture_driver(sink: list[str]) -> type[Driver]:
    """A driver that keeps what the app writes to the terminal.

    It says it is not headless, so the app renders its frames into terminal bytes as it does for
    a real one (Textual skips that work when headless); input and size are the headless driver's."""

    class CaptureDriver(HeadlessDriver):
        @property
        def is_headless(self) -> bool:
            return False

        def write(self, data: str) -> None:
            sink.append(data)

    return CaptureDriver


def server_for(scenario: str | Mapping[str, str], **kwargs: Any) -> HostileServer:
    """A hostile server on the console tests' fixed clock."""
    kwargs.setdefault("clock", FixedClock(FIXED))
    return HostileServer(scenario, **kwargs)


def hostile_config(
    server: HostileServer, *, providers: Mapping[str, Mapping[str, Any]] | None = None, **app: Any
) -> Config:
    """The server's providers (literal keys, in memory); `app` is the `[app]` table (polls every
    600 s unless given: the tests poll when they mean to)."""
    entries = server.provider_dicts()
    for entry in entries:
        entry.update((providers or {}).get(entry["kind"], {}))
    return parse_config({"app": {"poll_interval": 600.0, **app}, "providers": entries})


class Board(NamedTuple):
    server: HostileServer
    app: SessionboardApp
    pilot: Pilot[Any]
    screen: MainScreen
    output: list[str]
    """Everything the app wrote to its terminal so far."""

    def written(self) -> str:
        return "".join(self.output)


async def until(pilot: Pilot[Any], condition: Callable[[], bool], what: str, limit: float = DEADLINE) -> None:
    """Pump the app until `condition` holds; fails with `what`, or at once if the app stopped."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not condition():
        if not pilot.app.is_running:
            raise AssertionError(f"the console stopped while waiting for: {what}")
        if loop.time() > end:
            raise AssertionError(f"never happened: {what}")
        await pilot.pause(0.02)


@asynccontextmanager
async def hostile_console(
    server: HostileServer,
    *,
    config: Config | None = None,
    size: tuple[int, int] = (200, 50),
    network: bool = False,
    notifications: bool = True,
    limit: float = DEADLINE,
    providers: Mapping[str, Mapping[str, Any]] | None = None,
    **app: Any,
) -> AsyncIterator[Board]:
    """The console over `server`, its terminal output captured, handed over once every provider
    has answered a first poll. In-process (`httpx.ASGITransport`) unless `network`: then over the
    server's real socket, with the adapters' own transports (proxies, TLS), so the server must be
    started. Toasts are shown (`notifications`), as an operator sees them."""
    config = config or hostile_config(server, providers=providers, **app)
    # Made as the console makes them (timeouts, body caps from the config), over the server's app
    # in-process unless `network`.
    made = make_providers(config) if network else make_providers(config, transport=httpx.ASGITransport(app=server.app))
    console = SessionboardApp(config, providers=made, now=fixed_now(FIXED.timestamp()))
    output: list[str] = []
    console.driver_class = capture_driver(output)
    async with console.run_test(headless=False, size=size, notifications=notifications) as pilot:
        screen = board(console)
        await until(pilot, lambda: all(s.received_at is not None for s in screen.statuses.values()),
                    "every provider polled once", limit)
        await pilot.pause()
        yield Board(server, console, pilot, screen, output)


def rows_of(screen: MainScreen, provider: str) -> list[Any]:
    return [screen.table.session(key) for key in screen.table.keys() if key[0] == provider]


def small(**kwargs: Any) -> Options:
    """Options with small bodies, for tests that do not measure size."""
    return Options(**{"bomb_mb": 8, "huge_mb": 1, **kwargs})
