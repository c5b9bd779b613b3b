"""Row 22: memory that stays flat. A provider whose list keeps every ended session forever (the
hostile `endless-ended` scenario adds 500 with new ids at each poll) must not grow the console
without bound: ended sessions are kept for a bounded time and count. The simulators behind
`sessionboard demo` keep their own history bounded the same way."""

from __future__ import annotations

import random

import httpx

from sessionboard.config import parse_config
from sessionboard.providers import make_provider
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from sessionboard.sim.hostile import Options
from tests.hostile.helpers import hostile_console, server_for, until

GROW = 500


async def test_the_console_keeps_ended_sessions_bounded() -> None:
    server = server_for("endless-ended", kinds=("vsay",), options=Options(grow=GROW))
    async with hostile_console(server) as board:
        screen, pilot = board.screen, board.pilot
        kept: dict[int, int] = {}
        for poll in range(2, 31):
            screen.poll_now("ssh")
            await until(pilot, lambda: screen.snapshots["ssh"].polls >= poll, f"poll {poll}")
            await pilot.pause()
            kept[poll] = screen.table.count("ssh", active_only=False)
        listed = 4 + 30 * GROW  # what the provider lists by now
        assert kept[30] < listed, kept[30]
        assert kept[30] == kept[20], (kept[20], kept[30])  # flat: a bound, not a slower growth
        assert screen.table.count("ssh") == 4  # the active sessions are all there


async def test_the_demo_simulators_keep_their_history_bounded() -> None:
    """Hours of the demo's churn (a tick every 2 s on the simulators' clock), measured through
    the adapters: what each list returns stops growing."""
    clock = FixedClock()
    cluster = SimCluster(seed=1, clock=clock)
    config = parse_config({"providers": cluster.provider_dicts()})
    providers = [make_provider(p, transport=httpx.ASGITransport(app=cluster.app)) for p in config.providers]
    rng = random.Random(1)
    sizes: list[dict[str, int]] = []
    for _ in range(2):
        for _ in range(3000):
            clock.advance(2.0)
            for sim in cluster.sims.values():
                sim.churn(rng)
        sizes.append({p.kind: len(await p.poll()) for p in providers})
    for provider in providers:
        await provider.aclose()
    first, second = sizes
    grown = {kind: (first[kind], second[kind]) for kind in first if second[kind] > first[kind] * 1.1 + 50}
    assert grown == {}, f"still growing after 1.7 h and 3.3 h of churn: {grown}"
