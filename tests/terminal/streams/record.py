"""Record the byte streams the emulator tests replay: real programs run in a real 80x24 pty, their
output saved verbatim. Run from the repo root to regenerate (the files are committed):

    /work/venv/bin/python -m tests.terminal.streams.record

Each recording is a script of (delay, keys) steps sent to the program; a `mark` step saves the
output so far as a separate file, so "vim with its screen drawn" and "vim after :q" both exist.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLS, ROWS = 80, 24

# A text file for vim / less: fixed content so the recordings are reproducible.
SAMPLE = "\n".join(
    f"{i:03d} def function_{i}(arg):  # sample line for the pager and the editor, wide enough"
    for i in range(1, 120)
) + "\n"

WIDE = (
    "printf '%s\\n' 'CJK: 中文字符 日本語 한국어' 'emoji: 😀 🎉 👍 ok' "
    "'mixed: a中b文c 😀d' "
    f"'{'x' * 79}中' "  # a wide character that does not fit in the last column wraps
    f"'{'y' * 78}中z'"
)

RECORDINGS: dict[str, list[tuple[float, bytes | str]]] = {
    # name: steps; str steps are "mark:<file>" or "cmd:<shell command>"
    "plain": [(0, "cmd:seq 1 40; printf '%s\\n' \"$(printf 'long-%.0s' $(seq 1 30))\"; echo done")],
    "ls_color": [(0, "cmd:ls --color=always -F /etc /usr/share")],
    "wide": [(0, "cmd:" + WIDE)],
    "vim": [
        (0, "cmd:echo shell-before; vim -u NONE -N -i NONE -c 'syntax on' -c 'set number' sample.py"),
        (1.5, b""),
        (0, "mark:vim_screen"),
        (0, b"G"),
        (0.5, b""),
        (0, "mark:vim_scrolled"),
        (0, b":q!\r"),
        (0.8, b""),
    ],
    "less": [
        (0, "cmd:echo shell-before; less sample.py; echo shell-after"),
        (1.0, b""),
        (0, "mark:less_screen"),
        (0, b" "),
        (0.5, b""),
        (0, b"q"),
        (0.8, b""),
    ],
    "top": [
        (0, "cmd:top -d 1"),
        (1.5, b""),
        (0, "mark:top_screen"),
        (0, b"q"),
        (0.8, b""),
    ],
}


def _spawn(command: str, cwd: Path) -> tuple[int, int]:
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.chdir(cwd)
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "TERM": "xterm-256color",
            "HOME": str(cwd),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "COLUMNS": str(COLS),
            "LINES": str(ROWS),
        }
        os.execve("/bin/sh", ["sh", "-c", command], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    return pid, fd


def _drain(fd: int, seconds: float, out: bytearray) -> bool:
    """Read for `seconds` (at least one poll); False once the program has closed the pty."""
    end = time.monotonic() + seconds
    while True:
        left = max(0.0, end - time.monotonic())
        r, _, _ = select.select([fd], [], [], min(left, 0.05))
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return False
            if not chunk:
                return False
            out += chunk
        elif time.monotonic() >= end:
            return True


def record(name: str, steps: list[tuple[float, bytes | str]], workdir: Path) -> None:
    out = bytearray()
    pid = fd = -1
    for delay, step in steps:
        if isinstance(step, str) and step.startswith("cmd:"):
            pid, fd = _spawn(step[4:], workdir)
            _drain(fd, 0.3, out)
            continue
        _drain(fd, delay, out)
        if isinstance(step, str) and step.startswith("mark:"):
            (HERE / f"{step[5:]}.bin").write_bytes(bytes(out))
            continue
        if step:
            os.write(fd, step)
    while _drain(fd, 1.0, out):
        pass
    os.waitpid(pid, 0)
    (HERE / f"{name}.bin").write_bytes(bytes(out))
    print(f"{name}: {len(out)} bytes")


def main() -> None:
    workdir = Path("/tmp/sessionboard-record")
    workdir.mkdir(exist_ok=True)
    (workdir / "sample.py").write_text(SAMPLE)
    names = sys.argv[1:] or list(RECORDINGS)
    for name in names:
        record(name, RECORDINGS[name], workdir)


if __name__ == "__main__":
    main()
