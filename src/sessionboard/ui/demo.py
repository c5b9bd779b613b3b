"""`sessionboard demo`: the console on the built-in simulators, started on loopback for the run.

Nothing here waits for a child process before the board is on the screen. The console binds the
simulators' listening socket itself, makes their API keys, and builds its config from
`sim.layout` (the same functions the simulators use), then starts the child that serves on that
socket (`run_demo_simulators`) and goes straight on to import Textual and show the board. The
first polls connect at once: the kernel holds their connections in the socket's backlog until
the child, which imports uvicorn and seeds its data on the other core, accepts them. If the child
dies, the socket dies with it (the console closed its own copy), so each provider shows the
connection error; at exit the child's last line is printed.

The keys are in 0600 files of a temporary directory the console owns and removes at exit; the
config and the child's command line hold only their paths.

`t` on a vsay (`ssh`) session reaches a real shell: a `LocalSshServer` in a second child process,
started once the board's first frame is painted so that it does not compete with the start-up.
Its listening socket is bound at once too, and its key files have fixed paths in the temporary
directory, so the config is complete from the start; an attach waits for the server's ready line
before it reads them, so host keys are checked and nothing is asked even when `t` comes early.
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from sessionboard.sim.layout import (
    MOUNTS,
    POLL_INTERVAL,
    PROVIDER_NAMES,
    listening_socket,
    provider_tables,
    session_counts,
)

if TYPE_CHECKING:  # imported where used: the children start before anything heavy is imported
    from sessionboard.config import Config, GeneratedConfig
    from sessionboard.ui.app import SessionboardApp
    from sessionboard.ui.screens.main import MainScreen

PROGRAM = (
    "import sys\n"
    "from sessionboard.sim.cluster import run_demo_simulators\n"
    "sys.exit(run_demo_simulators({fd}, {key_files!r}, {sessions!r}, {seed!r}))\n"
)


class DemoError(Exception):
    """A child of the demo did not start or stopped; the message is one line for the user."""


def _last_line(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        lines = []
    return lines[-1].strip() if lines else "no message"


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is None:
        return
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdin is not None:
        proc.stdin.close()


class DemoSimulators:
    """The five simulators in a child process, serving on a socket this process bound, with keys
    this process made (in `workdir`, which the caller owns and removes)."""

    def __init__(self, workdir: Path, *, seed: int = 1, sessions: int | None = None) -> None:
        self.workdir = Path(workdir)
        self.seed = seed
        self.sessions = sessions
        self.port = 0
        self.key_files = {kind: self.workdir / f"{PROVIDER_NAMES[kind]}.key" for kind in MOUNTS}
        self.log = self.workdir / "simulators.log"
        """The child's stderr: its banner, and why it stopped if it did."""
        self.proc: subprocess.Popen[bytes] | None = None
        self._stopping = False

    def start(self) -> None:
        """Bind, write the keys, start the child; returns at once (the child serves when ready)."""
        for path in self.key_files.values():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_urlsafe(18) + "\n")
        sock = listening_socket()
        try:
            self.port = sock.getsockname()[1]
            code = PROGRAM.format(
                fd=sock.fileno(),
                key_files={kind: str(path) for kind, path in self.key_files.items()},
                sessions=self.sessions,
                seed=self.seed,
            )
            with open(self.log, "wb") as log:
                self.proc = subprocess.Popen(
                    [sys.executable, "-c", code],
                    stdin=subprocess.PIPE,  # held open, never written: its end tells the child we are gone
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    pass_fds=(sock.fileno(),),
                    start_new_session=True,  # the terminal's signals are the console's to handle
                )
        finally:
            sock.close()  # the child's copy is the only one left: if it dies, connections are refused

    def provider_tables(self) -> list[dict[str, Any]]:
        """The `[[providers]]` of the config, keys as `file:` references."""
        keys = {kind: f"file:{path}" for kind, path in self.key_files.items()}
        return provider_tables(self.port, keys, session_counts(self.seed, self.sessions))

    def failure(self) -> str | None:
        """Why the child stopped on its own (its last line), or None while it runs."""
        if self.proc is None or self.proc.poll() is None or self._stopping:
            return None
        return _last_line(self.log)

    def stop(self) -> None:
        self._stopping = self.proc is not None and self.proc.poll() is None
        _stop(self.proc)


class DemoSsh:
    """The demo's SSH server: `python -m sessionboard.sim.ssh_server` in a child process, serving
    on a socket bound here (`bind`, before the config is made) and writing its generated client
    key and a known_hosts line for its host key to fixed paths under `workdir`. `start` runs the
    child; `ready` (or `wait_ready` from the event loop) waits for its JSON line, which it prints
    once it serves and those files are written."""

    def __init__(self, workdir: Path, *, timeout: float = 30.0) -> None:
        self.dir = Path(workdir) / "ssh"
        self.timeout = timeout
        self.port = 0
        self.username = getpass.getuser()
        self.known_hosts = self.dir / "known_hosts"
        self.client_key = self.dir / "client_key"
        self.log = Path(workdir) / "ssh-server.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()  # start and stop
        self._ready_lock = threading.Lock()  # one reader of the ready line; the others wait for it
        self._started = False
        self._ready = False
        self._error: DemoError | None = None

    def bind(self) -> None:
        self.dir.mkdir(mode=0o700)
        self._sock = listening_socket()
        self.port = self._sock.getsockname()[1]

    def settings(self) -> dict[str, Any]:
        """The vsay provider's `[ssh]` table: complete before the server has started."""
        return {
            "port": self.port,
            "username": self.username,
            "known_hosts": str(self.known_hosts),
            "client_keys": [str(self.client_key)],
        }

    def start(self) -> None:
        """Start the child (once; later calls do nothing)."""
        with self._lock:
            if self._started or self._sock is None:
                return
            self._started = True
            sock, self._sock = self._sock, None
            try:
                with open(self.log, "wb") as log:
                    self.proc = subprocess.Popen(
                        [
                            sys.executable, "-m", "sessionboard.sim.ssh_server",
                            "--listen-fd", str(sock.fileno()),
                            "--workdir", str(self.dir),
                            "--username", self.username,
                            "--parent-stdin",
                        ],
                        stdin=subprocess.PIPE,  # held open, never written: its end tells the child we are gone
                        stdout=subprocess.PIPE,
                        stderr=log,
                        pass_fds=(sock.fileno(),),
                        start_new_session=True,
                    )
            except OSError as exc:
                self._error = DemoError(f"the SSH server did not start: {exc.strerror or type(exc).__name__}")
            finally:
                sock.close()

    def ready(self) -> None:
        """Block until the server serves and its files are written (starting it if nobody has);
        raises DemoError when it stopped or did not start in time. Thread-safe; the outcome is kept."""
        self.start()
        with self._ready_lock:
            if not self._ready and self._error is None:
                self._error = self._read_ready_line()
                self._ready = self._error is None
        if self._error is not None:
            raise self._error

    async def wait_ready(self) -> None:
        """`ready` without blocking the event loop."""
        import asyncio  # not at the top: the simulators' child is started before asyncio is imported

        await asyncio.to_thread(self.ready)

    def _read_ready_line(self) -> DemoError | None:
        proc = self.proc
        if proc is None or proc.stdout is None:
            return DemoError("the SSH server was not started")
        stdout: IO[bytes] = proc.stdout
        line = bytearray()
        deadline = time.monotonic() + self.timeout
        while not line.endswith(b"\n"):
            if time.monotonic() > deadline:
                return DemoError(f"the SSH server did not start within {self.timeout:g}s")
            if select.select([stdout], [], [], 0.05)[0]:
                chunk = os.read(stdout.fileno(), 4096)
                if not chunk:
                    proc.wait()
                    return DemoError(f"the SSH server stopped: {_last_line(self.log)}")
                line.extend(chunk)
        try:
            json.loads(line)
        except ValueError:
            return DemoError("the SSH server printed something unexpected")
        return None

    def stop(self) -> None:
        with self._lock:
            proc, self.proc = self.proc, None
            self._started = True  # no start after a stop
            if self._sock is not None:
                self._sock.close()
                self._sock = None
        _stop(proc)  # a reader of the ready line sees the end of its output now
        if proc is not None and proc.stdout is not None:
            with self._ready_lock:
                proc.stdout.close()


def demo_config(sims: DemoSimulators, ssh: DemoSsh | None) -> GeneratedConfig:
    """The console's config for the demo's children, made before either has started. The console
    validates it once its board is painted, so pydantic is imported after the first frame."""
    from sessionboard.config import GeneratedConfig

    providers = sims.provider_tables()
    if ssh is not None:
        for table in providers:
            if table["kind"] == "vsay":
                table["ssh"] = ssh.settings()
    return GeneratedConfig({"app": {"poll_interval": POLL_INTERVAL}, "providers": providers})


def _demo_app(app_class: type[SessionboardApp] | None, ssh: DemoSsh | None) -> type[SessionboardApp]:
    """The app class for the demo: attaches without the user's ~/.ssh/config and agent (the demo's
    server knows only its own generated key), starts the SSH server once the board is painted, and
    lets an SSH attach wait for that server."""
    from sessionboard.ui.app import SessionboardApp

    base = app_class or SessionboardApp

    class DemoApp(base):  # type: ignore[valid-type,misc]
        attach_options = {**base.attach_options, "ssh_config": (), "use_agent": False}

        def on_main_screen_shown(self, message: MainScreen.Shown) -> None:
            if ssh is not None:
                ssh.start()

        async def attach_ready(self, target: Any) -> None:
            await super().attach_ready(target)
            from sessionboard.providers.vsay import SshTarget

            if ssh is not None and isinstance(target, SshTarget) and target.settings.port == ssh.port:
                try:
                    await ssh.wait_ready()
                except DemoError as exc:
                    from sessionboard.terminal.backend import TerminalClosed

                    raise TerminalClosed(str(exc)) from None

    DemoApp.__name__ = DemoApp.__qualname__ = base.__name__
    return DemoApp


def run_demo(
    *,
    seed: int = 1,
    sessions: int | None = None,
    app_class: type[SessionboardApp] | Callable[[], type[SessionboardApp]] | None = None,
) -> int:
    """The simulators and the SSH server in child processes, the console in the foreground;
    returns the exit status.

    `app_class` (benchmarks) may be a function that returns the class, so that defining it does
    not import Textual before the simulators are started.
    """
    workdir = Path(tempfile.mkdtemp(prefix="sessionboard-demo-"))  # mode 0700, removed below
    sims = DemoSimulators(workdir, seed=seed, sessions=sessions)
    ssh: DemoSsh | None = DemoSsh(workdir)
    try:
        try:
            sims.start()
        except OSError as exc:
            print(f"sessionboard demo: cannot start the simulators: {exc.strerror or type(exc).__name__}", file=sys.stderr)
            return 1
        try:
            ssh.bind()
        except OSError as exc:
            print(f"sessionboard demo: no SSH server, attach will fail: {exc.strerror}", file=sys.stderr)
            ssh = None
        # Textual and the board are imported now, while the child starts on the other core.
        from sessionboard.ui.entry import run_console

        config = demo_config(sims, ssh)

        def demo_class() -> type[SessionboardApp]:  # called by run_console, which imports Textual
            base = app_class if app_class is None or isinstance(app_class, type) else app_class()
            return _demo_app(base, ssh)

        status = run_console(config, title="sessionboard demo", app_class=demo_class)
        return status or (1 if sims.failure() is not None else 0)
    finally:
        failure = sims.failure()
        sims.stop()
        if ssh is not None:
            ssh.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        if failure is not None:
            print(f"sessionboard demo: the simulators stopped: {failure}", file=sys.stderr)


def demo_config_from_cluster(cluster: Any) -> Config:
    """For in-process use (tests, benchmarks): a `SimCluster`'s providers as a config."""
    from sessionboard.config import parse_config

    return parse_config({"app": {"poll_interval": POLL_INTERVAL}, "providers": cluster.provider_dicts()})
