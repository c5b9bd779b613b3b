"""Building the console over the simulators, the same way in every test."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from textual.pilot import Pilot

from sessionboard.config import Config, parse_config
from sessionboard.poller import Snapshot
from sessionboard.providers import ProviderError, make_provider
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.clock import fixed_now
from sessionboard.ui.screens.main import MainScreen

FIXED = datetime(2035, 3, 2, 9, 30, tzinfo=UTC)
"""Far enough ahead that the adapters' own "stale heartbeat" check (real clock) never fires."""
LATENCY = 0.012


def make_cluster(seed: int = 7, sessions: int | None = None) -> SimCluster:
    return SimCluster(seed=seed, sessions_per_provider=sessions, clock=FixedClock(FIXED))


def make_config(cluster: SimCluster, *, keys: dict[str, str] | None = None, path: Any = None, **app: Any) -> Config:
    data: dict[str, Any] = {"app": app, "providers": cluster.provider_dicts()}
    if keys:
        data["keys"] = keys
    config = parse_config(data)
    if path is not None:
        config = config.model_copy(update={"path": path})
    return config


def make_app(
    cluster: SimCluster, config: Config | None = None, *, autopoll: bool = True, **app_settings: Any
) -> SessionboardApp:
    config = config or make_config(cluster, **app_settings)
    providers = [
        make_provider(p, timeout=config.app.timeout, transport=httpx.ASGITransport(app=cluster.app))
        for p in config.providers
    ]
    return SessionboardApp(config, providers=providers, now=fixed_now(FIXED.timestamp()), autopoll=autopoll)


def board(app: SessionboardApp) -> MainScreen:
    screen = app.screen_stack[1] if len(app.screen_stack) > 1 else app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], what: str, limit: float = 10.0) -> None:
    """Pump the app until `condition` holds; fails with `what` (never asserts on elapsed time)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not condition():
        if loop.time() > end:
            raise AssertionError(f"never happened: {what}")
        await pilot.pause(0.02)


async def all_polled(pilot: Pilot[Any], app: SessionboardApp) -> MainScreen:
    screen = board(app)
    await wait_for(
        pilot,
        lambda: all(s.received_at is not None for s in screen.statuses.values()),
        "every provider polled once",
    )
    await pilot.pause()
    return screen


async def load_once(app: SessionboardApp, *, fail: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """For snapshots: poll every provider once, with a fixed latency, without the poll loops.

    Providers named in `fail` get a first good poll, then the failing one (the simulator's fault must
    be set by the caller after the first), so their rows show as stale with the error.
    """
    screen = board(app)
    for name, provider in screen.providers.items():
        snap = Snapshot(provider=name, kind=provider.kind)
        snap = snap.succeeded(await provider.poll(), FIXED.timestamp(), LATENCY)
        screen.apply_snapshot(snap)


async def fail_once(app: SessionboardApp, name: str) -> None:
    screen = board(app)
    provider = screen.providers[name]
    previous = screen.snapshots[name]
    try:
        await provider.poll()
    except ProviderError as exc:
        screen.apply_snapshot(previous.failed(exc.message, FIXED.timestamp(), LATENCY))
    else:
        raise AssertionError(f"{name} did not fail")


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker (the detail pane's "get", a logs read) finish and the screen repaint, with
    every text cursor held still: a blinking cursor caught mid-blink makes a snapshot flaky."""
    from textual.widgets import Input

    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    for field in app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
