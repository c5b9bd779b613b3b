"""The verbs of team mode: `sessionboard hub`, and `list` read from the hub (`--direct` polls the
providers instead). `list` prints what `list --direct` prints for the same data: the same
function prints both, from the hub's snapshots here, from the adapters' answers there.

Every line goes through `cli.output`; the `[hub]` URL and password appear in none of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time

from sessionboard.cli import output
from sessionboard.cli.commands import EXIT_FAIL, EXIT_OK, Result, _select, print_listing
from sessionboard.config import Config
from sessionboard.errors import ConfigError, ProviderError
from sessionboard.poller.snapshot import Snapshot

NO_DATA = "no data from the hub yet: is `sessionboard hub` running? (--direct polls the provider instead)"
OLD_AFTER_INTERVALS = 3
"""A hub's data older than this many intervals (plus a lease's TTL) is said to be old."""


def _need_hub(config: Config) -> None:
    if config.hub is None:
        raise ConfigError(['no [hub] table: team mode needs one, e.g. [hub] url = "env:SESSIONBOARD_REDIS_URL"'], config.path)


def _result(snap: Snapshot) -> Result:
    """A snapshot as `list` takes one provider's answer: its sessions and warnings, or its error
    alone (a direct `list` shows no sessions for a provider that failed, so neither does this)."""
    if snap.error is not None:
        return snap.provider, ProviderError(snap.provider, snap.error), ()
    if snap.polls == 0:
        return snap.provider, ProviderError(snap.provider, NO_DATA), ()
    return snap.provider, snap.sessions, snap.warnings


async def list_from_hub(config: Config, names: list[str] | None, as_json: bool, show_all: bool) -> int:
    from sessionboard.hub.feed import HubFeed, HubUnavailable, age_text
    from sessionboard.hub.hub import LEASE_TTL

    _need_hub(config)
    assert config.hub is not None
    selected = _select(config, names)
    if not selected.providers:
        output.error("no providers configured; add a [[providers]] table (see `sessionboard init`)")
        return EXIT_FAIL
    feed = HubFeed(config.hub, [(p.name, p.kind) for p in selected.providers])
    try:
        snapshots = await feed.load()
    except HubUnavailable as exc:
        output.error(f"{exc} (--direct polls the providers instead)")
        return EXIT_FAIL
    now = time.time()
    for provider in selected.providers:
        polled_at = snapshots[provider.name].polled_at
        limit = OLD_AFTER_INTERVALS * config.poll_interval(provider) + LEASE_TTL
        if polled_at is not None and now - polled_at > limit:
            output.error(f"{provider.name}: the hub's data is {age_text(now - polled_at)} old; is a hub running?")
    return print_listing([_result(snapshots[p.name]) for p in selected.providers], as_json, show_all)


async def _serve(config: Config) -> int:
    from sessionboard.hub.hub import Hub

    assert config.hub is not None
    hub = Hub.from_config(config, on_event=lambda line: output.error(f"hub: {line}"))
    names = ", ".join(slot for slot in hub.slots)
    output.error(f"hub {hub.id}: publishing {names} under the prefix {config.hub.prefix}; Ctrl+C stops")
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    handled = []
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
    task = asyncio.create_task(hub.run())
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopper.cancel()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        for signum in handled:
            loop.remove_signal_handler(signum)
    output.error(f"hub {hub.id}: stopped; its leases are given back")
    return EXIT_OK


def hub_command(config: Config) -> int:
    """`sessionboard hub`: runs until SIGINT, SIGTERM or SIGHUP; exit 0 after a clean stop."""
    _need_hub(config)
    if not config.providers:
        output.error("no providers configured; add a [[providers]] table (see `sessionboard init`)")
        return EXIT_FAIL
    return asyncio.run(_serve(config))
