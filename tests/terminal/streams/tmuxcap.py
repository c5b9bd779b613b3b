"""What tmux shows for a byte stream: the reference the emulator is compared against.

A private tmux server (its own socket, no user config, status line off) runs one detached session
of a fixed size whose pane puts its tty in raw mode and `cat`s the file, then signals a wait-for
channel; `capture-pane -p` then prints the screen. Raw mode keeps the bytes as recorded (CRLF line
ends included) and stops tmux's answers to queries from echoing into the pane.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path

TMUX = shutil.which("tmux") or "/usr/bin/tmux"


def _tmux(socket: str, *args: str, timeout: float = 30.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TMUX, "-L", socket, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def run_in_tmux(path: Path, cols: int = 80, rows: int = 24) -> tuple[list[str], float]:
    """`cat` the file in a cols x rows tmux pane; return (screen rows, seconds until cat ended)."""
    socket = f"sbemu-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    conf = Path(f"/tmp/{socket}.conf")
    conf.write_text("set -g status off\nset -g history-limit 10000\n")
    channel = "catdone"
    marker = f"done-{uuid.uuid4().hex[:8]}"
    tmux = f"{TMUX} -L {socket}"
    script = (
        f"stty raw -echo; t0=$(date +%s.%N); cat {shlex.quote(str(path))}; t1=$(date +%s.%N); "
        f"echo \"$t0 $t1\" > /tmp/{socket}.time; printf '\\033]2;{marker}\\007'; "
        f"{tmux} wait-for -S {channel}; sleep 600"
    )
    try:
        _tmux(socket, "-f", str(conf), "new-session", "-d", "-s", "cap", "-x", str(cols), "-y", str(rows), script)
        _tmux(socket, "wait-for", channel, timeout=300)
        # The marker title is parsed after every byte of the file: once tmux shows it, the
        # screen is complete.
        deadline = time.monotonic() + 60
        while _tmux(socket, "display", "-p", "-t", "cap", "#{pane_title}").stdout.strip() != marker:
            if time.monotonic() > deadline:
                raise TimeoutError("tmux never finished parsing the stream")
            time.sleep(0.02)
        out = _tmux(socket, "capture-pane", "-p", "-t", "cap").stdout
        t0, t1 = (float(v) for v in Path(f"/tmp/{socket}.time").read_text().split())
    finally:
        subprocess.run([TMUX, "-L", socket, "kill-server"], capture_output=True)
        conf.unlink(missing_ok=True)
        Path(f"/tmp/{socket}.time").unlink(missing_ok=True)
    lines = out.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line.rstrip() for line in lines]
    lines += [""] * (rows - len(lines))
    return lines[:rows], t1 - t0
