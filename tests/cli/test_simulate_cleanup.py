"""Issue 15 item 15: `sessionboard simulate` leaves no key files behind, however it stops: SIGINT,
SIGTERM, SIGHUP, the process that started it gone, an error at start. Each in a real subprocess
whose TMPDIR is a directory of the test's own, so "nothing left" is "that directory is empty"."""

from __future__ import annotations

import os
import select
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

TIMEOUT = 30.0


def _alive(pid: int) -> bool:
    """Running, not a zombie (an orphan's reaper may be slow to collect it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _key_files(tmp: Path) -> list[Path]:
    return sorted(tmp.rglob("*.key"))


def _wait_until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def _env(tmp: Path) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(tmp)}


def _start(tmp: Path) -> subprocess.Popen[bytes]:
    """simulate until its banner: by then its five key files exist."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sessionboard", "simulate", "--sessions", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=_env(tmp),
    )
    assert proc.stderr is not None
    banner = b""
    deadline = time.monotonic() + TIMEOUT
    while b"serving on" not in banner:
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail(f"simulate did not start: {banner!r}")
        if select.select([proc.stderr], [], [], 0.2)[0]:
            banner += os.read(proc.stderr.fileno(), 4096)
    return proc


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=lambda s: signal.Signals(s).name)
def test_a_signal_stops_it_and_removes_the_keys(tmp_path: Path, signum: int) -> None:
    proc = _start(tmp_path)
    try:
        keys = _key_files(tmp_path)
        assert len(keys) == 5 and all(stat.S_IMODE(k.stat().st_mode) == 0o600 for k in keys)
        proc.send_signal(signum)
        assert proc.wait(TIMEOUT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert list(tmp_path.iterdir()) == []
    assert proc.stderr is not None and b"Traceback" not in proc.stderr.read()


def test_its_parent_gone_stops_it_and_removes_the_keys(tmp_path: Path) -> None:
    """A parent killed outright (SIGKILL: no chance to clean up after its child) is noticed by the
    child itself: its parent process changes, and it stops as on SIGTERM."""
    code = (
        "import subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-m', 'sessionboard', 'simulate', '--sessions', '2'],"
        " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=_env(tmp_path),
                              stdin=subprocess.DEVNULL)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        _wait_until(lambda: len(_key_files(tmp_path)) == 5, "the five key files")
        parent.kill()
        parent.wait()
        _wait_until(lambda: not _alive(child), "simulate to stop once its parent is gone")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        if _alive(child):
            os.kill(child, signal.SIGKILL)
    assert list(tmp_path.iterdir()) == []


def test_a_closed_stdout_at_start_stops_it_quietly_without_keys(tmp_path: Path) -> None:
    """The config cannot be handed over (`simulate | true`): the keys it named go at once."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "sessionboard", "simulate", "--sessions", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=_env(tmp_path),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(TIMEOUT) == 141
    assert err == b""
    assert list(tmp_path.iterdir()) == []


def test_a_busy_port_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "sessionboard", "simulate", "--port", str(port)],
            capture_output=True, text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL, env=_env(tmp_path),
        )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"sessionboard: simulate: cannot listen on 127.0.0.1:{port}: Address already in use"]
    assert list(tmp_path.iterdir()) == []
