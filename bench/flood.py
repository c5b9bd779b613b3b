"""What the end-to-end terminal benches share: the text file they `cat`, the view that counts the
frames it paints, and the anchor (the bare emulator fed the same bytes in the same run).

Imported by `bench_widget.py` and `bench_terminal_ssh.py` (run as scripts, so `bench/` is on the
path); keeping one copy keeps the two figures comparable."""

from __future__ import annotations

import random
import time
from pathlib import Path

from textual.geometry import Region
from textual.strip import Strip

from sessionboard.terminal.emulator import Emulator
from sessionboard.terminal.widget import TerminalView

WORDS = "the quick brown fox jumps over lazy dog lorem ipsum dolor sit amet session board".split()


def make_file(path: Path, size: int) -> None:
    """Write about `size` bytes of seeded words in lines under 80 columns."""
    rng = random.Random(1)
    lines = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 14)))[:79]
        lines.append(line)
        total += len(line) + 1
    path.write_text("\n".join(lines) + "\n")


class CountingView(TerminalView):
    """Counts the frames really painted: render passes over row 0 (the flood scrolls every row).

    `render_lines` is where Textual asks for the pane's rows on either paint path."""

    painted = 0

    def render_lines(self, crop: Region) -> list[Strip]:
        if crop.y == 0 and crop.height:
            self.painted += 1
        return super().render_lines(crop)


def emulator_rate(data: bytes, repeat: int = 1) -> float:
    """The anchor: MB/s of a bare 80x24 emulator fed `data` in 32 KiB pieces, best of `repeat`."""
    best = 0.0
    for _ in range(repeat):
        emu = Emulator(80, 24)
        t = time.perf_counter()
        for i in range(0, len(data), 32768):
            emu.feed(data[i : i + 32768])
        best = max(best, len(data) / (time.perf_counter() - t) / 1e6)
    return best
