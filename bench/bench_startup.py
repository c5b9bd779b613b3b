"""Time from start to the first full screen of `sessionboard demo`, against a minimal Textual app
started the same way in the same run.

Each run is a fresh `python` process (imports included, as a person typing the command sees it),
headless, that exits as soon as its first full screen has been painted: for the demo, the board
with every provider's first poll in the table (simulators started in a thread first, as
`sessionboard demo` does); for the anchor, an app with one Static. The two kinds of run alternate
so machine noise falls on both. Goal (issue "The console"): the demo within 1.5x the anchor.

Run: /work/venv/bin/python bench/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

GOAL_RATIO = 1.5

MINIMAL = r"""
import sys, time
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")

    def on_mount(self):
        self.call_after_refresh(self.done)

    def done(self):
        print("FIRST-FULL-SCREEN", flush=True)
        self.exit()

Minimal().run(headless=True, size=(200, 50))
"""

DEMO = r"""
import json, sys, time
T0 = time.perf_counter()
MARKS = {}
from sessionboard.cli import main as _cli  # the imports `sessionboard demo` itself pays first
from sessionboard.ui.demo import run_demo
MARKS["cli imports"] = time.perf_counter() - T0


def app_class():
    # Defined on demand: run_demo starts the simulators before Textual is imported.
    MARKS["simulators ready"] = time.perf_counter() - T0
    from sessionboard.ui.app import SessionboardApp
    from sessionboard.ui.screens.main import MainScreen

    class FirstScreen(SessionboardApp):
        def on_mount(self):
            MARKS["app mounted"] = time.perf_counter() - T0
            super().on_mount()
            self.set_interval(0.005, self._check)

        def _check(self):
            screen = self.screen
            if isinstance(screen, MainScreen):
                MARKS.setdefault("board composed", time.perf_counter() - T0)
                if all(s.received_at for s in screen.statuses.values()):
                    MARKS.setdefault("first polls in", time.perf_counter() - T0)
                    self.call_after_refresh(self.done)

        def done(self):
            screen = self.screen
            MARKS["painted"] = time.perf_counter() - T0
            if screen.table.row_count > 0 and not any(s.error for s in screen.statuses.values()):
                print("FIRST-FULL-SCREEN " + json.dumps(MARKS), flush=True)
            self.exit()

        def run(self, **kwargs):
            return super().run(headless=True, size=(200, 50))

    return FirstScreen


sys.exit(run_demo(app_class=app_class))
"""


LAST_MARKS: dict[str, float] = {}


def run(code: str) -> float:
    """Milliseconds from spawning the program to its FIRST-FULL-SCREEN line (not to its exit:
    shutting down is not part of starting). Textual reads an App's source file (for its CSS),
    so each program is a real file."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(code)
        path = handle.name
    try:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - start
        _, err = proc.communicate(timeout=120)
    finally:
        os.unlink(path)
    if b"FIRST-FULL-SCREEN" not in line or proc.returncode != 0:
        raise SystemExit(f"run failed: {err.decode(errors='replace')[-800:]}")
    payload = line.decode().partition(" ")[2].strip()
    if payload:
        LAST_MARKS.clear()
        LAST_MARKS.update(json.loads(payload))
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    run(MINIMAL)  # warm the file cache for both, so the first measured run is not the odd one out
    run(DEMO)
    minimal, demo = [], []
    phases: list[dict[str, float]] = []
    for _ in range(args.runs):
        minimal.append(run(MINIMAL))
        demo.append(run(DEMO))
        phases.append(dict(LAST_MARKS))
    m, d = statistics.median(minimal), statistics.median(demo)
    print(f"start to first full screen, fresh process, headless 200x50, median of {args.runs}")
    print(f"sessionboard demo (simulators + 5 first polls): {d:7.0f} ms   (runs: {', '.join(f'{x:.0f}' for x in demo)})")
    print(f"anchor, minimal Textual app:                    {m:7.0f} ms   (runs: {', '.join(f'{x:.0f}' for x in minimal)})")
    print("demo phases, ms after the program's first line (median):")
    for name in phases[0]:
        print(f"  {name:<18} {statistics.median(p[name] for p in phases) * 1000:7.0f}")
    ratio = d / m
    print(f"ratio {ratio:.2f}x; goal <= {GOAL_RATIO}x: {'meets' if ratio <= GOAL_RATIO else 'MISSES'} it")


if __name__ == "__main__":
    main()
