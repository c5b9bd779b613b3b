"""`sessionboard demo`: the console on the built-in simulators, started on loopback for the run."""

from __future__ import annotations

import sys

from sessionboard.config import parse_config


def demo_config(cluster: object) -> object:
    return parse_config({"app": {"poll_interval": 2.0}, "providers": cluster.provider_dicts()})  # type: ignore[attr-defined]


def run_demo(*, seed: int = 1, sessions: int | None = None) -> int:
    """Live simulators (sessions come and go) in a thread, the console in the foreground."""
    from sessionboard.sim.cluster import SimCluster
    from sessionboard.ui.entry import run_console

    cluster = SimCluster(seed=seed, sessions_per_provider=sessions, live=True)
    try:
        cluster.start_in_thread()
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback
        print(f"sessionboard demo: the simulators did not start: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    try:
        return run_console(demo_config(cluster), title="sessionboard demo")  # type: ignore[arg-type]
    finally:
        cluster.stop_thread()
