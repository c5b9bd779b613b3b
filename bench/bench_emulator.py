"""Emulator throughput and strip cost, beside stock pyte and tmux measured in the same run.

    /work/venv/bin/python bench/bench_emulator.py [--mb 20] [--repeat 3]

Streams (generated, deterministic):
- plain: lines of words with CRLF line ends (a `cat` of a text file);
- ls: `ls --color`-style entries, an SGR around every name, several per line;
- redraw: full-screen frames like htop/top/vim: cursor addressing, colour runs, erase-to-EOL.
Every figure is the best of --repeat runs (other work shares this 2-core machine). pyte is fed a
smaller sample (it is slow; its MB/s does not depend on the size) and tmux the whole file.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import pyte

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sessionboard.terminal.emulator import Emulator  # noqa: E402
from tests.terminal.streams.tmuxcap import run_in_tmux  # noqa: E402

WORDS = "the quick brown fox jumps over lazy dog lorem ipsum dolor sit amet session board".split()


def gen_plain(size: int) -> bytes:
    rng = random.Random(1)
    out: list[str] = []
    total = 0
    while total < size:
        line = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 14)))[:79]
        out.append(line)
        total += len(line) + 2
    return ("\r\n".join(out) + "\r\n").encode()


def gen_ls(size: int) -> bytes:
    rng = random.Random(2)
    colours = ["01;34", "01;32", "01;36", "00", "01;35", "40;31;01", "30;42"]
    out: list[str] = []
    total = 0
    while total < size:
        entries = []
        for _ in range(4):
            name = rng.choice(WORDS) + "_" + str(rng.randint(0, 9999))
            entries.append(f"\x1b[0m\x1b[{rng.choice(colours)}m{name}\x1b[0m" + " " * (18 - len(name)))
        line = "".join(entries)
        out.append(line)
        total += len(line) + 2
    return ("\r\n".join(out) + "\r\n").encode()


def gen_redraw(size: int, cols: int = 80, rows: int = 24) -> bytes:
    rng = random.Random(3)
    frames: list[str] = []
    total = 0
    while total < size:
        parts = ["\x1b[?25l\x1b[H"]
        for y in range(1, rows + 1):
            parts.append(f"\x1b[{y};1H")
            x = 0
            while x < cols - 12:
                n = rng.randint(4, 12)
                fg = rng.randint(0, 255)
                parts.append(f"\x1b[38;5;{fg}m{rng.choice(WORDS)[:n].ljust(n)}")
                x += n
            parts.append("\x1b[m\x1b[K")
        parts.append("\x1b[24;1H\x1b[?25h")
        frame = "".join(parts)
        frames.append(frame)
        total += len(frame)
    return "".join(frames).encode()


def best_rate(feed_once, size: int, repeat: int) -> float:
    best = 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        feed_once()
        dt = time.perf_counter() - t
        best = max(best, size / dt / 1e6)
    return best


def ours(data: bytes) -> None:
    emu = Emulator(80, 24, scrollback=10_000)
    for i in range(0, len(data), 65536):
        emu.feed(data[i : i + 65536])


def stock_pyte(data: bytes, history: bool) -> None:
    screen = pyte.HistoryScreen(80, 24, history=10_000) if history else pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    for i in range(0, len(data), 65536):
        stream.feed(data[i : i + 65536])


def strip_cost(cols: int, rows: int, repeat: int) -> tuple[float, float]:
    """(ms per full frame of our strips, ms per frame of one plain Segment per row as anchor)."""
    from rich.segment import Segment
    from textual.strip import Strip

    emu = Emulator(cols, rows)
    emu.feed(gen_ls(cols * rows * 40))
    emu.feed(gen_redraw(1, cols, rows))  # leave a colourful full screen
    for y in range(rows):
        emu.render_line(y)  # warm the style cache, as in a running pane
    n = 200
    best = best_anchor = float("inf")
    texts = emu.screen.text_lines()
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(n):
            for y in range(rows):
                emu.render_line(y)
        best = min(best, (time.perf_counter() - t) / n * 1000)
        t = time.perf_counter()
        for _ in range(n):
            for y in range(rows):
                Strip([Segment(texts[y])], cols)
        best_anchor = min(best_anchor, (time.perf_counter() - t) / n * 1000)
    return best, best_anchor


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=20.0, help="size of each stream in MB")
    ap.add_argument("--pyte-mb", type=float, default=1.0, help="sample size fed to pyte")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-tmux", action="store_true")
    args = ap.parse_args()
    size = int(args.mb * 1e6)
    psize = int(args.pyte_mb * 1e6)
    goals = {"plain": 5.0, "ls": 5.0, "redraw": 2.5}
    gens = {"plain": gen_plain, "ls": gen_ls, "redraw": gen_redraw}

    print(f"streams: {args.mb:g} MB each (pyte: {args.pyte_mb:g} MB sample), best of {args.repeat}")
    print(f"{'stream':<8} {'ours MB/s':>10} {'goal':>6} {'pyte':>7} {'pyte+hist':>10} {'tmux':>7}  verdict")
    with tempfile.TemporaryDirectory() as tmp:
        for name, gen in gens.items():
            data = gen(size)
            sample = data[:psize]
            r_ours = best_rate(lambda: ours(data), len(data), args.repeat)
            r_pyte = best_rate(lambda: stock_pyte(sample, False), len(sample), args.repeat)
            r_hist = best_rate(lambda: stock_pyte(sample, True), len(sample), min(args.repeat, 2))
            r_tmux = float("nan")
            if not args.no_tmux:
                path = Path(tmp) / f"{name}.bin"
                path.write_bytes(data)
                r_tmux = max(len(data) / run_in_tmux(path)[1] / 1e6 for _ in range(min(args.repeat, 2)))
            verdict = "ok" if r_ours >= goals[name] else "BELOW GOAL"
            print(
                f"{name:<8} {r_ours:>10.2f} {goals[name]:>6.1f} {r_pyte:>7.2f} {r_hist:>10.2f}"
                f" {r_tmux:>7.1f}  {verdict}"
            )

    print()
    print(f"{'strips':<8} {'ours ms/frame':>14} {'goal':>6} {'anchor: 1 segment/row':>22}  verdict")
    for cols, rows, goal in ((80, 24, 0.5), (200, 50, 2.0)):
        ms, anchor = strip_cost(cols, rows, args.repeat)
        verdict = "ok" if ms <= goal else "ABOVE GOAL"
        print(f"{cols}x{rows:<5} {ms:>14.3f} {goal:>6.1f} {anchor:>22.3f}  {verdict}")


if __name__ == "__main__":
    main()
