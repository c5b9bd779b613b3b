"""Building the console over the simulators, the same way in every test."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, NamedTuple

import httpx
from textual import events
from textual.app import App
from textual.keys import _character_to_key  # what Pilot.press uses to name a character
from textual.pilot import Pilot

from sessionboard.config import Config, parse_config
from sessionboard.model import Session
from sessionboard.poller import Snapshot
from sessionboard.providers import ProviderError, make_provider
from sessionboard.sim.clock import FixedClock
from sessionboard.sim.cluster import SimCluster
from sessionboard.ui.app import SessionboardApp
from sessionboard.ui.clock import Now, fixed_now
from sessionboard.ui.screens.main import MainScreen

FIXED = datetime(2035, 3, 2, 9, 30, tzinfo=UTC)
"""Far enough ahead that the adapters' own "stale heartbeat" check (real clock) never fires."""
LATENCY = 0.012


def make_cluster(seed: int = 7, sessions: int | None = None) -> SimCluster:
    return SimCluster(seed=seed, sessions_per_provider=sessions, clock=FixedClock(FIXED))


def make_config(
    cluster: SimCluster,
    *,
    keys: dict[str, str] | None = None,
    path: Any = None,
    provider_settings: dict[str, dict[str, Any]] | None = None,
    **app: Any,
) -> Config:
    """The config of the cluster's providers; `provider_settings` adds to the table of a provider
    kind (`{"devices": {"page_limit": 3}}`), `app` is the `[app]` table."""
    providers = cluster.provider_dicts()
    for entry in providers:
        entry.update((provider_settings or {}).get(entry["kind"], {}))
    data: dict[str, Any] = {"app": app, "providers": providers}
    if keys:
        data["keys"] = keys
    config = parse_config(data)
    if path is not None:
        config = config.model_copy(update={"path": path})
    return config


def make_app(
    cluster: SimCluster,
    config: Config | None = None,
    *,
    autopoll: bool = True,
    now: Now | None = None,
    **settings: Any,
) -> SessionboardApp:
    """The console over the cluster's app in-process; `settings` go to `make_config` (keys,
    provider_settings, the `[app]` table) when no `config` is given. The clock is `FIXED` unless `now`."""
    config = config or make_config(cluster, **settings)
    providers = [
        make_provider(p, timeout=config.app.timeout, transport=httpx.ASGITransport(app=cluster.app))
        for p in config.providers
    ]
    now = now if now is not None else fixed_now(FIXED.timestamp())
    return SessionboardApp(config, providers=providers, now=now, autopoll=autopoll)


def board(app: SessionboardApp) -> MainScreen:
    screen = app.screen_stack[0]  # the first screen, under any dialog
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


async def all_polled(pilot: Pilot[Any], app: SessionboardApp, limit: float = 10.0) -> MainScreen:
    screen = board(app)
    await wait_for(
        pilot,
        lambda: all(s.received_at is not None for s in screen.statuses.values()),
        "every provider polled once",
        limit,
    )
    await pilot.pause()
    return screen


class Console(NamedTuple):
    """A running console, as the tests unpack it: `async with console() as (cluster, app, pilot, screen)`."""

    cluster: SimCluster
    app: SessionboardApp
    pilot: Pilot[Any]
    screen: MainScreen


@asynccontextmanager
async def console(
    cluster: SimCluster | None = None,
    *,
    app: SessionboardApp | None = None,
    size: tuple[int, int] = (200, 50),
    seed: int = 7,
    sessions: int | None = None,
    limit: float = 10.0,
    **settings: Any,
) -> AsyncIterator[Console]:
    """The console over `cluster` (else `make_cluster(seed, sessions)`), run at `size` and handed
    over once every provider has been polled (waiting up to `limit` seconds).

    `settings` go to `make_app`: a whole `config`, `now`, `autopoll`, `keys`, `provider_settings`
    and the `[app]` table (`poll_interval=600`, `confirm_destructive=False`). A test that builds its
    own `app` (over that `cluster`) passes it instead of settings.
    """
    if app is not None and (settings or cluster is None):
        raise TypeError("console(app=...) takes the app's cluster and no settings")
    if cluster is None:
        cluster = make_cluster(seed, sessions)
    if app is None:
        app = make_app(cluster, **settings)
    async with app.run_test(size=size) as pilot:
        yield Console(cluster, app, pilot, await all_polled(pilot, app, limit))


def screen_text(app: SessionboardApp) -> str:
    """What the terminal shows, as plain text (from the SVG screenshot Textual makes)."""
    svg = app.export_screenshot()
    return html.unescape(" ".join(re.findall(r">([^<>]*)</text>", svg))).replace("\xa0", " ")


def messages(app: SessionboardApp) -> list[str]:
    """The notifications shown so far."""
    return [n.message for n in app._notifications]


def select(screen: MainScreen, provider: str, where: Callable[[Session], bool] = lambda s: s.active) -> Session:
    """Put the table's cursor on the first visible session of `provider` that fits `where`."""
    for key in screen.table.keys():
        session = screen.table.session(key)
        if key[0] == provider and where(session):
            assert screen.table.select_key(key)
            return session
    raise AssertionError(f"no visible session of {provider} that fits")


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


def burst(app: App[Any], text: str) -> None:
    """Queue `text`'s keys all at once, as one read from a fast typist, a paste or tmux send-keys
    brings them: none is handled before the last is queued (`Pilot.press` waits after each).
    Keys are named the way `Pilot.press` names them; "\r" is enter."""
    for char in text:
        name = "enter" if char == "\r" else char if char.isalnum() else _character_to_key(char)
        app.post_message(events.Key(name, char))
