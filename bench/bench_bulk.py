"""Closing 200 marked sessions across two providers (100 tasknet browsers, 100 agents runs) with the
bulk runner, beside the same kind of 200 closed one after another, in the same run. Goal: the bulk
run at least 3x faster, and never more than the bound in flight per provider.

    python bench/bench_bulk.py [--sessions 200] [--bound 4] [--delay 0.02] [--repeat 3]

The simulators serve real HTTP on loopback from a thread of their own (`SimCluster`), every answer
held `--delay` seconds as a real API's round trip would be (a loopback simulator answers in well
under a millisecond, where nothing is worth running side by side). They count the requests in
flight (`peak_in_flight`): the figure printed is what they saw, not what the client meant. Both
runs go through the same `ActionRunner`, audit lines and all; each run closes sessions of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sessionboard.actions import ActionRunner, AuditLog, BulkItem, run_bulk
from sessionboard.config import Config, parse_config
from sessionboard.providers import Provider, make_providers
from sessionboard.sim.agents import AgentsSim
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from sessionboard.sim.faults import Fault
from sessionboard.sim.tasknet import TasknetSim

GOAL = 3.0
KINDS = {"browsers": "tasknet", "agents": "agents"}


def make_sessions(cluster: SimCluster, per_provider: int) -> list[BulkItem]:
    tasknet = cluster.sims["tasknet"]
    agents = cluster.sims["agents"]
    assert isinstance(tasknet, TasknetSim) and isinstance(agents, AgentsSim)
    items = [BulkItem("browsers", tasknet.create("live", 30, driver="api").session_uuid) for _ in range(per_provider)]
    items += [BulkItem("agents", agents.create(f"bench-{n}", "manual").id) for n in range(per_provider)]
    return items


def reset_peaks(cluster: SimCluster) -> None:
    for sim in cluster.sims.values():
        sim.peak_in_flight = 0


async def one_after_another(runner: ActionRunner, providers: dict[str, Provider], items: list[BulkItem]) -> float:
    started = time.perf_counter()
    for item in items:
        result = await runner.run(providers[item.provider], "close", item.session)
        assert result.ok, result.message
    return time.perf_counter() - started


async def bulk(runner: ActionRunner, providers: dict[str, Provider], items: list[BulkItem], bound: int) -> float:
    started = time.perf_counter()
    outcome = await run_bulk(runner, providers, "close", items, bound=bound)
    elapsed = time.perf_counter() - started
    assert outcome.ok, outcome.summary()
    return elapsed


async def measure(config: Config, cluster: SimCluster, runs: list[list[BulkItem]], bound: int, audit_dir: Path):
    providers = {p.name: p for p in make_providers(config)}
    audit = AuditLog(audit_dir / "audit.jsonl", via="cli")
    runner = ActionRunner(config, audit)
    sequential: list[float] = []
    parallel: list[float] = []
    peaks: list[dict[str, int]] = []
    try:
        for n, items in enumerate(runs):
            half = len(items) // 2
            # the same number of each provider's sessions in both runs, alternating which goes first
            seq_items = items[: half // 2] + items[half : half + half // 2]
            bulk_items = items[half // 2 : half] + items[half + half // 2 :]
            order = [("seq", seq_items), ("bulk", bulk_items)]
            for name, chosen in order if n % 2 == 0 else reversed(order):
                reset_peaks(cluster)
                if name == "seq":
                    sequential.append(await one_after_another(runner, providers, chosen))
                else:
                    parallel.append(await bulk(runner, providers, chosen, bound))
                    peaks.append({p: cluster.sims[KINDS[p]].peak_in_flight for p in KINDS})
    finally:
        audit.close()
        await asyncio.gather(*(p.aclose() for p in providers.values()))
    return sequential, parallel, peaks, audit.written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=200, help="sessions closed by each side, per run (half per provider)")
    parser.add_argument("--bound", type=int, default=4)
    parser.add_argument("--delay", type=float, default=0.02, help="seconds each simulator answer is held")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    cluster = SimCluster(seed=7, sessions_per_provider=3, clock=FixedClock())
    per_run = args.sessions  # each side closes args.sessions: both halves made together
    runs = [make_sessions(cluster, per_run) for _ in range(args.repeat)]
    for kind in KINDS.values():
        cluster.sims[kind].fault = Fault("slow", delay=args.delay)
    cluster.start_in_thread()
    try:
        config = parse_config({
            "app": {"timeout": 30},
            "providers": [p for p in cluster.provider_dicts() if p["name"] in KINDS],
        })
        with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp:
            sequential, parallel, peaks, written = asyncio.run(measure(config, cluster, runs, args.bound, Path(tmp)))
    finally:
        cluster.stop_thread()

    seq, par = statistics.median(sequential), statistics.median(parallel)
    ratio = seq / par
    worst_peak = max(max(p.values()) for p in peaks)
    print(f"closing {args.sessions} sessions (browsers + agents, half each), answers held {args.delay * 1000:.0f} ms, "
          f"bound {args.bound} per provider, {args.repeat} runs")
    print(f"  one after another: median {seq:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in sequential)})")
    print(f"  bulk runner:       median {par:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in parallel)})")
    print(f"  speed-up: {ratio:.1f}x  (goal >= {GOAL:g}x)")
    print(f"  in flight per provider, as the simulators counted: {peaks}  (bound {args.bound})")
    print(f"  audit lines written: {written}")
    met = ratio >= GOAL and worst_peak <= args.bound
    print("goal met" if met else "goal NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
