"""`sessionboard demo` in a real pty, ended as a closed terminal window ends it (SIGHUP) or as a
dead console would be (SIGKILL): its children and its files must not outlive it."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TIMEOUT = 30.0


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _start_demo(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int, set[int]]:
    """The demo on a pty of 120x40 until it has started both children (the SSH server starts
    after the first frame); its temporary files go under tmp_path."""
    master, slave = pty.openpty()
    env = {**os.environ, "TMPDIR": str(tmp_path), "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    env.pop("CI", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "sessionboard", "demo"],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
    )
    os.close(slave)
    deadline = time.monotonic() + TIMEOUT
    children: set[int] = set()
    while len(children) < 2:
        if time.monotonic() > deadline or proc.poll() is not None:
            pytest.fail(f"the demo did not start its two children (exit {proc.poll()})")
        if select.select([master], [], [], 0.1)[0]:
            try:
                os.read(master, 65536)  # keep the pty drained so the app never blocks on output
            except OSError:
                pass
        children = _children(proc.pid)
    return proc, master, children


def _wait_gone(pids: set[int], master: int) -> None:
    deadline = time.monotonic() + TIMEOUT
    while any(_alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            pytest.fail(f"still running: {[pid for pid in pids if _alive(pid)]}")
        if select.select([master], [], [], 0.05)[0]:
            try:
                os.read(master, 65536)
            except OSError:
                pass


def test_a_closed_terminal_ends_the_demo_with_its_children_and_files(tmp_path: Path) -> None:
    proc, master, children = _start_demo(tmp_path)
    try:
        assert list(tmp_path.iterdir())  # the keys and the SSH server's files are there now
        os.kill(proc.pid, signal.SIGHUP)
        _wait_gone(children, master)
        assert proc.wait(TIMEOUT) == 128 + signal.SIGHUP
        assert list(tmp_path.iterdir()) == []
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()


def test_children_end_when_the_console_is_killed_outright(tmp_path: Path) -> None:
    """SIGKILL leaves no chance to clean up: the children notice their stdin pipe close."""
    proc, master, children = _start_demo(tmp_path)
    try:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(TIMEOUT)
        _wait_gone(children, master)
    finally:
        os.close(master)
