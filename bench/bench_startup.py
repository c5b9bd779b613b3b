"""Time from start to the first full screen of `sessionboard demo`, against a minimal Textual app
started the same way in the same run.

Each run is a fresh `python` process (imports included, as a person typing the command sees it),
headless at 200x50, started by `run_demo` as `sessionboard demo` starts. Two figures for the demo:

(a) first full screen: the first frame Textual paints of the board with every part laid out (the
    provider panel with a row per provider, the table, the detail pane, the key bar), whether or
    not the first polls have answered;
(b) sessions shown: the first painted frame whose table holds sessions of every provider.

The anchor is an app with one Static, timed to its first painted frame the same way. "Painted" is
Textual's per-frame `App._display` call (headless: the frame is composed, not written out). The
two kinds of run alternate so machine noise falls on both. Goal (issue #4): the demo's first full
screen within 1.5x the anchor.

sessionboard's modules are byte-compiled first, as an installed package's are (pip compiles them,
as it did Textual's and pydantic's): with PYTHONDONTWRITEBYTECODE set, as on the development
machine, a source checkout would otherwise be compiled afresh in every run, the anchor's imports not.

Run: /work/venv/bin/python bench/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

GOAL_RATIO = 1.5

MINIMAL = r"""
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("hello")

    def _display(self, screen, renderable):
        super()._display(screen, renderable)
        if renderable is not None and not getattr(self, "_shown", False):
            self._shown = True
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
    MARKS["config made"] = time.perf_counter() - T0
    from sessionboard.ui.app import SessionboardApp
    from sessionboard.ui.screens.main import MainScreen

    class FirstScreen(SessionboardApp):
        def on_mount(self):  # Textual calls SessionboardApp.on_mount too: no super() here
            MARKS["app mounted"] = time.perf_counter() - T0

        def on_main_screen_shown(self, message):  # Textual calls the demo's handler too
            MARKS.setdefault("board shown", time.perf_counter() - T0)

        def _display(self, screen, renderable):
            super()._display(screen, renderable)
            if renderable is None or not isinstance(screen, MainScreen):
                return
            now = time.perf_counter() - T0
            parts = [screen.panel, screen.table, screen.detail, screen.query_one("#keys")]
            if "first full screen" not in MARKS:
                laid_out = all(part.region.area > 0 for part in parts)
                if laid_out and screen.panel.region.height > len(screen.statuses):  # a row each
                    MARKS["first full screen"] = now
                    print("FIRST-FULL-SCREEN", flush=True)
            statuses = screen.statuses.values()
            if "first full screen" in MARKS and all(s.received_at for s in statuses):
                MARKS.setdefault("first polls in", now)
                if all(screen.table.count(s.name) > 0 for s in statuses) or any(s.error for s in statuses):
                    MARKS["sessions shown"] = now
                    failed = [s.name for s in statuses if s.error]
                    print(("FAILED " + ", ".join(failed)) if failed else "SESSIONS-SHOWN " + json.dumps(MARKS), flush=True)
                    self.exit()

        def run(self, **kwargs):
            return super().run(headless=True, size=(200, 50))

    return FirstScreen


sys.exit(run_demo(app_class=app_class))
"""


LAST_MARKS: dict[str, float] = {}


def run(code: str, lines: int = 1) -> list[float]:
    """Milliseconds from spawning the program to each of its first `lines` lines (not to its exit:
    shutting down is not part of starting). Textual reads an App's source file (for its CSS),
    so each program is a real file."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as handle:
        handle.write(code)
        path = handle.name
    try:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None
        got: list[tuple[bytes, float]] = []
        for _ in range(lines):
            line = proc.stdout.readline()
            got.append((line, (time.perf_counter() - start) * 1000))
        _, err = proc.communicate(timeout=120)
    finally:
        os.unlink(path)
    expected = [b"FIRST-FULL-SCREEN", b"SESSIONS-SHOWN"][:lines]
    if proc.returncode != 0 or any(not line.startswith(want) for (line, _), want in zip(got, expected)):
        shown = b" | ".join(line.strip() for line, _ in got).decode(errors="replace")
        raise SystemExit(f"run failed: {shown}\n{err.decode(errors='replace')[-800:]}")
    payload = got[-1][0].decode().partition(" ")[2].strip()
    if payload:
        LAST_MARKS.clear()
        LAST_MARKS.update(json.loads(payload))
    return [elapsed for _, elapsed in got]


def byte_compile_sessionboard() -> None:
    spec = importlib.util.find_spec("sessionboard")
    assert spec is not None and spec.submodule_search_locations
    for location in spec.submodule_search_locations:
        compileall.compile_dir(location, quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    byte_compile_sessionboard()
    run(MINIMAL)  # warm the file cache for both, so the first measured run is not the odd one out
    run(DEMO, 2)
    minimal: list[float] = []
    first: list[float] = []
    shown: list[float] = []
    phases: list[dict[str, float]] = []
    for _ in range(args.runs):
        minimal.append(run(MINIMAL)[0])
        a, b = run(DEMO, 2)
        first.append(a)
        shown.append(b)
        phases.append(dict(LAST_MARKS))
    m = statistics.median(minimal)

    def row(label: str, values: list[float]) -> str:
        value = statistics.median(values)
        runs = ", ".join(f"{x:.0f}" for x in values)
        return f"{label:<44} {value:6.0f} ms = {value / m:4.2f}x   (runs: {runs})"

    print(f"start to screen, fresh process, headless 200x50, median of {args.runs}")
    print(row("(a) demo, first full screen (board laid out):", first))
    print(row("(b) demo, every provider's sessions shown:", shown))
    print(row("anchor, minimal Textual app, first frame:", minimal))
    print("demo phases, ms after the program's first line (median of the runs that reached it):")
    names = {name for p in phases for name in p}
    medians = {name: statistics.median(p[name] for p in phases if name in p) for name in names}
    for name in sorted(names, key=medians.__getitem__):
        print(f"  {name:<18} {medians[name] * 1000:7.0f}")
    ratio = statistics.median(first) / m
    print(f"(a) ratio {ratio:.2f}x; goal <= {GOAL_RATIO}x: {'meets' if ratio <= GOAL_RATIO else 'MISSES'} it")


if __name__ == "__main__":
    main()
