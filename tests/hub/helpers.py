"""What the hub's tests share: a config for the simulators with a [hub] table, the providers'
state as a direct poll sees it, and a hub run as a task."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sessionboard.config import Config, parse_config
from sessionboard.config.models import HubSettings
from sessionboard.hub.feed import HubFeed
from sessionboard.hub.hub import Hub
from sessionboard.poller.snapshot import Snapshot
from sessionboard.providers import make_providers
from sessionboard.sim.cluster import SimCluster

State = dict[str, dict[str, dict[str, Any]]]
"""provider -> session id -> the session as `list --json` shows it."""


def team_config(cluster: SimCluster, settings: HubSettings, interval: float = 0.5, **app: Any) -> Config:
    hub: dict[str, Any] = {"url": settings.url.get_secret_value(), "prefix": settings.prefix}
    if settings.password is not None:
        hub["password"] = settings.password.get_secret_value()
    return parse_config({"app": {"poll_interval": interval, **app}, "providers": cluster.provider_dicts(), "hub": hub})


def pairs(config: Config) -> list[tuple[str, str]]:
    return [(p.name, p.kind) for p in config.providers]


async def direct_state(config: Config) -> State:
    """Every provider polled once, here, as `list --direct` would."""
    providers = make_providers(config)
    try:
        results = await asyncio.gather(*(p.poll() for p in providers))
    finally:
        await asyncio.gather(*(p.aclose() for p in providers))
    return {p.name: {s.id: s.to_json() for s in sessions} for p, sessions in zip(providers, results)}


def snapshot_state(snapshots: dict[str, Snapshot]) -> State:
    return {name: {s.id: s.to_json() for s in snap.sessions} for name, snap in snapshots.items()}


def feed_state(feed: HubFeed) -> State:
    return snapshot_state(feed.snapshots)


@contextlib.asynccontextmanager
async def running(hub: Hub) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(hub.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.asynccontextmanager
async def following(*feeds: HubFeed) -> AsyncIterator[None]:
    for feed in feeds:
        feed.start()
    try:
        yield
    finally:
        await asyncio.gather(*(feed.stop() for feed in feeds))
