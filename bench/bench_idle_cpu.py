"""CPU the console uses while it sits open, polling every provider every 5 s.

The simulators run in another process (`sessionboard simulate`), so only the console's own work
counts: `time.process_time()` of this process over the window, as a share of one core. The console
runs headless (Textual's test driver; a real terminal adds the cost of writing the changed cells).
Anchor, measured in the same run: a minimal Textual app (one Static) idle for the same window.
Goal (issue "The console"): under 3 % of a core.

Run: /work/venv/bin/python bench/bench_idle_cpu.py [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Static

from sessionboard.config import load_config
from sessionboard.sim.process import SimProcess
from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.screens.main import MainScreen

GOAL = 3.0


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello")


async def measure(app: App[Any], seconds: float, ready: Any = None) -> tuple[float, int]:
    async with app.run_test(size=(200, 50)) as pilot:
        deadline = time.monotonic() + 30
        while ready is not None and not ready(app):
            if time.monotonic() > deadline:
                raise RuntimeError("the console never finished its first polls")
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        cpu0, wall0 = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        cpu1, wall1 = time.process_time(), time.perf_counter()
        polls = 0
        if isinstance(app.screen, MainScreen):
            polls = sum(s.polls for s in app.screen.snapshots.values())
    return 100.0 * (cpu1 - cpu0) / (wall1 - wall0), polls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--sessions", type=int, default=None, help="sessions per provider (default: demo-sized)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, SimProcess(Path(tmp), sessions=args.sessions) as sims:
        config = load_config(sims.config_path)
        config = config.model_copy(update={"app": config.app.model_copy(update={"poll_interval": 5.0}), "path": None})
        app = SessionboardApp(config)

        def ready(app: App[Any]) -> bool:
            screen = app.screen
            return isinstance(screen, MainScreen) and all(s.received_at for s in screen.statuses.values())

        ours, polls = asyncio.run(measure(app, args.seconds, ready))
    anchor, _ = asyncio.run(measure(Minimal(), args.seconds))
    sessions = "demo-sized" if args.sessions is None else f"{args.sessions} per provider"
    print(f"console idle, 5 providers ({sessions}) polled every 5 s, {args.seconds:.0f} s window")
    print(f"console: {ours:5.2f} % of a core   ({polls} polls in all)")
    print(f"anchor, minimal Textual app idle: {anchor:5.2f} % of a core")
    print(f"goal < {GOAL:.0f} %: {'meets' if ours < GOAL else 'MISSES'} it")


if __name__ == "__main__":
    main()
