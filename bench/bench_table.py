"""Time from a poll's answer to the table painted, with 5 providers x 2,000 sessions and 10 % of
them changed per poll (changed cells, new sessions, ended sessions).

Timed: from the providers' answers (lists of sessions) through the pollers' diff
(`Snapshot.succeeded`) and the table update to the next paint. Figure: the console's own table (`SessionTable`, line API), alone and inside the full board
(`MainScreen.apply_snapshot`: table, provider panel, title). Anchor, measured in the same run: the
stock Textual `DataTable` doing the same with `update_cell` / `add_row` / `remove_row`.
Goal (issue "The console"): under 150 ms per poll.

Run: /work/venv/bin/python bench/bench_table.py [--polls N]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from dataclasses import replace
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from sessionboard.config import parse_config
from sessionboard.model import Session
from sessionboard.poller import Snapshot
from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.screens.main import MainScreen
from sessionboard.ui.widgets.sessions import SessionTable
from sessionboard.ui.widgets.sessions.columns import COLUMNS

PROVIDERS = ("timing", "lab", "ssh", "agents", "browsers")
PER_PROVIDER = 2000
GOAL_MS = 150.0
SIZE = (200, 50)


def make_session(rng: random.Random, provider: str, n: int) -> Session:
    minute = rng.randrange(0, 60 * 24 * 30)
    return Session(
        provider=provider,
        kind="tasknet",
        id=f"{provider}-{n:06d}",
        name=rng.choice(("puppeteer", "api", "Production Server", "build-07", "heat 3", "10K final")),
        status="active" if rng.random() < 0.8 else "ended",
        target=f"mch_{rng.randrange(10_000)}",
        user=rng.choice((None, "Noah Rossi", "Chen Haddad", "Priya Murphy")),
        started_at=f"2035-02-{1 + minute // 1440:02d}T{(minute // 60) % 24:02d}:{minute % 60:02d}:00Z",
        last_activity=f"2035-03-02T09:{rng.randrange(60):02d}:00Z",
        expires_at=f"2035-03-02T10:{rng.randrange(60):02d}:00Z" if rng.random() < 0.5 else None,
        raw={"n": n},
    )


class World:
    """Every provider's sessions, and a poll that changes 10 % of them: 7.5 % changed, 1.25 % new,
    1.25 % ended (removed from the provider's answer)."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.next_id = PER_PROVIDER
        self.sessions = {p: [make_session(self.rng, p, n) for n in range(PER_PROVIDER)] for p in PROVIDERS}
        self.snapshots = {p: Snapshot(provider=p, kind="tasknet") for p in PROVIDERS}

    def first(self) -> list[Snapshot]:
        for p in PROVIDERS:
            self.snapshots[p] = self.snapshots[p].succeeded(self.sessions[p], time.time(), 0.01)
        return list(self.snapshots.values())

    def poll(self) -> dict[str, list[Session]]:
        """The next answer of every provider (the sessions as the adapters return them)."""
        out = {}
        for p in PROVIDERS:
            current = self.sessions[p]
            count = len(current)
            ended = set(self.rng.sample(range(count), count // 80))
            changed = set(self.rng.sample(range(count), count * 3 // 40)) - ended
            kept = []
            for i, s in enumerate(current):
                if i in ended:
                    continue
                if i in changed:
                    s = replace(s, user=f"user {self.rng.randrange(1000)}", last_activity=f"2035-03-02T10:{self.rng.randrange(60):02d}:00Z")
                kept.append(s)
            for _ in range(count // 80):
                kept.append(make_session(self.rng, p, self.next_id))
                self.next_id += 1
            self.sessions[p] = kept
            out[p] = kept
        return out

    def snapshots_of(self, answers: dict[str, list[Session]]) -> list[Snapshot]:
        """What the pollers do with an answer (diff against the last one): part of the timed path."""
        for p, sessions in answers.items():
            self.snapshots[p] = self.snapshots[p].succeeded(sessions, time.time(), 0.01)
        return [self.snapshots[p] for p in answers]


async def painted(app: App[Any]) -> None:
    done = asyncio.Event()
    app.call_after_refresh(done.set)
    await done.wait()


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SessionTable()


class DataTableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()


async def bench_session_table(polls: int) -> list[float]:
    world = World()
    app = TableApp()
    times = []
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(SessionTable)
        table.set_show_all(True)
        for snap in world.first():
            table.apply_sessions(snap.provider, snap.sessions, changed_ids=snap.changed, stale=snap.stale)
        await painted(app)
        table.move_cursor_to(5000)
        await pilot.pause()
        for _ in range(polls):
            answers = world.poll()
            start = time.perf_counter()
            snaps = world.snapshots_of(answers)
            for snap in snaps:
                table.apply_sessions(snap.provider, snap.sessions, changed_ids=snap.changed, stale=snap.stale)
            await painted(app)
            times.append((time.perf_counter() - start) * 1000)
            await pilot.pause()
    return times


async def bench_board(polls: int) -> list[float]:
    world = World()
    config = parse_config(
        {
            "app": {"poll_interval": 600},
            "providers": [
                {"name": p, "kind": "tasknet", "mode": "live", "base_url": "http://127.0.0.1:9", "api_key": "x"}
                for p in PROVIDERS
            ],
        }
    )
    app = SessionboardApp(config, autopoll=False)
    times = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        screen.table.set_show_all(True)
        for snap in world.first():
            screen.apply_snapshot(snap)
        await painted(app)
        screen.table.move_cursor_to(5000)
        await pilot.pause()
        for _ in range(polls):
            answers = world.poll()
            start = time.perf_counter()
            snaps = world.snapshots_of(answers)
            for snap in snaps:
                screen.apply_snapshot(snap)
            await painted(app)
            times.append((time.perf_counter() - start) * 1000)
            await pilot.pause()
    return times


async def bench_datatable(polls: int) -> list[float]:
    world = World()
    app = DataTableApp()
    times = []
    columns = [c.key for c in COLUMNS]
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(DataTable)
        for column in columns:
            table.add_column(column, key=column)
        current: dict[str, dict[str, Session]] = {}
        for snap in world.first():
            current[snap.provider] = {s.id: s for s in snap.sessions}
            for s in snap.sessions:
                table.add_row(*(c.cell(s) for c in COLUMNS), key=f"{s.provider}/{s.id}")
        await painted(app)
        table.move_cursor(row=5000)
        await pilot.pause()
        for _ in range(polls):
            answers = world.poll()
            start = time.perf_counter()
            snaps = world.snapshots_of(answers)
            for snap in snaps:
                old = current[snap.provider]
                new = {s.id: s for s in snap.sessions}
                for sid in old.keys() - new.keys():
                    table.remove_row(f"{snap.provider}/{sid}")
                for sid in snap.changed & old.keys() & new.keys():
                    s = new[sid]
                    for c in COLUMNS:
                        table.update_cell(f"{snap.provider}/{sid}", c.key, c.cell(s))
                for sid in new.keys() - old.keys():
                    s = new[sid]
                    table.add_row(*(c.cell(s) for c in COLUMNS), key=f"{s.provider}/{sid}")
                current[snap.provider] = new
            await painted(app)
            times.append((time.perf_counter() - start) * 1000)
            await pilot.pause()
    return times


def summary(name: str, times: list[float]) -> str:
    return (
        f"{name:<44} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms   "
        f"({len(times)} polls)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=10)
    parser.add_argument("--anchor-polls", type=int, default=3)
    args = parser.parse_args()
    print(f"{len(PROVIDERS)} providers x {PER_PROVIDER} sessions, 10 % changed per poll, terminal {SIZE[0]}x{SIZE[1]}")
    ours = asyncio.run(bench_session_table(args.polls))
    print(summary("SessionTable (line API)", ours))
    board = asyncio.run(bench_board(args.polls))
    print(summary("full board (table + panel + title)", board))
    anchor = asyncio.run(bench_datatable(args.anchor_polls))
    print(summary("anchor: DataTable update_cell/add_row/remove_row", anchor))
    verdict = "meets" if statistics.median(board) < GOAL_MS and max(board) < GOAL_MS else "MISSES"
    print(
        f"goal < {GOAL_MS:.0f} ms: the board {verdict} it; "
        f"anchor / board = {statistics.median(anchor) / statistics.median(board):.1f}x"
    )


if __name__ == "__main__":
    main()
