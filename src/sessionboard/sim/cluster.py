"""All five simulators behind one uvicorn server on loopback: what `sessionboard demo`,
`sessionboard simulate`, the adapter tests over real sockets and the benchmarks start.

Mounts: `/rufus/v0`, `/devices`, `/vsay/v1`, `/agents`, `/tasknet`, so each `base_url(kind)` looks
like the real service's base URL and the adapters need no special case.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
import socket
import sys
import tempfile
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import Any

import tomli_w
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from sessionboard.sim.agents import AgentsSim
from sessionboard.sim.base import SimBase
from sessionboard.sim.clock import Clock
from sessionboard.sim.devices import DevicesSim
from sessionboard.sim import layout
from sessionboard.sim.layout import (
    HOST,
    MOUNTS,
    POLL_INTERVAL,
    PROVIDER_NAMES,
    listening_socket,
    provider_table,
    session_counts,
)
from sessionboard.sim.lifeline import stop_when_orphaned, stop_when_stdin_closes
from sessionboard.sim.loop_thread import LoopThread
from sessionboard.sim.rufus import RufusSim
from sessionboard.sim.tasknet import TasknetSim
from sessionboard.sim.vsay import VsaySim

log = logging.getLogger(__name__)

VSAY_CHURN_PACE = 0.02
"""The vsay simulator acts on one churn tick in 50: a seeded SSH session then lives about
twenty minutes (seven of them, a tick every 2 s), long enough to attach to and work in."""


class _Server(uvicorn.Server):
    """uvicorn without its signal capture: the owner of the loop (pytest, the console,
    `run_simulate`) decides what Ctrl+C does."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class SimCluster:
    """Five seeded simulators on one port.

    `sessions_per_provider=None` gives each a believable 10-25 sessions; `live=True` makes sessions
    come and go every 1-3 s (seeded) while the server runs; `ssh_port` is written into the `ssh`
    provider's `[ssh]` table so attach reaches a local SSH server; `port=0` picks a free port.
    `sock` is a listening socket bound by someone else to serve on instead (the demo's console
    binds it, so it knows the address before this process has started); the cluster closes it
    when stopped. `api_keys` (kind -> key) replaces the generated keys.
    """

    def __init__(
        self,
        seed: int = 1,
        sessions_per_provider: int | None = None,
        clock: Clock | None = None,
        live: bool = False,
        ssh_port: int | None = None,
        port: int = 0,
        ssh_host: str = HOST,
        churn_every: tuple[float, float] = (1.0, 3.0),
        sock: socket.socket | None = None,
        api_keys: Mapping[str, str] | None = None,
    ) -> None:
        self.seed = seed
        self.live = live
        self.churn_every = churn_every
        """Seconds between two churns of the live demo: drawn uniformly from this range."""
        self.ssh_port = ssh_port
        self._requested_port = port
        self.counts = counts = session_counts(seed, sessions_per_provider)
        keys = api_keys or {}
        self.sims: dict[str, SimBase] = {
            "rufus": RufusSim(seed=seed, sessions=counts["rufus"], clock=clock, api_key=keys.get("rufus")),
            "devices": DevicesSim(seed=seed, sessions=counts["devices"], clock=clock, api_key=keys.get("devices")),
            "vsay": VsaySim(
                seed=seed, sessions=counts["vsay"], clock=clock, ssh_host=ssh_host, api_key=keys.get("vsay"),
                churn_pace=VSAY_CHURN_PACE,
            ),
            "agents": AgentsSim(seed=seed, sessions=counts["agents"], clock=clock, api_key=keys.get("agents")),
            "tasknet": TasknetSim(seed=seed, sessions=counts["tasknet"], clock=clock, api_key=keys.get("tasknet")),
        }
        self.app = Starlette(
            routes=[Route("/", self._index, methods=["GET"])]
            + [Mount(MOUNTS[kind], app=sim.app) for kind, sim in self.sims.items()]
        )
        self._socket: socket.socket | None = sock
        self._server: _Server | None = None
        self._serve_task: asyncio.Task[None] | None = None
        self._churn_task: asyncio.Task[None] | None = None
        self._runner = LoopThread("sessionboard-sim")

    async def _index(self, request: Request) -> Response:
        return JSONResponse({kind: self.base_url(kind) for kind in self.sims})

    # -- addresses and configuration ------------------------------------------------------------
    @property
    def port(self) -> int:
        """The bound port once started (before that, the port asked for, 0 meaning any)."""
        if self._socket is not None:
            return int(self._socket.getsockname()[1])
        return self._requested_port

    def base_url(self, kind: str) -> str:
        return layout.base_url(self.port, kind)

    def _provider(self, kind: str, api_key: str) -> dict[str, Any]:
        ssh = {"port": self.ssh_port} if self.ssh_port is not None else None
        return provider_table(kind, self.port, api_key, self.counts[kind], ssh=ssh)

    def provider_dicts(self) -> list[dict[str, Any]]:
        """Provider tables for `parse_config({"providers": ...})`, keys as literals (in memory only)."""
        return [self._provider(kind, sim.api_key) for kind, sim in self.sims.items()]

    def config_toml(self, key_dir: Path) -> str:
        """A ready-made config whose keys are `file:` references to files written under key_dir
        (mode 0600), so the text can be printed or saved without holding a secret."""
        key_dir = Path(key_dir)
        key_dir.mkdir(parents=True, exist_ok=True)
        providers = []
        for kind, sim in self.sims.items():
            path = key_dir / f"{PROVIDER_NAMES[kind]}.key"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(sim.api_key + "\n")
            providers.append(self._provider(kind, f"file:{path}"))
        head = (
            "# sessionboard: configuration for the local simulators"
            f" (sessionboard simulate, port {self.port}).\n"
            "# The API keys are in the files named below; they last as long as the simulators run.\n"
        )
        return head + tomli_w.dumps({"app": {"poll_interval": POLL_INTERVAL}, "providers": providers})

    # -- running inside an existing loop --------------------------------------------------------
    async def start(self) -> None:
        if self._serve_task is not None:
            raise RuntimeError("the cluster is already running")
        sock = self._socket if self._socket is not None else listening_socket(self._requested_port)
        self._socket = sock
        config = uvicorn.Config(
            self.app,
            lifespan="off",
            log_level="warning",
            access_log=False,
            ws="websockets-sansio",
            timeout_graceful_shutdown=2,
        )
        self._server = _Server(config)
        self._serve_task = asyncio.create_task(self._server.serve(sockets=[sock]))
        while not self._server.started:
            if self._serve_task.done():
                error = self._serve_task.exception()
                self._reset()
                raise RuntimeError(f"the simulators did not start: {error or 'server exited'}")
            await asyncio.sleep(0.005)
        if self.live:
            self._churn_task = asyncio.create_task(self._churn_loop())

    async def stop(self) -> None:
        if self._churn_task is not None:
            self._churn_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._churn_task
        if self._server is not None and self._serve_task is not None:
            self._server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await self._serve_task
        self._reset()

    def _reset(self) -> None:
        if self._socket is not None:
            self._socket.close()
        self._socket = None
        self._server = None
        self._serve_task = None
        self._churn_task = None

    async def _churn_loop(self) -> None:
        rng = random.Random(f"churn:{self.seed}")
        while True:
            await asyncio.sleep(rng.uniform(*self.churn_every))
            for kind, sim in self.sims.items():
                try:
                    sim.churn(rng)
                except Exception:  # a demo hiccup must not stop the server
                    log.exception("churn of the %s simulator failed", kind)

    async def __aenter__(self) -> SimCluster:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- running in a thread of its own ---------------------------------------------------------
    def start_in_thread(self, timeout: float = 10.0) -> None:
        """Serve from a daemon thread with its own loop (the console's demo, the CLI)."""
        self._runner.start(self.start, timeout, late="the simulators did not start in time")

    def stop_thread(self, timeout: float = 10.0) -> None:
        self._runner.stop(self.stop, timeout)


@contextlib.contextmanager
def _stop_on_signals(
    signals: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM),
) -> Generator[asyncio.Event, None, None]:
    """An event set by one of `signals` (SIGINT, SIGTERM) while inside (handlers installed before
    anything is announced, so a parent that signals as soon as it reads the banner is handled too)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    handled: list[int] = []
    for signum in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
    try:
        yield stop
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)


SIMULATE_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""Ctrl+C, a kill, a closed terminal: each is a clean stop that removes the key files."""


async def _simulate(port: int | None, sessions: int | None, seed: int, live: bool) -> int:
    cluster = SimCluster(seed=seed, sessions_per_provider=sessions, live=live, port=port or 0)
    # The handlers and the parent watch come first: from the moment a key file exists, every way
    # out but SIGKILL runs the `with` below, which removes the directory.
    with _stop_on_signals(SIMULATE_SIGNALS) as stop:
        stop_when_orphaned(stop.set)
        try:
            await cluster.start()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            print(f"sessionboard: simulate: cannot listen on {HOST}:{port or 0}: {reason}", file=sys.stderr, flush=True)
            return 1
        try:
            with tempfile.TemporaryDirectory(prefix="sessionboard-sim-") as key_dir:
                sys.stdout.write(cluster.config_toml(Path(key_dir)))
                sys.stdout.flush()
                print(f"# serving on http://{HOST}:{cluster.port} - Ctrl+C to stop", file=sys.stderr, flush=True)
                await stop.wait()
        finally:
            await cluster.stop()
    return 0


def run_simulate(port: int | None = None, sessions: int | None = None, seed: int = 1, live: bool = False) -> int:
    """`sessionboard simulate`: serve until SIGINT, SIGTERM or SIGHUP, or until the process that
    started it is gone; 0 after a clean stop, 1 when the port cannot be had. The config goes to
    stdout, the banner to stderr. The key files the config names are removed on every way out
    (a closed stdout, an error, a signal) but SIGKILL, which no process can catch.

    Not live by default: scripts and tests that compare two lists need the simulators to change
    only when asked (leases, passings and logs still follow the clock). `live=True` adds the
    demo's churn."""
    try:
        return asyncio.run(_simulate(port, sessions, seed, live))
    except KeyboardInterrupt:
        return 0


def _read_key(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.readline().strip()


async def _serve_demo(
    listen_fd: int, key_files: Mapping[str, str], sessions: int | None, seed: int, churn_every: tuple[float, float]
) -> int:
    with _stop_on_signals() as stop:
        try:
            keys = {kind: _read_key(path) for kind, path in key_files.items()}
            sock = socket.socket(fileno=listen_fd)
        except OSError as exc:
            print(f"cannot start: {exc}", file=sys.stderr, flush=True)
            return 1
        cluster = SimCluster(
            seed=seed, sessions_per_provider=sessions, live=True, sock=sock, api_keys=keys, churn_every=churn_every
        )
        stop_when_stdin_closes(stop.set)  # the console holds our stdin: its end is ours
        try:
            await cluster.start()
            print(f"# serving on http://{HOST}:{cluster.port}", file=sys.stderr, flush=True)
            await stop.wait()
        finally:
            await cluster.stop()
    return 0


def run_demo_simulators(
    listen_fd: int,
    key_files: Mapping[str, str],
    sessions: int | None = None,
    seed: int = 1,
    churn_every: tuple[float, float] = (1.0, 3.0),
) -> int:
    """The simulators of `sessionboard demo`, live, in the child process the console starts: they
    serve on the listening socket the console bound (inherited as `listen_fd`) with the keys in
    `key_files` (kind -> path), both made by the console, which built its config from
    `sim.layout` without waiting for this process. Prints nothing but a banner and its errors
    (stderr); serves until SIGTERM/SIGINT or until its stdin, a pipe from the console, closes.
    `churn_every` is `SimCluster`'s (the soak benchmark speeds the churn up)."""
    try:
        return asyncio.run(_serve_demo(listen_fd, key_files, sessions, seed, churn_every))
    except KeyboardInterrupt:
        return 0
