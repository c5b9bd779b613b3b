"""Adapters over `httpx.ASGITransport` to the simulators themselves: the simulators record every
request and count those in flight (`peak_in_flight`), so a test sees what was sent and how many at once."""

from __future__ import annotations

from typing import Any

import httpx

from sessionboard.config import Config, parse_config
from sessionboard.providers import Provider, make_provider
from sessionboard.sim.agents import AgentsSim
from sessionboard.sim.base import SimBase
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.tasknet import TasknetSim


def table(sim: SimBase, name: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"name": name, "kind": sim.kind, "base_url": f"http://{sim.kind}.test", "api_key": sim.api_key}
    if sim.kind == "tasknet":
        base["mode"] = "live"
    return {**base, **extra}


def config_for(sims: dict[str, SimBase], app: dict[str, Any] | None = None, **per_provider: dict[str, Any]) -> Config:
    return parse_config({
        "app": app or {},
        "providers": [table(sim, name, **per_provider.get(name, {})) for name, sim in sims.items()],
    })


def providers_for(config: Config, sims: dict[str, SimBase]) -> dict[str, Provider]:
    return {
        p.name: make_provider(p, timeout=10, transport=httpx.ASGITransport(app=sims[p.name].app))
        for p in config.providers
    }


def browsers(count: int = 0, seed: int = 1) -> tuple[TasknetSim, list[str]]:
    """A tasknet simulator on a fixed clock and `count` running sessions made for the test."""
    sim = TasknetSim(seed=seed, sessions=3, clock=FixedClock())
    ids = [sim.create("live", 30, driver="api").session_uuid for _ in range(count)]
    return sim, ids


def agents(count: int = 0, seed: int = 1) -> tuple[AgentsSim, list[str]]:
    sim = AgentsSim(seed=seed, sessions=3, clock=FixedClock())
    ids = [sim.create(f"agent-{n}", "manual").id for n in range(count)]
    return sim, ids
