"""`sessionboard watch`: the providers polled as the console polls them (the poller, or the hub's
feed in team mode), and each session event printed as one line until interrupted.

The events are the console's alerts' own (`poller.events`), one deriver per provider. Exit 0 on
SIGINT or SIGTERM; a closed stdout (`| head -3`) ends it quietly, even while no event is due
(stdout is looked at every second). Each line is flushed at once: a script reading the pipe sees
an event when it happens, not when a buffer fills.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import stat
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from sessionboard.actions.audit import rfc3339
from sessionboard.cli import output
from sessionboard.errors import UsageError
from sessionboard.model import Session
from sessionboard.poller.events import EVENT_KINDS, EventDeriver, SessionEvent
from sessionboard.poller.snapshot import Snapshot

if TYPE_CHECKING:
    from sessionboard.config import Config

EXIT_OK, EXIT_FAIL = 0, 1
OnSnapshot = Callable[[Snapshot], None]
WATCHABLE = tuple(kind for kind in EVENT_KINDS if kind != "existing")
STDOUT_CHECK = 1.0
"""Seconds between two looks at whether stdout's reader has gone."""


def parse_events(text: str | None, initial: bool) -> frozenset[str]:
    """`--events appeared,ended` as a set (None: every event); `existing` comes with `--initial`."""
    chosen: set[str]
    if text is None:
        chosen = set(WATCHABLE)
    else:
        chosen = {part.strip() for part in text.split(",") if part.strip()}
        unknown = sorted(chosen - set(EVENT_KINDS))
        if unknown or not chosen:
            raise UsageError(
                f"watch: --events {', '.join(unknown) or '(empty)'}: use some of {','.join(WATCHABLE)}"
            )
    if initial:
        chosen.add("existing")
    return frozenset(chosen)


def _session_words(session: Session) -> str:
    name = f" ({session.name})" if session.name else ""
    return f"{session.id}{name} {session.status}"


def event_line(event: SessionEvent) -> str:
    """One readable line: `2026-01-15T12:00:00.123Z  appeared        browsers  3f0c... (api) active`."""
    head = f"{rfc3339(event.at)}  {event.event:<14}  {event.provider}"
    if event.event == "provider_error":
        return f"{head}: {event.error}"
    if event.session is None:
        return head
    line = f"{head}  {_session_words(event.session)}"
    if event.event == "changed":
        line += f"; changed: {', '.join(event.changes)}"
    elif event.event == "expiring" and event.deadline is not None:
        what = "lease ends" if event.session.expires_at else "heartbeat due"
        line += f"; {what} {rfc3339(event.deadline)}"
    return line


def stdout_gone() -> bool:
    """The reader of a pipe or socket on stdout has closed it (nothing else is looked at)."""
    try:
        fd = sys.stdout.fileno()
        mode = os.fstat(fd).st_mode
    except (OSError, ValueError):
        return True
    if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        return False
    poller = select.poll()
    poller.register(fd, 0)  # errors and hang-ups only
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


class Printer:
    """Writes events; remembers a closed stdout instead of raising inside a poller's callback."""

    def __init__(self, as_json: bool, wanted: frozenset[str], stop: asyncio.Event) -> None:
        self.as_json = as_json
        self.wanted = wanted
        self.stop = stop
        self.closed = False
        self.printed = 0

    def show(self, events: Iterable[SessionEvent]) -> None:
        if self.closed:
            return
        try:
            wrote = False
            for event in events:
                if event.event not in self.wanted:
                    continue
                if self.as_json:
                    output.json_out(event.to_json())
                else:
                    output.line(event_line(event))
                self.printed += 1
                wrote = True
            if wrote:
                sys.stdout.flush()
        except BrokenPipeError:
            self.closed = True
            self.stop.set()


def _deriver(config: Config, name: str, initial: bool) -> EventDeriver:
    from sessionboard.config.models import AgentsConfig

    provider = config.provider(name)
    heartbeat = provider.stale_after_seconds if isinstance(provider, AgentsConfig) else None
    return EventDeriver(
        name, expiring_within=config.app.expiring_within * 60, heartbeat_after=heartbeat, initial=initial
    )


async def _watch(config: Config, as_json: bool, wanted: frozenset[str], initial: bool, direct: bool) -> int:
    stop = asyncio.Event()
    printer = Printer(as_json, wanted, stop)
    derivers = {p.name: _deriver(config, p.name, initial) for p in config.providers}

    def on_snapshot(snap: Snapshot) -> None:
        deriver = derivers.get(snap.provider)
        if deriver is not None:
            printer.show(deriver.feed(snap))

    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)

    async def watch_stdout() -> None:
        while not stop.is_set():
            await asyncio.sleep(STDOUT_CHECK)
            if stdout_gone():
                printer.closed = True
                stop.set()

    source = _source(config, on_snapshot, direct)
    watcher = asyncio.create_task(watch_stdout())
    try:
        source.start()
        await stop.wait()
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        await source.stop()
        for signum in handled:
            loop.remove_signal_handler(signum)
    if printer.closed:
        raise BrokenPipeError  # main ends it quietly (exit 141), as every verb on a closed stdout
    return EXIT_OK


class _Source:
    """The pollers or the hub's feed, started and stopped alike."""

    def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError


class _Pollers(_Source):
    def __init__(self, config: Config, on_snapshot: OnSnapshot) -> None:
        from sessionboard.poller import KeepEnded, PollerGroup, ProviderPoller
        from sessionboard.providers import make_providers

        keep = config.app.keep_ended  # a watch left running for days stays flat, as the console does
        self.group = PollerGroup(
            [
                ProviderPoller(
                    provider, config.poll_interval(config.provider(provider.name)), on_snapshot,
                    keep_ended=KeepEnded(keep.minutes, keep.count),
                )
                for provider in make_providers(config)
            ]
        )

    def start(self) -> None:
        self.group.start()

    async def stop(self) -> None:
        await self.group.stop()


class _Hub(_Source):
    def __init__(self, config: Config, on_snapshot: OnSnapshot) -> None:
        from sessionboard.hub.feed import HubFeed

        assert config.hub is not None
        self.unreachable = False
        self.feed = HubFeed(config.hub, [(p.name, p.kind) for p in config.providers], on_snapshot, on_status=self._status)

    def _status(self, line: str | None) -> None:
        """The hub's reachability on stderr, so stdout stays events alone."""
        if line is not None:
            self.unreachable = True
            output.error(f"{line} (--direct polls the providers instead)")
        elif self.unreachable:
            self.unreachable = False
            output.error("hub reachable again")

    def start(self) -> None:
        self.feed.start()

    async def stop(self) -> None:
        await self.feed.stop()


def _source(config: Config, on_snapshot: OnSnapshot, direct: bool) -> _Source:
    if config.hub is not None and not direct:
        return _Hub(config, on_snapshot)
    return _Pollers(config, on_snapshot)


def watch_command(
    config: Config, names: list[str] | None, as_json: bool, events: str | None, initial: bool, direct: bool
) -> int:
    """Exit 0 after SIGINT or SIGTERM; 2 for bad arguments (an unknown event or provider)."""
    from sessionboard.cli.commands import _select

    wanted = parse_events(events, initial)
    selected = _select(config, names)
    if not selected.providers:
        output.error("no providers configured; add a [[providers]] table (see `sessionboard init`)")
        return EXIT_FAIL
    return asyncio.run(_watch(selected, as_json, wanted, initial, direct))
