"""Conformance measured with vttest: its screens in our emulator beside the same bytes in tmux.

    .venv/bin/python bench/vttest_conformance.py [--out DIR] [--only NAME]

vttest (Debian's package, /usr/bin/vttest) runs on a pty of 80x24 whose other end is our
`Emulator` (it answers vttest's queries, as the pane would). Each run below walks vttest's menus
to one test and presses Return at every screen the test shows until vttest is back at a menu;
a screen is taken when vttest has written nothing for `--idle` seconds. The bytes vttest wrote
up to each screen are then `cat` into a tmux pane of the same size (tests/terminal/streams/
tmuxcap.py) and the two screens compared as text, row by row. Both get the very same bytes, so a
difference is a difference of the emulators, not of the session.

tmux is the reference where xterm's ctlseqs is silent or agrees; where tmux lacks a feature that
xterm has (left/right margins) or differs from xterm, a differing screen is not a failure by
itself: `--out` keeps both screens of every difference to read against what vttest says it
should show, and the table names what was found there when this script was written. Nothing here is a test: vttest's timing decides
where a screen is cut, so a run on a loaded machine may cut one screen differently.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import struct
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sessionboard.terminal.emulator import Emulator  # noqa: E402
from sessionboard.terminal.screen import DEC_GRAPHICS  # noqa: E402
from tests.terminal.streams.tmuxcap import run_in_tmux  # noqa: E402

VTTEST = "/usr/bin/vttest"
COLS, ROWS = 80, 24
MENU_PROMPT = "Enter choice number"
# tmux's capture-pane prints a cell drawn in DEC line-drawing as the ASCII letter it was sent as
# ("q" for a horizontal line); our screen holds the line itself. Compared as tmux prints them.
AS_SENT = str.maketrans({glyph: chr(code) for code, glyph in DEC_GRAPHICS.items()})


@dataclass(frozen=True)
class Run:
    """One vttest test: the submenus that lead to it, the choices there that only toggle a
    setting (pressed again afterwards, to undo them), and the choice that starts it."""

    name: str
    menus: tuple[str, ...]
    test: str
    toggles: tuple[str, ...] = ()
    known: str = ""  # why a screen may differ from tmux's (read against vttest's own words)


RUNS = [
    Run("1 cursor movements", (), "1", known="132-column pass in an 80-column pane; CUB from a pending wrap"),
    Run("2 screen features", (), "2", known="DECSTBM homes to the margin in origin mode (xterm), tmux to row 1"),
    Run("8 VT102 insert/delete", (), "8"),
    Run("11.3.2.9 VT420 movement within margins", ("11", "3", "2"), "9", ("3", "5"), "tmux lacks DECSLRM"),
    Run("11.3.2.10 VT420 CR/HT/LF/FF within margins", ("11", "3", "2"), "10", ("3", "5"), "tmux lacks DECSLRM"),
    Run("11.3.2.7 VT420 back index (DECBI)", ("11", "3", "2"), "7", ("3", "5"), "neither has DECBI"),
    Run("11.3.3.10 VT420 IND/RI within margins", ("11", "3", "3"), "10", ("2", "4"), "tmux lacks DECSLRM"),
    Run("11.3.3.11 VT420 IL/DL within margins", ("11", "3", "3"), "11", ("2", "4"), "tmux lacks DECSLRM"),
    Run("11.3.3.12 VT420 ICH/DCH within margins", ("11", "3", "3"), "12", ("2", "4"), "tmux lacks DECSLRM"),
    Run("11.3.3.13 VT420 BS/CR/TAB within margins", ("11", "3", "3"), "13", ("2", "4"), "tmux lacks DECSLRM"),
    Run("11.8.7.3 xterm alternate screen (47)", ("11", "8", "7"), "3"),
    Run("11.8.7.4 xterm alternate screen (1047)", ("11", "8", "7"), "4"),
    Run("11.8.7.5 xterm alternate screen (1049)", ("11", "8", "7"), "5"),
]


@dataclass
class Recording:
    """What vttest wrote, and where each screen of the test ended in it."""

    data: bytearray = field(default_factory=bytearray)
    cuts: list[int] = field(default_factory=list)
    ours: list[list[str]] = field(default_factory=list)


class VtTest:
    """vttest on a pty, our emulator at the other end."""

    def __init__(self, idle: float) -> None:
        self.idle = idle
        self.emu = Emulator(COLS, ROWS)
        self.data = bytearray()
        pid, fd = pty.fork()
        if pid == 0:  # the child: vttest itself
            os.environ["TERM"] = "xterm"
            os.execv(VTTEST, [VTTEST, f"{ROWS}x{COLS}.132"])
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.pump()

    def pump(self, limit: float = 20.0) -> None:
        """Read until vttest has been quiet for `idle` seconds, answering its queries."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], self.idle)
            if not ready:
                return
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            self.data += chunk
            self.emu.feed(chunk)
            replies = self.emu.take_replies()
            if replies:
                os.write(self.fd, replies)

    def press(self, keys: str) -> None:
        os.write(self.fd, keys.encode())
        self.pump()

    def at_menu(self) -> bool:
        return any(MENU_PROMPT in row for row in self.emu.screen.display())

    def run(self, test: Run, max_screens: int = 40) -> Recording:
        """From the main menu: walk to the test, take each of its screens, come back."""
        for choice in (*test.menus, *test.toggles, test.test):
            if choice:
                self.press(choice + "\r")
        rec = Recording()
        for _ in range(max_screens):
            if self.at_menu():
                break
            rec.cuts.append(len(self.data))
            rec.ours.append([row.translate(AS_SENT) for row in self.emu.screen.display()])
            self.press("\r")
        rec.data = bytearray(self.data)
        for choice in test.toggles:
            self.press(choice + "\r")
        for _ in test.menus:  # back to the main menu: 0 in every submenu
            self.press("0\r")
        return rec

    def close(self) -> None:
        try:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        os.close(self.fd)


def tmux_screen(data: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(data)
        f.flush()
        return run_in_tmux(Path(f.name), COLS, ROWS)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, help="write both screens of every difference here")
    parser.add_argument("--only", help="run only the tests whose name starts with this")
    parser.add_argument("--idle", type=float, default=0.3, help="quiet seconds that end a screen")
    args = parser.parse_args()
    if not Path(VTTEST).exists():
        sys.exit("vttest is not installed (apt-get install vttest)")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    runs = [r for r in RUNS if not args.only or r.name.startswith(args.only)]
    vt = VtTest(args.idle)
    total = same = 0
    print(f"{'vttest run':55} {'screens':>7} {'same as tmux':>12}  note")
    try:
        for test in runs:
            rec = vt.run(test)
            matched = 0
            for i, (cut, ours) in enumerate(zip(rec.cuts, rec.ours)):
                theirs = tmux_screen(bytes(rec.data[:cut]))
                if ours == theirs:
                    matched += 1
                elif args.out:
                    stem = f"{test.name.split()[0]}-{i + 1:02d}"
                    (args.out / f"{stem}.ours.txt").write_text("\n".join(ours) + "\n")
                    (args.out / f"{stem}.tmux.txt").write_text("\n".join(theirs) + "\n")
            n = len(rec.cuts)
            total += n
            same += matched
            note = test.known if matched < n else ""
            print(f"{test.name:55} {n:>7} {matched:>12}  {note}")
    finally:
        vt.close()
    print(f"{'all':55} {total:>7} {same:>12}")


if __name__ == "__main__":
    main()
