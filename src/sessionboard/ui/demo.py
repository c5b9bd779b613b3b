"""`sessionboard demo`: the console on the built-in simulators, started on loopback for the run.

The simulators run as a child process (`run_simulate(..., live=True)`, the code behind
`sessionboard simulate`), started before the console imports Textual: on two cores the two start
up side by side, and the simulators' own work never competes with the console's event loop for
the GIL. Their API keys stay in files of the child's temporary directory; the config it prints
refers to them as `file:` and holds no secret.

`t` on a vsay (`ssh`) session reaches a real shell: a `LocalSshServer` runs for the run in a
second child process, with a generated client key, and the console gets a known_hosts file
trusting its host key (temporary files, removed at exit), so host keys are checked and nothing is
asked.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: the child starts before anything heavy is imported
    from sessionboard.config import Config
    from sessionboard.ui.app import SessionboardApp

PROGRAM = (
    "import sys\n"
    "from sessionboard.sim.cluster import run_simulate\n"
    "sys.exit(run_simulate(None, {sessions!r}, seed={seed!r}, live=True))\n"
)


class DemoError(Exception):
    """The simulators did not start; the message is one line for the user."""


class DemoSimulators:
    def __init__(self, *, seed: int = 1, sessions: int | None = None, timeout: float = 30.0) -> None:
        self.seed = seed
        self.sessions = sessions
        self.timeout = timeout
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        code = PROGRAM.format(sessions=self.sessions, seed=self.seed)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # the terminal's signals are the console's to handle
        )

    def config(self) -> Config:
        """Wait for the child's ready line, then read the config it printed before it."""
        from sessionboard.config import ConfigError, parse_config

        proc = self.proc
        if proc is None or proc.stdout is None or proc.stderr is None:
            raise DemoError("the simulators were not started")
        out, err = bytearray(), bytearray()
        deadline = time.monotonic() + self.timeout
        while b"serving on" not in err:
            if proc.poll() is not None:
                last = bytes(err).decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
                raise DemoError(f"the simulators stopped: {last[0]}")
            if time.monotonic() > deadline:
                raise DemoError(f"the simulators did not start within {self.timeout:g}s")
            ready, _, _ = select.select([proc.stdout, proc.stderr], [], [], 0.05)
            for stream in ready:
                chunk = os.read(stream.fileno(), 65536)
                (out if stream is proc.stdout else err).extend(chunk)
        # The config is written and flushed before the ready line: whatever is left is in the pipe.
        while select.select([proc.stdout], [], [], 0.05)[0]:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            out.extend(chunk)
        try:
            return parse_config(tomllib.loads(out.decode()))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, ConfigError) as exc:
            raise DemoError(f"the simulators printed an unusable config: {exc}") from None

    def stop(self) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class DemoSsh:
    """The demo's SSH server: `python -m sessionboard.sim.ssh_server` in a child process of its
    own (started beside the simulators, so the console pays neither its imports nor its shells'
    traffic), and a known_hosts file for it in a temporary directory removed at exit. The child
    keeps its host key and generated client key in a temporary directory it removes when stopped."""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self.settings: dict[str, Any] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sessionboard.sim.ssh_server"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def ready(self) -> None:
        """Wait for the child's one JSON line: where it listens, the user, key and host key."""
        proc = self.proc
        if proc is None or proc.stdout is None:
            raise DemoError("the SSH server was not started")
        line = bytearray()
        deadline = time.monotonic() + self.timeout
        while not line.endswith(b"\n"):
            if time.monotonic() > deadline:
                raise DemoError(f"the SSH server did not start within {self.timeout:g}s")
            if select.select([proc.stdout], [], [], 0.05)[0]:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    raise DemoError("the SSH server stopped")
                line.extend(chunk)
        info = json.loads(line)
        self._dir = tempfile.TemporaryDirectory(prefix="sessionboard-demo-ssh-")
        known_hosts = Path(self._dir.name) / "known_hosts"
        known_hosts.write_text(info["known_hosts_line"] + "\n", encoding="utf-8")
        self.settings = {
            "port": info["port"],
            "username": info["username"],
            "known_hosts": str(known_hosts),
            "client_keys": [info["client_key"]],
        }

    def apply(self, config: Config) -> Config:
        """The config with every vsay provider attaching over SSH to this server."""
        from sessionboard.config.models import SshSettings

        if self.settings is None:
            return config
        ssh = SshSettings(**self.settings)
        providers = [p.model_copy(update={"ssh": ssh}) if p.kind == "vsay" else p for p in config.providers]
        return config.model_copy(update={"providers": providers})

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None


def _with_demo_ssh(app_class: type[SessionboardApp] | None) -> type[SessionboardApp]:
    """The app class, attaching without the user's ~/.ssh/config and agent: the demo's server
    knows only its own generated key."""
    from sessionboard.ui.app import SessionboardApp

    base = app_class or SessionboardApp
    options = {**base.attach_options, "ssh_config": (), "use_agent": False}
    return type(base.__name__, (base,), {"attach_options": options})


def run_demo(
    *,
    seed: int = 1,
    sessions: int | None = None,
    app_class: type[SessionboardApp] | Callable[[], type[SessionboardApp]] | None = None,
) -> int:
    """Live simulators in a child process, the console in the foreground; returns the exit status.

    `app_class` (benchmarks) may be a function that returns the class, so that defining it does
    not import Textual before the simulators are started.
    """
    sims = DemoSimulators(seed=seed, sessions=sessions)
    ssh = DemoSsh()
    try:
        sims.start()
        try:
            ssh.start()  # a second child, beside the simulators
        except OSError as exc:
            print(f"sessionboard demo: no SSH server, attach will fail: {exc.strerror}", file=sys.stderr)
        # Import Textual and the board while the child starts (two cores: side by side).
        import sessionboard.ui.app  # noqa: F401
        from sessionboard.ui.entry import run_console

        config = sims.config()
        try:
            ssh.ready()
            config = ssh.apply(config)
        except (DemoError, ValueError, KeyError) as exc:
            print(f"sessionboard demo: no SSH server, attach will fail: {exc}", file=sys.stderr)
        if app_class is not None and not isinstance(app_class, type):
            app_class = app_class()
        return run_console(config, title="sessionboard demo", app_class=_with_demo_ssh(app_class))
    except DemoError as exc:
        print(f"sessionboard demo: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"sessionboard demo: cannot start the simulators: {exc.strerror or type(exc).__name__}", file=sys.stderr)
        return 1
    finally:
        sims.stop()
        ssh.stop()


def demo_config_from_cluster(cluster: Any) -> Config:
    """For in-process use (tests, benchmarks): a `SimCluster`'s providers as a config."""
    from sessionboard.config import parse_config

    return parse_config({"app": {"poll_interval": 2.0}, "providers": cluster.provider_dicts()})
