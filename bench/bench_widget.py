"""End to end through the widget: `cat` of a big file in a real pty, in a headless Textual app.

    /work/venv/bin/python bench/bench_widget.py [--mb 20] [--repeat 3]

Prints, best of --repeat runs:
- MB/s through the widget (bytes the pane processed / time until cat ended), beside the anchor:
  the bare emulator fed the same bytes in the same run (goal: at least 0.8x);
- frames per second actually painted (render passes over row 0 while the flood scrolls every row;
  goal about 60) and refresh calls made by the widget (one per slice; Textual's screen
  coalesces them into at most 60 paints a second);
- the worst event-loop stall during the flood, an upper bound on how late a key press is handled
  (goal: under 100 ms);
- where the wall time went: inside the emulator, compositing frames (Textual), the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from pathlib import Path

from textual.app import App, ComposeResult

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sessionboard.terminal.pty_backend import LocalPtyBackend  # noqa: E402
from sessionboard.terminal.widget import TerminalView  # noqa: E402

from flood import CountingView, emulator_rate, make_file  # noqa: E402


class BenchApp(App[None]):
    def __init__(self, argv: list[str]) -> None:
        super().__init__()
        self.argv = argv
        self.done = asyncio.Event()
        self.reason = ""

    def compose(self) -> ComposeResult:
        yield CountingView(LocalPtyBackend(self.argv, env={"PATH": "/usr/bin:/bin", "TERM": "xterm-256color"}))

    def on_mount(self) -> None:
        self.query_one(CountingView).focus()

    def on_terminal_view_ended(self, message: TerminalView.Ended) -> None:
        self.reason = message.reason
        self.done.set()


FRAME_SECONDS = [0.0]


def _time_frames() -> None:
    """Add up the time Textual spends compositing frames (the cost of painting)."""
    from textual.screen import Screen

    original = Screen._compositor_refresh

    def timed(self: Screen) -> None:
        t = time.perf_counter()
        original(self)
        FRAME_SECONDS[0] += time.perf_counter() - t

    Screen._compositor_refresh = timed  # type: ignore[method-assign]


async def one_run(path: Path) -> dict[str, float]:
    FRAME_SECONDS[0] = 0.0
    app = BenchApp(["sh", "-c", f"stty -echo; cat {path}"])
    async with app.run_test(size=(80, 24)):
        view = app.query_one(CountingView)
        stall = 0.0
        t0 = time.perf_counter()

        async def watch_loop() -> None:
            nonlocal stall
            while not view.bytes_fed:  # the flood, not the app's start-up, is what is measured
                await asyncio.sleep(0.001)
            while True:
                t = time.perf_counter()
                await asyncio.sleep(0.01)
                stall = max(stall, time.perf_counter() - t - 0.01)

        watcher = asyncio.create_task(watch_loop())
        painted0, frames0 = view.painted, view.frames
        await asyncio.wait_for(app.done.wait(), timeout=600)
        dt = time.perf_counter() - t0
        watcher.cancel()
        if not app.reason.startswith("exit status 0"):
            raise SystemExit(f"cat did not end cleanly: {app.reason}")
        return {
            "mbps": view.bytes_fed / dt / 1e6,
            "fps": (view.painted - painted0) / dt,
            "requests": (view.frames - frames0) / dt,
            "stall_ms": stall * 1000,
            "bytes": view.bytes_fed,
            "feed_share": view.feed_seconds / dt,
            "frame_share": FRAME_SECONDS[0] / dt,
            "seconds": dt,
        }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    _time_frames()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        make_file(path, int(args.mb * 1e6))
        crlf = path.read_bytes().replace(b"\n", b"\r\n")  # what the pty delivers (onlcr)
        runs = []
        anchors = []
        for _ in range(args.repeat):
            gc.collect()  # the previous run's app is garbage: not collected mid-flood (as bench_terminal_ssh)
            runs.append(asyncio.run(one_run(path)))
            anchors.append(emulator_rate(crlf, 1))
    best = max(runs, key=lambda r: r["mbps"])
    anchor = max(anchors)
    ratio = best["mbps"] / anchor
    print(f"cat of {args.mb:g} MB through TerminalView (80x24, headless), best of {args.repeat}")
    print(f"{'figure':<28} {'value':>9} {'goal':>10} {'anchor':>22}")
    print(f"{'widget MB/s':<28} {best['mbps']:>9.2f} {'>=0.8x':>10} {anchor:>16.2f} emu  -> {ratio:.2f}x "
          f"{'ok' if ratio >= 0.8 else 'BELOW GOAL'}")
    print(f"{'frames painted /s':<28} {best['fps']:>9.1f} {'~60':>10} {'':>22}")
    print(f"{'refresh calls /s':<28} {best['requests']:>9.1f} {'':>10} {'':>22}")
    stalls = [r["stall_ms"] for r in runs]
    print(f"{'worst loop stall ms':<28} {max(stalls):>9.1f} {'<100':>10} {'':>22}  "
          f"{'ok' if max(stalls) < 100 else 'ABOVE GOAL'} (worst of each run: {', '.join(f'{v:.0f}' for v in stalls)})")
    print(f"(bytes through the pane {best['bytes']}, {best['seconds']:.2f} s; wall time share: "
          f"emulator {best['feed_share']:.0%}, painting {best['frame_share']:.0%}, "
          f"rest (pty reads, event loop) {1 - best['feed_share'] - best['frame_share']:.0%})")


if __name__ == "__main__":
    main()
